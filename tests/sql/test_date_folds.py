"""A moved date compared with a known date is folded into a comparison of the date itself: the folded form holds for
exactly the days the unfolded one holds for, on the evaluator's calendar arithmetic (months clamped to the month's
end, then days)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from engine.ir.kernel import shift
from engine.model.quantities import Duration
from engine.sql.date_folds import DayBound, DayRange, folded

COMPARE: dict[str, Callable[[date, date], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq, "<>": operator.ne}
AS_OF = date(2025, 6, 1)
# Bounds at the ends of months, leap days included, where clamping makes several days move to one.
BOUNDS = st.dates(date(2019, 1, 1), date(2030, 12, 31)) | st.sampled_from(
    [date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2025, 1, 31), date(2025, 4, 30)])


def holds(fold: DayBound | DayRange, day: date) -> bool:
    if isinstance(fold, DayBound):
        return COMPARE[fold.operator](day, fold.day)
    return (fold.first <= day <= fold.last) == fold.inside


@given(months=st.integers(0, 120), days=st.integers(0, 40), sign=st.sampled_from([1, -1]), bound=BOUNDS,
       operator_=st.sampled_from(sorted(COMPARE)), on_left=st.booleans())
def test_the_folded_comparison_holds_for_exactly_the_days_the_moved_one_does(
        months: int, days: int, sign: int, bound: date, operator_: str, on_left: bool) -> None:
    duration = Duration(months, days)
    fold = folded(operator_, duration, sign, bound, AS_OF, on_left)
    assert fold is not None
    centre = shift(bound, duration, -sign)
    for offset in range(-70, 71):
        day = centre + timedelta(days=offset)
        moved = shift(day, duration, sign)
        expected = COMPARE[operator_](moved, bound) if on_left else COMPARE[operator_](bound, moved)
        assert holds(fold, day) == expected, (day, moved)


def test_a_window_of_two_years_before_the_as_of_date_starts_on_the_same_day_two_years_earlier() -> None:
    """`result.date + 2 years >= as_of`: a result counts from the same day two years before."""
    assert folded(">=", Duration(24), 1, AS_OF, AS_OF) == DayBound(">=", date(2023, 6, 1))


def test_a_date_that_clamps_to_the_end_of_february_counts_from_the_first_day_reaching_the_bound() -> None:
    """29 February 2024 + 1 year is 28 February 2025, as is 28 February 2024 + 1 year: both reach it."""
    assert folded(">=", Duration(12), 1, date(2025, 2, 28), AS_OF) == DayBound(">=", date(2024, 2, 28))
    assert folded("=", Duration(12), 1, date(2025, 2, 28), AS_OF) == DayRange(date(2024, 2, 28), date(2024, 2, 29))


def test_a_move_that_could_leave_the_calendar_is_not_folded() -> None:
    assert folded(">=", Duration(12 * 8000), 1, AS_OF, AS_OF) is None
    assert folded(">=", Duration(12), 1, AS_OF, date(9999, 6, 1)) is None
