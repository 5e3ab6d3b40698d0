"""`rules whatif PROFILE --set PATH=VALUE ...`: evaluate a profile with edits and show what changes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.cli.common import EXIT_USAGE, choose_as_of, load_rulebooks
from engine.lower.rulebook import Compiler
from engine.model.json_document import document_text


@click.command("whatif")
@click.argument("profile", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--set", "edits", multiple=True, required=True, metavar="PATH=VALUE",
              help="An edit: a profile path (language_tests[0].levels.writing) or JSON Pointer "
                   "(/language_tests/0/levels/writing, /language_tests/- to add), and a JSON value. Repeatable.")
@click.option("--year", "years", multiple=True, metavar="YEAR", help="Rulebook year (repeat for several). Default: "
                                                                      "the latest.")
@click.option("--rules", "folders", multiple=True, metavar="DIR", type=click.Path(path_type=Path, file_okay=False),
              help="A rulebook folder instead of a shipped year (repeat for several).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Evaluate as of this date (YYYY-MM-DD). Default: today, within the rulebook's in-force period.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
def whatif_command(profile: Path, edits: tuple[str, ...], years: tuple[str, ...], folders: tuple[Path, ...],
                   as_of: object, output_format: str) -> None:
    """Evaluate PROFILE (one profile) with the edits and say which category and program verdicts and which CRS
    change. The edits are shown as a JSON Patch."""
    from engine.model.profile import read_profiles
    from engine.whynot.whatif import (
        EditError,
        edited_profile,
        parse_edits,
        what_if,
        whatif_json,
        whatif_markdown,
        whatif_text,
    )

    inputs = read_profiles(profile)
    if len(inputs) != 1:
        raise click.BadParameter(f"{profile} holds {len(inputs)} profiles; give a file with one", param_hint="PROFILE")
    (read,) = inputs
    if read.data is None:
        _fail([f"{read.origin}: not evaluated, the profile has problems:",
               *(f"  {p.path}: {p.message}" for p in read.problems)])
        return
    try:
        patch = parse_edits(read.data, edits)
    except EditError as error:
        raise click.BadParameter(str(error), param_hint="--set") from None
    edited, problems = edited_profile(read.data, patch)
    if edited is None:
        _fail([f"{read.origin}: the edited profile has problems:", *(f"  {p.path}: {p.message}" for p in problems)])
        return
    given = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    rulebooks = load_rulebooks(Compiler(), years, folders, given)
    results = []
    for rulebook in rulebooks:
        when = choose_as_of(rulebook, given)
        results.append(what_if(rulebook, read.data, edited, patch, when.day, when.note))
    if output_format == "json":
        documents = [whatif_json(r) for r in results]
        click.echo(document_text({"results": documents}))
    elif output_format == "markdown":
        click.echo(whatif_markdown(results), nl=False)
    else:
        click.echo(whatif_text(results), nl=False)


def _fail(lines: list[str]) -> None:
    click.echo("\n".join(lines), err=True)
    sys.exit(EXIT_USAGE)
