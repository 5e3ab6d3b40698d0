"""`rules diff OLD NEW`: what changed between two rulebooks, in policy terms, and whom it affects.

Exit codes follow `git diff --exit-code`: 0 when done (or, with `--exit-code`, when nothing differs), 1 only when
`--exit-code` is given and the rulebooks differ, 2 for anything that went wrong (bad usage, errors in rule files, an
unreadable pool file). Pool rows that are not valid profiles are reported in the output; they do not change the code.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from dsl.diagnostics import RuleErrors
from engine import ir
from engine.cli.common import CalendarDay
from engine.diff.impact import PoolImpact
from engine.lower.rulebook import Compiler, available_years, default_rules_tree

EXIT_DIFFERENCES = 1
EXIT_ERROR = 2


def resolve_rulebook(compiler: Compiler, given: str) -> ir.Rulebook:
    """A year of the rules tree (`2025`), or a rulebook folder. Exits with the diagnostics on rule-file errors."""
    try:
        if given in available_years():
            return compiler.compile_year(given)[0]
        folder = Path(given)
        if folder.is_dir():
            return compiler.compile_folder(folder)[0]
    except RuleErrors as errors:
        click.echo(errors.render(), err=True)
        count = len([d for d in errors.diagnostics if d.is_error])
        click.echo(f"\n{count} error{'s' if count != 1 else ''} in the rule files of {given}.", err=True)
        sys.exit(EXIT_ERROR)
    known = ", ".join(available_years()) or f"none in {default_rules_tree()}"
    raise click.BadParameter(f"'{given}' is neither a rulebook year (known: {known}) nor a folder",
                             param_hint="OLD/NEW")


def _earlier(compiler: Compiler, old: ir.Rulebook) -> list[ir.Rulebook]:
    """The rulebooks of the rules tree in force before OLD, so that a category NEW adds which one of them had is said
    to come back. A year whose rule files have errors is left out: it is not what is being compared."""
    earlier: list[ir.Rulebook] = []
    for year in available_years():
        if year < old.year:
            try:
                earlier.append(compiler.compile_year(year)[0])
            except RuleErrors:
                continue
    return earlier


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
@click.option("--exit-code", "exit_code", is_flag=True,
              help="Exit with 1 when the rulebooks differ, 0 when they do not (like git diff --exit-code).")
@click.option("--pool", "pool", type=click.Path(path_type=Path, dir_okay=False),
              help="Profiles to evaluate under both rulebooks: a pool as `rules batch` reads it (.parquet, .jsonl, "
                   ".csv) or a JSON or YAML list of profiles.")
@click.option("--as-of", "as_of", type=CalendarDay(),
              help="The day the pool is evaluated on, under both rulebooks. Default: the first day NEW is in force.")
@click.option("--engine", "engine_name", type=click.Choice(["duckdb", "python"]),
              help="What evaluates a Parquet or CSV pool: duckdb (the SQL backend, the default) or python (the "
                   "single-profile evaluator). JSON Lines, JSON and YAML pools go through the evaluator.")
def diff_command(old: str, new: str, output_format: str, exit_code: bool, pool: Path | None,
                 as_of: datetime | None, engine_name: str | None) -> None:
    """Compare two rulebooks (years like 2023 2025, or rulebook folders): categories, occupations, rules, sources.

    With --pool, also count per category the profiles that gain or lose eligibility, with examples and, for each
    kind of change, one profile's explanations side by side.
    """
    from engine.diff.report import to_json, to_markdown, to_text
    from engine.diff.rulebook_diff import compare

    if as_of is not None and pool is None:
        raise click.UsageError("--as-of needs --pool: it is the day the pool is evaluated on")
    if engine_name is not None and pool is None:
        raise click.UsageError("--engine needs --pool: it is what evaluates the pool")
    compiler = Compiler()
    old_rulebook = resolve_rulebook(compiler, old)
    new_rulebook = resolve_rulebook(compiler, new)
    difference = compare(old_rulebook, new_rulebook, _earlier(compiler, old_rulebook))
    impact = None
    if pool is not None:
        impact = _impact(old_rulebook, new_rulebook, pool, as_of.date() if as_of else new_rulebook.in_force_from,
                         engine_name)
    if output_format == "json":
        click.echo(to_json(difference, impact), nl=False)
    elif output_format == "markdown":
        click.echo(to_markdown(difference, impact), nl=False)
    else:
        click.echo(to_text(difference, impact, color=True), nl=False)
        if impact is not None and impact.rejected:
            click.echo(f"{len(impact.rejected)} pool row(s) were not evaluated; see 'Rejected rows' above.", err=True)
    if exit_code and difference.has_differences:
        sys.exit(EXIT_DIFFERENCES)


def _impact(old: ir.Rulebook, new: ir.Rulebook, pool: Path, day: date, engine_name: str | None) -> PoolImpact:
    """Through the SQL backend for a Parquet or CSV pool, unless the evaluator is asked for; through the evaluator
    for JSON Lines and JSON or YAML lists of profiles, or (with a note) for rules the backend does not compile."""
    from engine.diff.impact import is_columnar_pool, pool_impact, read_pool
    from engine.pool.load import PoolError

    try:
        if engine_name != "python" and is_columnar_pool(pool):
            from engine.diff.sql_impact import sql_pool_impact
            from engine.sql.compile import SqlUnsupported

            try:
                return sql_pool_impact(old, new, pool, day)
            except SqlUnsupported as error:
                if engine_name == "duckdb":
                    click.echo(f"error: the SQL backend does not compile {error}; run with --engine python", err=True)
                    sys.exit(EXIT_ERROR)
                click.echo(f"note: the SQL backend does not compile {error}; each profile goes through the "
                           "evaluator instead", err=True)
        rows = read_pool(pool)
    except PoolError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    return pool_impact(old, new, rows, day)
