"""The `rules` command line.

Exit codes: 0 done, 1 errors in rule files (or, for `check`, problems found), 2 bad usage or bad profiles.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from engine.cli.common import EXIT_USAGE, CalendarDay, choose_as_of, load_rulebooks
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
    "test": "engine.cli.commands.test:test_command",
}


@click.group(cls=_LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="express-entry-rules")
def main() -> None:
    """Rules as code for Express Entry category-based selection: evaluate profiles, show and check rulebooks."""


_year_option = click.option("--year", "years", multiple=True, metavar="YEAR",
                            help="Rulebook year (repeat for several). Default: the latest.")
_rules_option = click.option("--rules", "folders", multiple=True, metavar="DIR",
                             type=click.Path(path_type=Path, file_okay=False),
                             help="A rulebook folder instead of a shipped year (repeat for several).")


@main.command("eval")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_year_option
@_rules_option
@click.option("--as-of", "as_of", type=CalendarDay(),
              help="Evaluate as of this date (YYYY-MM-DD). Default: today, within the rulebook's in-force period.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--explain", "detail", type=click.Choice(["summary", "full"]), default="full", show_default=True,
              help="How much of each explanation to show.")
def eval_command(profiles: tuple[Path, ...], years: tuple[str, ...], folders: tuple[Path, ...],
                 as_of: object, output_format: str, detail: str) -> None:
    """Evaluate candidate PROFILES (YAML or JSON) against every category of a rulebook, with explanations."""
    from engine.eval.traced import EvaluationLimit, evaluate_profile
    from engine.explain.report import build_report, rejected_text, to_json, to_markdown, to_text
    from engine.model.facts import facts_from_profile
    from engine.model.profile import Problem, ProfileInput, read_profiles

    rulebooks = load_rulebooks(Compiler(), years, folders)
    given = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    inputs = [p for path in profiles for p in read_profiles(path)]
    reports = []
    rejected: list[ProfileInput] = [p for p in inputs if p.data is None]
    for profile in (p for p in inputs if p.data is not None):
        assert profile.data is not None
        facts = facts_from_profile(profile.data)
        for rulebook in rulebooks:
            when = choose_as_of(rulebook, given)
            try:
                evaluation = evaluate_profile(rulebook, facts, when.day)
            except EvaluationLimit as limit:
                rejected.append(ProfileInput(profile.origin, None, (Problem("$", str(limit)),)))
                continue
            reports.append(build_report(facts.profile_id, rulebook, when.day, when.note, evaluation.categories, detail,
                                        evaluation.programs, evaluation.score))
    if output_format == "json":
        click.echo(to_json(reports, rejected), nl=False)
    elif output_format == "markdown":
        click.echo(to_markdown(reports, rejected), nl=False)
    else:
        click.echo(to_text(reports), nl=False)
        if rejected:
            click.echo(rejected_text(rejected), err=True, nl=False)
    if rejected:
        sys.exit(EXIT_USAGE)


@main.command("show")
@_year_option
@_rules_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show_command(years: tuple[str, ...], folders: tuple[Path, ...], output_format: str) -> None:
    """Print a compiled rulebook: in-force period, sources, categories with their rule and occupations."""
    from engine.explain.show import rulebook_json, rulebook_text

    rulebooks = load_rulebooks(Compiler(), years, folders)
    if output_format == "json":
        documents = [rulebook_json(r) for r in rulebooks]
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False))
    else:
        click.echo("\n\n".join(rulebook_text(r) for r in rulebooks))



if __name__ == "__main__":
    main()
