"""`rules whynot`: for each category a profile does not meet, the smallest changes that would meet it; the score's
what-ifs; and, for the categories it meets, how it stands against their rounds."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from engine import ir
from engine.cli.common import EXIT_USAGE, choose_as_of, load_rulebooks
from engine.lower.rulebook import Compiler, available_years
from engine.whynot.context import Analyser


def analysers(compiler: Compiler, rulebooks: Sequence[ir.Rulebook], from_years: bool) -> list[Analyser]:
    """One analyser per rulebook; a shipped year is compared, for rounds, with the year before it that is shipped."""
    found = []
    known = available_years() if from_years else []
    for rulebook in rulebooks:
        before = [year for year in known if year < rulebook.year]
        earlier = compiler.compile_year(before[-1])[0] if before else None
        found.append(Analyser(rulebook, earlier))
    return found


@click.command("whynot")
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--year", "years", multiple=True, metavar="YEAR", help="Rulebook year (repeat for several). Default: "
                                                                      "the latest.")
@click.option("--rules", "folders", multiple=True, metavar="DIR", type=click.Path(path_type=Path, file_okay=False),
              help="A rulebook folder instead of a shipped year (repeat for several).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Evaluate as of this date (YYYY-MM-DD). Default: today, within the rulebook's in-force period.")
@click.option("--category", "category", metavar="ID", help="Only this category.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
def whynot_command(profiles: tuple[Path, ...], years: tuple[str, ...], folders: tuple[Path, ...], as_of: object,
                   category: str | None, output_format: str) -> None:
    """For each category PROFILES do not meet: the smallest changes of their facts that would meet it (each as a JSON
    Patch, with the verdict it promises, the date it holds from and the rules that make it necessary), or why nothing
    within reach can. Then the changes that raise the CRS most, and the rounds of the categories met."""
    from engine.eval.traced import EvaluationLimit
    from engine.explain.report import rejected_text
    from engine.model.profile import Problem, ProfileInput, read_profiles
    from engine.whynot.analyse import analyse
    from engine.whynot.report import to_json, to_markdown, to_text

    compiler = Compiler()
    rulebooks = load_rulebooks(compiler, years, folders, as_of.date() if as_of is not None else None)  # type: ignore[attr-defined]
    if category is not None and not all(any(c.id == category for c in r.categories) for r in rulebooks):
        known = ", ".join(c.id for r in rulebooks for c in r.categories)
        raise click.BadParameter(f"no category {category!r}; categories: {known}", param_hint="--category")
    given = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    inputs = [p for path in profiles for p in read_profiles(path)]
    rejected: list[ProfileInput] = [p for p in inputs if p.data is None]
    advices = []
    for analyser in analysers(compiler, rulebooks, not folders):
        when = choose_as_of(analyser.rulebook, given)
        for profile in (p for p in inputs if p.data is not None):
            assert profile.data is not None
            try:
                advices.append(analyse(analyser, profile.data, when.day, when.note, category))
            except EvaluationLimit as limit:
                rejected.append(ProfileInput(profile.origin, None, (Problem("$", str(limit)),)))
    if output_format == "json":
        click.echo(to_json(advices), nl=False)
    elif output_format == "markdown":
        click.echo(to_markdown(advices), nl=False)
    else:
        click.echo(to_text(advices), nl=False)
    if rejected:
        click.echo(rejected_text(rejected), err=True, nl=False)
        sys.exit(EXIT_USAGE)
