"""`rules pool synth`: write a synthetic pool of candidate profiles."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from engine.cli.common import CalendarDay


@click.group("pool")
def pool_command() -> None:
    """Make and inspect pools of candidate profiles (Parquet, JSON Lines or CSV)."""


@pool_command.command("synth")
@click.option("--size", type=click.IntRange(min=0), required=True, help="Number of profiles.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same pool.")
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="Output file: .parquet, .jsonl or .ndjson.")
@click.option("--year", "years", multiple=True, metavar="YEAR",
              help="Rulebook(s) whose occupation lists the pool draws from (repeat). Default: every year.")
@click.option("--as-of", "as_of", type=CalendarDay(), default="2025-06-01", show_default=True,
              help="The date the pool describes: ages, job dates and submission times lead up to it.")
@click.option("--raw-facts", "raw_facts", is_flag=True,
              help="Leave out each profile's stated CRS and programs: `rules batch` computes both from the facts.")
def synth_command(size: int, seed: int, out: Path, years: tuple[str, ...], as_of: object, raw_facts: bool) -> None:
    """Write a realistic synthetic pool (distributions in docs/pools.md)."""
    from engine.cli.common import load_rulebooks
    from engine.lower.rulebook import Compiler, available_years
    from engine.pool.synth import settings_for, write

    rulebooks = load_rulebooks(Compiler(), years or tuple(available_years()), ())
    day: date = as_of.date()  # type: ignore[attr-defined]
    try:
        written = write(settings_for(size, seed, day, rulebooks, stated_conclusions=not raw_facts), out)
    except (ValueError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(f"wrote {written:,} profiles to {out}", err=True)
