"""Where the candidate stands: for each category they are eligible for, the rounds of that category in the rulebook
in force and in the one before, the lowest score each invited, and whether the candidate's score would have been.

A round invites every candidate above its lowest score, and those at the lowest score who submitted their profile
no later than its tie-break time; when the profile does not say when it was submitted, a tie cannot be decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine import ir
from engine.whynot.model import RoundCheck, Standing


def standing(rulebooks: Sequence[ir.Rulebook], categories: Sequence[ir.Category], total: int | None,
             submitted_at: datetime | None) -> tuple[Standing, ...]:
    """For each category (matched by id in every rulebook): its rounds with a published lowest score, oldest first."""
    found = []
    for category in categories:
        checks = []
        for rulebook in rulebooks:
            for round_ in rulebook.rounds:
                if (round_.grouping != "category" or round_.category is None or round_.category.id != category.id
                        or round_.lowest_crs is None):
                    continue
                checks.append(RoundCheck(round_.number, round_.held_on, rulebook.year, round_.lowest_crs,
                                         round_.tie_break.isoformat() if round_.tie_break else None,
                                         invited(total, submitted_at, round_)))
        checks.sort(key=lambda c: (c.held, c.number))
        found.append(Standing(category.id, category.name, total, tuple(checks)))
    return tuple(found)


def invited(total: int | None, submitted_at: datetime | None, round_: ir.Round) -> bool | None:
    """Whether a score would have been invited in the round, counting the tie-break rule; None when undecidable."""
    if total is None or round_.lowest_crs is None:
        return None
    if total != round_.lowest_crs:
        return total > round_.lowest_crs
    if round_.tie_break is None:
        return True
    if submitted_at is None:
        return None
    return submitted_at <= round_.tie_break
