"""What every command shares: the as-of date, the rulebooks named on the command line, exit codes.

Commands import this module, never `engine.cli.main`, so the group and its commands do not import each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from dsl.diagnostics import RuleErrors
from engine import ir
from engine.lower.rulebook import Compiler, available_years, default_rules_tree

EXIT_RULE_ERRORS = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class AsOf:
    day: date
    note: str | None


def today() -> date:
    """Today, unless `RULES_TODAY` fixes it (for reproducible runs and tests)."""
    fixed = os.environ.get("RULES_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def choose_as_of(rulebook: ir.Rulebook, given: date | None) -> AsOf:
    """The as-of date: the one given, or today, or the rulebook's last in-force day when today is past it."""
    if given is not None:
        if given > rulebook.in_force_until or given < rulebook.in_force_from:
            return AsOf(given, f"{given} is outside the rulebook's in-force period "
                               f"({rulebook.in_force_from} to {rulebook.in_force_until})")
        return AsOf(given, None)
    now = today()
    if now > rulebook.in_force_until:
        return AsOf(rulebook.in_force_until,
                    f"today ({now}) is past the rulebook's in-force period; evaluated as of its last in-force day, "
                    f"{rulebook.in_force_until}")
    if now < rulebook.in_force_from:
        return AsOf(now, f"today ({now}) is before the rulebook comes into force on {rulebook.in_force_from}")
    return AsOf(now, None)


def _fail_rules(errors: RuleErrors) -> NoReturn:
    click.echo(errors.render(), err=True)
    count = len([d for d in errors.diagnostics if d.is_error])
    click.echo(f"\n{count} error{'s' if count != 1 else ''} in the rule files.", err=True)
    sys.exit(EXIT_RULE_ERRORS)


def load_rulebooks(compiler: Compiler, years: Sequence[str], folders: Sequence[Path],
                   as_of: date | None = None) -> list[ir.Rulebook]:
    """The rulebooks named on the command line; when none is named, the one in force on the as-of date (today when
    none is given). Exits on rule-file errors."""
    if years and folders:
        raise click.UsageError("give --year or --rules, not both")
    try:
        if folders:
            return [compiler.compile_folder(folder)[0] for folder in folders]
        known = available_years()
        if not known:
            raise click.UsageError(f"no rulebook found in {default_rules_tree()}")
        for year in years:
            if year not in known:
                raise click.BadParameter(f"no rulebook for {year}; known years: {', '.join(known)}",
                                         param_hint="--year")
        if years:
            return [compiler.compile_year(year)[0] for year in years]
        return [rulebook_in_force(compiler, known, as_of or today())]
    except RuleErrors as errors:
        _fail_rules(errors)


def rulebook_in_force(compiler: Compiler, years: Sequence[str], day: date) -> ir.Rulebook:
    """The rulebook in force on `day`: the latest that had come into force by then. Instructions stay in force until
    the next ones replace them, so a day past a rulebook's stated end with no successor yet still takes it (and the
    as-of note says so); a day before every rulebook takes the earliest."""
    earliest = None
    for year in sorted(years, reverse=True):
        rulebook = compiler.compile_year(year)[0]
        if rulebook.in_force_from <= day:
            return rulebook
        earliest = rulebook
    assert earliest is not None
    return earliest
