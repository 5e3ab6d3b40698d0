"""Interval arithmetic over work periods, per occupation.

The policy semantics live here, in one place, and the tests pin them at their edges:
- a job runs from its `start` to its `end`, both days included; a job with no end is ongoing (up to the as-of date);
- what counts is the part of each job inside the window;
- jobs in the same occupation add up day by day; a day worked at 30 hours a week or more (all jobs in that
  occupation together) is a full-time day, and hours beyond 30 a week never count;
- a continuous period is a run of consecutive full-time days in one occupation: back-to-back jobs in the same code
  merge, a day without full-time work breaks the run, and work in another code does not extend it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from engine.model.quantities import Duration, Hours, Period

FULL_TIME_HOURS_PER_WEEK = 30.0
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Stint:
    """One job's dates and weekly hours, as the arithmetic needs them."""

    first: date
    last: date
    hours_per_week: float


@dataclass(frozen=True, slots=True)
class OccupationTime:
    """What one occupation's jobs add up to inside a window."""

    longest_run: Duration
    run: Period | None
    counted_hours: Hours


def in_window(stints: Sequence[Stint], window: Period) -> OccupationTime:
    """Sweep the jobs' start and end days once: segments of constant weekly hours give both answers."""
    changes: dict[date, float] = {}
    for stint in stints:
        first = max(stint.first, window.first)
        last = min(stint.last, window.last)
        if last < first or stint.hours_per_week <= 0:
            continue
        changes[first] = changes.get(first, 0.0) + stint.hours_per_week
        after = last + ONE_DAY
        changes[after] = changes.get(after, 0.0) - stint.hours_per_week
    hour_days = 0.0
    best: tuple[Duration, Period | None] = (Duration(0), None)
    run_start: date | None = None
    weekly = 0.0
    days = sorted(changes)
    for day, next_day in zip(days, days[1:]):
        weekly += changes[day]
        if weekly < 1e-9:
            weekly = 0.0
        length = (next_day - day).days
        hour_days += min(weekly, FULL_TIME_HOURS_PER_WEEK) * length
        full_time = weekly >= FULL_TIME_HOURS_PER_WEEK - 1e-9
        if full_time and run_start is None:
            run_start = day
        if not full_time and run_start is not None:
            best = _longer(best, run_start, day)
            run_start = None
    if run_start is not None and days:
        best = _longer(best, run_start, days[-1])
    return OccupationTime(best[0], best[1], Hours(hour_days / 7))


def _longer(best: tuple[Duration, Period | None], first: date, after_last: date) -> tuple[Duration, Period | None]:
    length = Duration.between(first, after_last)
    if length > best[0]:
        return length, Period(first, after_last - ONE_DAY)
    return best
