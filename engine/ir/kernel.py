"""The semantics kernel: what the rule tree's operations mean, defined once for every backend.

Three-valued logic (Kleene: `false and missing` is false, `true or missing` is true), comparisons, the calendar
arithmetic of dates and durations, ages, and the aggregates `total` and `highest`. The traced evaluator, the evaluator
without a trace and the why-not analysis call these functions; the SQL backend states the same meaning in SQL and
the agreement tests (`tests/sql/`, `tests/evaluator_speed/`) hold the two to it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from engine.ir.nodes import CompareOperator, ExtremeKind, OccupationList, QuantifierKind
from engine.model.facts import MISSING
from engine.model.quantities import Duration, Hours, Period, Points, add_months

COMPARATORS: Mapping[CompareOperator, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq, "!=": operator.ne,
}


def kleene_all(values: Iterable[Any]) -> Any:
    """`and` over three values: false as soon as one is false, else missing when one is missing, else true."""
    result: Any = True
    for value in values:
        if value is False:
            return False
        if value is MISSING:
            result = MISSING
    return result


def kleene_any(values: Iterable[Any]) -> Any:
    """`or` over three values: true as soon as one is true, else missing when one is missing, else false."""
    result: Any = False
    for value in values:
        if value is True:
            return True
        if value is MISSING:
            result = MISSING
    return result


def is_member(item: Any, collection: Any) -> bool:
    """`item in collection`: an occupation list holds codes; any other collection holds values."""
    return item in (collection.codes if isinstance(collection, OccupationList) else collection)


Binary = Callable[[Any, Any], Any]


def comparison(operator_word: CompareOperator) -> Binary:
    """`left OP right` over three values: missing when either side is. Made once per node, when a backend builds it."""
    compare = COMPARATORS[operator_word]

    def compared(left: Any, right: Any) -> Any:
        return MISSING if left is MISSING or right is MISSING else compare(left, right)
    return compared


def membership(negated: bool) -> Binary:
    """`item is one of collection` (or `is not`) over three values: missing when either side is."""
    def member(item: Any, collection: Any) -> Any:
        return MISSING if item is MISSING or collection is MISSING else is_member(item, collection) != negated
    return member


def combination(adds: bool, shift_date: Callable[[date, Duration, int], date] | None = None) -> Binary:
    """`left + right` or `left - right` over three values: missing when either side is. With `shift_date`, the left
    side is a date moved by a duration (`shift`, or a memo of it); otherwise quantities of one kind add up."""
    if shift_date is not None:
        sign = 1 if adds else -1

        def shifted(day: Any, duration: Any) -> Any:
            return MISSING if day is MISSING or duration is MISSING else shift_date(day, duration, sign)
        return shifted
    combine = operator.add if adds else operator.sub

    def combined(left: Any, right: Any) -> Any:
        return MISSING if left is MISSING or right is MISSING else combine(left, right)
    return combined


def known_list(values: tuple[Any, ...]) -> Any:
    """A list written out in a rule (`[a, b]`): missing when one of its items is."""
    return MISSING if any(v is MISSING for v in values) else values


def extreme(kind: ExtremeKind) -> Callable[[list[Any]], Any]:
    """`min(...)` or `max(...)` over three values: missing when an operand is."""
    pick = min if kind == "min" else max

    def picked(values: list[Any]) -> Any:
        return MISSING if any(v is MISSING for v in values) else pick(values)
    return picked


def selected(elements: Iterable[Any], holds: Callable[[Any], Any]) -> Any:
    """The elements for which `holds` is true, in order (`jobs where ...`); missing as soon as it is missing for one."""
    kept = []
    for element in elements:
        verdict = holds(element)
        if verdict is MISSING:
            return MISSING
        if verdict:
            kept.append(element)
    return tuple(kept)


class EvaluationLimit(Exception):
    """One profile's evaluation stopped by a bound: more work than `MAX_STEPS` allows, or a date moved off the
    calendar. The profile gets its own message and the others are still evaluated."""


def shift(day: date, duration: Duration, sign: int) -> date:
    """A date moved by a calendar duration: months first (clamped to the month's end), then days. A date moved off the
    calendar (before the year 1 or after 9999) stops the profile's evaluation with its own message."""
    try:
        return add_months(day, sign * duration.months) + timedelta(days=sign * duration.days)
    except (OverflowError, ValueError):
        direction = "after" if sign > 0 else "before"
        raise EvaluationLimit(f"{day} moved by {duration} {direction} it is off the calendar (years 1 to 9999)") \
            from None


def window(length: Duration, anchor: date) -> Period:
    """`within LENGTH before ANCHOR`: the period that ends on the anchor day, both ends included."""
    return Period(length.before(anchor), anchor)


def age_on(born: date, day: date) -> int:
    """Age in completed years: a birthday counts from its day (29 February from 1 March in other years)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def full_time_years(hours: Hours, per_year: Hours) -> int:
    """Whole years of full-time work in a number of hours (none when a year is set at zero hours)."""
    return int(hours.amount // per_year.amount) if per_year.amount > 0 else 0


ZEROS: Mapping[str, Any] = {"points": Points(0), "hours": Hours(0.0), "duration": Duration(0), "days": Duration(0),
                            "count": 0}


def aggregate(kind: QuantifierKind, type_name: str, values: list[Any]) -> Any:
    """`total` adds up, `highest` takes the largest; over no element both are zero of the body's kind; missing when
    any element is missing."""
    if any(v is MISSING for v in values):
        return MISSING
    if not values:
        return ZEROS.get(type_name, 0)
    if kind == "highest":
        return max(values)
    result = values[0]
    for value in values[1:]:
        result = result + value
    return result
