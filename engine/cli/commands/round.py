"""`rules round`: simulate a round of invitations over a pool, a published round or a hypothetical one."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from engine.cli.common import CalendarDay

if TYPE_CHECKING:
    from engine import ir
    from engine.lower.rulebook import Compiler
    from engine.pool.rounds import RoundSpec


@click.command("round")
@click.argument("number", type=int, required=False)
@click.option("--pool", "pool", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="The pool: .parquet, .jsonl or .csv.")
@click.option("--year", "year", metavar="YEAR", help="Rulebook year. Default: the one that declares ROUND, or the "
                                                     "latest.")
@click.option("--rules", "folder", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="A rulebook folder instead of a shipped year.")
@click.option("--category", "category", help="A hypothetical round: the category it draws from.")
@click.option("--program", "program", type=click.Choice(["fsw", "cec", "fst"]),
              help="A hypothetical round: the program it draws from.")
@click.option("--invitations", "invitations", type=click.IntRange(min=1), help="A hypothetical round: how many.")
@click.option("--as-of", "as_of", type=CalendarDay(), help="A hypothetical round: its date.")
@click.option("--engine", "engine_name", type=click.Choice(["duckdb", "python"]),
              help="duckdb (default when the rules compile to SQL) or python (the single-profile evaluator).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def round_command(number: int | None, pool: Path, year: str | None, folder: Path | None, category: str | None,
                  program: str | None, invitations: int | None, as_of: object, engine_name: str | None,
                  output_format: str) -> None:
    """Rank the eligible in POOL by CRS, then submission time, and invite as round NUMBER of the rulebook did, or as
    a hypothetical round (--category or --program, --invitations, --as-of)."""

    from engine.cli.common import load_rulebooks
    from engine.lower.rulebook import Compiler
    from engine.pool.batch import EngineRefused, columns_read, register_verdicts
    from engine.pool.load import PoolError, load_pool, pool_connection
    from engine.pool.rounds import RoundSpec, RoundUnsupported, columns_ranked

    compiler = Compiler()
    if number is not None:
        if category or program or invitations or as_of:
            raise click.UsageError("give a round NUMBER, or --category/--program with --invitations, not both")
        rulebook, spec = declared_round(compiler, number, year, folder, "ROUND")
    else:
        if not invitations or not as_of or bool(category) == bool(program):
            raise click.UsageError("a hypothetical round needs --category or --program, --invitations and --as-of")
        (rulebook,) = load_rulebooks(compiler, (year,) if year else (), (folder,) if folder else ())
        day: date = as_of.date()  # type: ignore[attr-defined]
        grouping, target = ("category", category) if category else ("program", program)
        spec = RoundSpec(f"hypothetical {grouping} round", grouping, target, invitations, day)
    connection = pool_connection()
    try:
        loaded = load_pool(connection, pool, columns_read(rulebook, spec.as_of, engine_name))
    except PoolError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    try:
        register_verdicts(connection, rulebook, spec.as_of, engine_name, loaded,
                          note=lambda text: click.echo(text, err=True), kept=columns_ranked(rulebook))
    except EngineRefused as refusal:
        click.echo(f"error: {refusal}", err=True)
        sys.exit(2)
    rejected = (f"note: {len(loaded.rejects):,} of {loaded.rows_in:,} rows were rejected as malformed "
                f"(run `rules batch` to list them)") if loaded.rejects else None
    try:
        report_round(connection, rulebook, spec, output_format, rejected)
    except RoundUnsupported as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


def declared_round(compiler: Compiler, number: int, year: str | None, folder: Path | None,
                   hint: str) -> tuple[ir.Rulebook, RoundSpec]:
    """Round NUMBER and the rulebook that declares it: of the folder or year given, else of any shipped year."""
    from engine.cli.common import load_rulebooks
    from engine.lower.rulebook import available_years
    from engine.pool.rounds import spec_of

    candidates = load_rulebooks(compiler, () if folder else (year,) if year else tuple(available_years()),
                                (folder,) if folder else ())
    found = [(r, rb) for rb in candidates for r in rb.rounds if r.number == number]
    if not found:
        raise click.BadParameter(f"no rulebook declares round {number}", param_hint=hint)
    round_, rulebook = found[0]
    return rulebook, spec_of(round_)


def report_round(connection: Any, rulebook: ir.Rulebook, spec: RoundSpec, output_format: str,
                 note: str | None = None) -> None:
    """Rank and invite over the verdicts in the connection, and write the outcome (text or JSON) to standard output
    and, to standard error, `note` then what makes the outcome doubtful. RoundUnsupported for a grouping profiles
    cannot tell."""
    from engine.pool.rounds import fit_warnings, outcome_json, outcome_text, simulate

    outcome = simulate(connection, rulebook, spec)
    if note:
        click.echo(note, err=True)
    warnings = fit_warnings(connection, rulebook, spec)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":
        click.echo(json.dumps({**outcome_json(outcome), "warnings": warnings}, indent=2))
    else:
        click.echo(outcome_text(outcome))
