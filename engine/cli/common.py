"""What every command shares: the as-of date, the rulebooks named on the command line, exit codes.

Commands import this module, never `engine.cli.main`, so the group and its commands do not import each other.
"""

from __future__ import annotations

import calendar
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from dsl.diagnostics import RuleErrors
from engine import ir
from engine.explain.as_of import AsOf, choose_as_of, today
from engine.explain.as_of import rulebook_in_force as in_force_on
from engine.lower.rulebook import Compiler, available_years, default_rules_tree

__all__ = ["AsOf", "CalendarDay", "EXIT_RULE_ERRORS", "EXIT_USAGE", "choose_as_of", "load_rulebooks", "today"]

EXIT_RULE_ERRORS = 1
EXIT_USAGE = 2


class CalendarDay(click.DateTime):
    """A date written YYYY-MM-DD; one in that form that is not on the calendar says which part is out of range."""

    name = "date"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            written = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
            if written is not None:
                year, month, day = (int(part) for part in written.groups())
                if year < 1:
                    self.fail(f"'{value}': the year {year} is out of range (0001 to 9999)", param, ctx)
                if not 1 <= month <= 12:
                    self.fail(f"'{value}': the month {month:02d} is out of range (01 to 12)", param, ctx)
                last = calendar.monthrange(year, month)[1]
                if not 1 <= day <= last:
                    self.fail(f"'{value}': the day {day:02d} is out of range for {calendar.month_name[month]} {year} "
                              f"(01 to {last})", param, ctx)
        return super().convert(value, param, ctx)


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
    """The rulebook in force on `day` (see `engine.explain.as_of.rulebook_in_force`), compiling only the years it
    needs to look at, newest first."""
    return in_force_on((compiler.compile_year(year)[0] for year in sorted(years, reverse=True)), day)
