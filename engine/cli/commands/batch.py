"""`rules batch`: evaluate every profile of a pool against every category of a rulebook."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from engine.cli.common import CalendarDay


@contextmanager
def _progress(length: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; nothing when the output goes to a file or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=length, label="evaluating", file=sys.stderr) as bar:
        yield bar.update


@click.command("batch")
@click.argument("pool", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--year", "year", metavar="YEAR", help="Rulebook year. Default: the one in force on the as-of date.")
@click.option("--rules", "folder", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="A rulebook folder instead of a shipped year.")
@click.option("--as-of", "as_of", type=CalendarDay(),
              help="Evaluate as of this date (YYYY-MM-DD). Default: today, within the rulebook's in-force period.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="One row per profile: .parquet, .jsonl or .csv.")
@click.option("--errors", "errors", type=click.Path(path_type=Path, dir_okay=False),
              help="Rejected rows with line and reason (.jsonl, .csv or .parquet). Default: OUT's name + .errors.jsonl")
@click.option("--engine", "engine_name", type=click.Choice(["duckdb", "python"]),
              help="duckdb: rules compiled to SQL; python: the single-profile evaluator on each row. Default: duckdb, "
                   "or python (with a note) when the rules use something the SQL backend does not compile.")
@click.option("--round", "round_number", type=int, metavar="NUMBER",
              help="Also simulate round NUMBER of the rulebook over these verdicts (evaluated as of the round's day), "
                   "as `rules round NUMBER` does, with the pool read once.")
@click.option("--round-format", "round_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How --round writes the round's outcome to standard output.")
def batch_command(pool: Path, year: str | None, folder: Path | None, as_of: object, out: Path, errors: Path | None,
                  engine_name: str | None, round_number: int | None, round_format: str) -> None:
    """Evaluate every profile in POOL (Parquet, JSON Lines or CSV): a verdict and a reason per category."""
    import duckdb

    from engine.cli.commands.round import declared_round, report_round
    from engine.cli.common import choose_as_of, load_rulebooks
    from engine.explain.standing import standing_lines
    from engine.lower.rulebook import Compiler
    from engine.pool.batch import (
        EngineRefused,
        columns_read,
        output_format,
        register_verdicts,
        replaced_at_end,
        summarise,
        write_rejects,
        write_results,
    )
    from engine.pool.load import PoolError, load_pool, pool_connection
    from engine.pool.rounds import RoundUnsupported, check_supported

    given = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    spec = None
    if round_number is None:
        (rulebook,) = load_rulebooks(Compiler(), (year,) if year else (), (folder,) if folder else (), given)
    else:
        rulebook, spec = declared_round(Compiler(), round_number, year, folder, "--round")
        if given is not None and given != spec.as_of:
            raise click.UsageError(f"round {round_number} was held on {spec.as_of}: its verdicts are those of that "
                                   f"day, not of --as-of {given}")
        given = spec.as_of
        try:
            check_supported(rulebook, spec)
        except RoundUnsupported as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    when = choose_as_of(rulebook, given)
    if when.note and spec is None:  # a round's own warnings say when its day is outside the in-force period
        click.echo(f"note: {when.note}", err=True)
    errors = errors or out.with_name(out.name + ".errors.jsonl")
    for path, option in ((out, "--out"), (errors, "--errors")):
        try:
            output_format(path)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint=option) from None
    connection = pool_connection(progress_bar=sys.stderr.isatty())
    try:
        loaded = load_pool(connection, pool, columns_read(rulebook, when.day, engine_name))
    except PoolError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    rejects = list(loaded.rejects)
    try:
        rejects += register_verdicts(connection, rulebook, when.day, engine_name, loaded, _progress,
                                     note=lambda text: click.echo(text, err=True), lazy=spec is None)
    except EngineRefused as refusal:
        click.echo(f"error: {refusal}", err=True)
        sys.exit(2)
    try:
        with replaced_at_end(out, errors) as (partial_out, partial_errors):
            write_results(connection, out, partial_out)
            write_rejects(connection, sorted(rejects, key=lambda r: r.line), errors, partial_errors)
    except (ValueError, OSError, duckdb.Error) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    summary = summarise(connection, rulebook, loaded, rejects, written=out)
    for category, counts in summary.counts.items():
        click.echo(f"{category:<12} " + "  ".join(f"{k} {v:,}" for k, v in counts.items()), err=True)
    for line in standing_lines(rulebook, when.day, summary.lower_bounds):
        click.echo(line, err=True)
    click.echo(f"rows in {summary.rows_in:,} = evaluated {summary.evaluated:,} + rejected {summary.rejected:,}"
               f" (errors in {errors})", err=True)
    if spec is not None:
        report_round(connection, rulebook, spec, round_format)
