"""Comparisons of a moved date with a date known when compiling, folded: `day + 2 years >= as_of` becomes
`day >= DATE '2023-06-01'`, so the database compares each row's date with a literal instead of moving every row's
date by calendar months first.

Moving a date by a duration (months first, clamped to the month's end, then days: `engine.ir.kernel.shift`) never
moves a later day before an earlier one, so the days whose moved date reaches a bound are exactly those from the
first such day on. That first day is found here, on the same calendar arithmetic the evaluator uses. A comparison is
folded only when moving every date a profile can hold (and the as-of date) stays on the calendar, so the folded
form never answers where the unfolded one would fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from engine.ir.kernel import EvaluationLimit, shift
from engine.model.profile import EARLIEST_DATE, LATEST_DATE
from engine.model.quantities import Duration

ONE_DAY = timedelta(days=1)
MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
SEARCH_DAYS = 62  # moving by months shifts a day by 3 days at most (clamping): far more than enough


@dataclass(frozen=True, slots=True)
class DayRange:
    """The days `first` to `last` (both included); `inside` false for the days outside it."""

    first: date
    last: date
    inside: bool = True


@dataclass(frozen=True, slots=True)
class DayBound:
    """The days `operator` `day` (`operator` one of <, >=)."""

    operator: str
    day: date


def folded(operator: str, duration: Duration, sign: int, bound: date, as_of: date,
           moved_on_left: bool = True) -> DayBound | DayRange | None:
    """The days d for which `shift(d, duration, sign) <operator> bound` holds (`bound <operator> shift(...)` when
    not `moved_on_left`), as a bound or a range on d itself; None when it is not folded."""
    if not moved_on_left:
        operator = MIRRORED[operator]
    if operator not in MIRRORED or not _on_calendar(duration, sign, as_of):
        return None
    try:
        reaching = _first_reaching(bound, duration, sign)
        passing = _first_reaching(bound + ONE_DAY, duration, sign)
    except EvaluationLimit:
        return None
    if reaching is None or passing is None:
        return None
    if operator == ">=":
        return DayBound(">=", reaching)
    if operator == ">":
        return DayBound(">=", passing)
    if operator == "<":
        return DayBound("<", reaching)
    if operator == "<=":
        return DayBound("<", passing)
    return DayRange(reaching, passing - ONE_DAY, inside=operator == "=")


def _on_calendar(duration: Duration, sign: int, as_of: date) -> bool:
    try:
        for day in (min(EARLIEST_DATE, as_of), max(LATEST_DATE, as_of)):
            shift(day, duration, sign)
    except EvaluationLimit:
        return False
    return True


def _first_reaching(target: date, duration: Duration, sign: int) -> date | None:
    """The first day whose moved date is `target` or later."""
    day = shift(target, duration, -sign)
    for _ in range(SEARCH_DAYS):
        if shift(day, duration, sign) < target:
            day += ONE_DAY
        elif shift(day - ONE_DAY, duration, sign) >= target:
            day -= ONE_DAY
        else:
            return day
    return None
