"""The `rules` command line.

Exit codes: 0 done, 1 errors in rule files (or, for `check`, problems found), 2 bad usage or bad profiles.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from engine.cli.common import EXIT_USAGE, CalendarDay, load_rulebooks
from engine.lower.rulebook import Compiler


class _LazyGroup(click.Group):
    """A group whose other commands live in their own modules, imported only when one of them runs or help lists
    them: `rules eval` does not pay for the imports of `rules diff`."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


# Commands kept in engine/cli/commands/: name -> "module:click command".
LAZY_COMMANDS = {
    "batch": "engine.cli.commands.batch:batch_command",
    "check": "engine.cli.commands.check:check_command",
    "diff": "engine.cli.commands.diff:diff_command",
    "fmt": "engine.cli.commands.fmt:fmt_command",
    "pool": "engine.cli.commands.pool:pool_command",
    "round": "engine.cli.commands.round:round_command",
    "serve": "engine.cli.commands.serve:serve_command",
    "test": "engine.cli.commands.test:test_command",
    "whatif": "engine.cli.commands.whatif:whatif_command",
    "whynot": "engine.cli.commands.whynot:whynot_command",
}


@click.group(cls=_LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="express-entry-rules")
def main() -> None:
    """Rules as code for Express Entry category-based selection: evaluate profiles, show and check rulebooks."""


_year_option = click.option("--year", "years", multiple=True, metavar="YEAR",
                            help="Rulebook year (repeat for several). Default: the one in force on the as-of date.")
_rules_option = click.option("--rules", "folders", multiple=True, metavar="DIR",
                             type=click.Path(path_type=Path, file_okay=False),
                             help="A rulebook folder instead of a shipped year (repeat for several).")


@main.command("eval")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@_year_option
@_rules_option
@click.option("--as-of", "as_of", type=CalendarDay(),
              help="Evaluate as of this date (YYYY-MM-DD). Default: today, within the rulebook's in-force period.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--explain", "detail", type=click.Choice(["brief", "summary", "full"]),
              help="How much of each explanation to show: brief (what decided each verdict; the default for text), "
                   "summary (every condition with its deciding checks) or full (the whole tree with facts and "
                   "sources; the default for json and markdown).")
@click.option("--why-not", "why_not", is_flag=True,
              help="Add, for each category not met, the smallest changes that would meet it, the CRS what-ifs and "
                   "the rounds of the categories met (as `rules whynot`).")
def eval_command(profiles: tuple[Path, ...], years: tuple[str, ...], folders: tuple[Path, ...],
                 as_of: object, output_format: str, detail: str | None, why_not: bool) -> None:
    """Evaluate candidate PROFILES (YAML or JSON files; - reads one from standard input) against every category of
    a rulebook, with explanations."""
    from engine.explain.evaluation import evaluate_inputs
    from engine.explain.report import rejected_text, to_json, to_markdown, to_text

    compiler = Compiler()
    given = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    rulebooks = load_rulebooks(compiler, years, folders, given)
    gc.freeze()  # the rulebooks and modules live until the command ends: the collections profiles set off skip them
    shown = detail or ("brief" if output_format == "text" else "full")
    inputs = [p for path in profiles for p in _read_inputs(path)]
    evaluated = evaluate_inputs(inputs, rulebooks, given, shown)
    reports, rejected = evaluated.reports, evaluated.rejected
    advices: list[Any] = []
    if why_not:
        from engine.whynot.analyse import analyse

        analysers = _analysers(compiler, rulebooks, not folders)
        advices = [analyse(analysers[id(rulebook)], profile, when.day, when.note)
                   for profile, rulebook, when in evaluated.pairs]
    if output_format == "json":
        click.echo(_with_advice_json(reports, rejected, advices) if why_not else to_json(reports, rejected), nl=False)
    elif output_format == "markdown":
        click.echo(to_markdown(reports, rejected), nl=False)
        if why_not:
            from engine.whynot.report import to_markdown as advice_markdown

            click.echo("\n" + advice_markdown(advices), nl=False)
    else:
        click.echo(to_text(reports), nl=False)
        if why_not:
            from engine.whynot.report import to_text as advice_text

            click.echo("\n" + advice_text(advices), nl=False)
        if rejected:
            click.echo(rejected_text(rejected), err=True, nl=False)
    if rejected:
        sys.exit(EXIT_USAGE)


def _analysers(compiler: Compiler, rulebooks: list[Any], from_years: bool) -> dict[int, Any]:
    from engine.cli.commands.whynot import analysers

    return {id(a.rulebook): a for a in analysers(compiler, rulebooks, from_years)}


def _with_advice_json(reports: list[Any], rejected: list[Any], advices: list[Any]) -> str:
    """The evaluation's JSON with each result's `why_not`."""
    from engine.explain.report import report_document
    from engine.model.json_document import document_text
    from engine.whynot.report import with_why_not

    return document_text(with_why_not(report_document(reports, rejected), advices)) + "\n"


def _read_inputs(path: Path) -> list[Any]:
    """The profiles of a file, or of standard input when the path is `-`."""
    from engine.model.profile import read_profile_stream, read_profiles

    if str(path) == "-":
        return read_profile_stream(sys.stdin.buffer, "<stdin>")
    return read_profiles(path)


@main.command("show")
@_year_option
@_rules_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_command(years: tuple[str, ...], folders: tuple[Path, ...], output_format: str) -> None:
    """Print a compiled rulebook: in-force period, sources, categories with their rule and occupations."""
    from engine.explain.show import rulebook_json, rulebook_text
    from engine.model.json_document import document_text

    rulebooks = load_rulebooks(Compiler(), years, folders)
    if output_format == "json":
        documents = [rulebook_json(r) for r in rulebooks]
        click.echo(document_text(documents[0] if len(documents) == 1 else documents))
    else:
        click.echo("\n\n".join(rulebook_text(r) for r in rulebooks))



if __name__ == "__main__":
    main()
