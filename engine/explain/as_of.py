"""The day a profile is evaluated on: the one given, else today within the rulebook's in-force period.

Every command and the web API choose it the same way; this module is small so that choosing it imports nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from engine import ir


@dataclass(frozen=True, slots=True)
class AsOf:
    day: date
    note: str | None


def today() -> date:
    """Today, unless `RULES_TODAY` fixes it (for reproducible runs and tests)."""
    fixed = os.environ.get("RULES_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def choose_as_of(rulebook: ir.Rulebook, given: date | None) -> AsOf:
    """The as-of date: the one given, or today, or the rulebook's last in-force day when today is past it. A rulebook
    whose end is not known (`until DATE or later`) stays in force past DATE, the last day its facts were checked:
    today is then the day, and the note says the facts were checked only to DATE."""
    if given is not None:
        if not rulebook.in_force_on(given):
            return AsOf(given, f"{given} is outside the rulebook's in-force period "
                               f"({rulebook.in_force_from} to {rulebook.in_force_until})")
        return AsOf(given, _unchecked(given, rulebook) if given > rulebook.in_force_until else None)
    now = today()
    if now > rulebook.in_force_until and rulebook.in_force_on(now):
        return AsOf(now, _unchecked(now, rulebook))
    if now > rulebook.in_force_until:
        return AsOf(rulebook.in_force_until,
                    f"today ({now}) is past the rulebook's in-force period; evaluated as of its last in-force day, "
                    f"{rulebook.in_force_until}")
    if now < rulebook.in_force_from:
        return AsOf(now, f"today ({now}) is before the rulebook comes into force on {rulebook.in_force_from}")
    return AsOf(now, None)


def _unchecked(day: date, rulebook: ir.Rulebook) -> str:
    return (f"{day} is past {rulebook.in_force_until}, the last day this rulebook's facts were checked: no later "
            f"instructions are known, so it is applied on the assumption that it is still in force")


def rulebook_in_force(newest_first: Iterable[ir.Rulebook], day: date) -> ir.Rulebook:
    """The rulebook in force on `day`, among rulebooks given newest first: the latest that had come into force by
    then. Instructions stay in force until the next ones replace them, so a day past a rulebook's stated end with no
    successor yet still takes it (and the as-of note says so); a day before every rulebook takes the earliest."""
    earliest = None
    for rulebook in newest_first:
        if rulebook.in_force_from <= day:
            return rulebook
        earliest = rulebook
    assert earliest is not None, "no rulebook"
    return earliest
