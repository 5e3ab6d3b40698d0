"""The work experience an occupational category asks, read off its rule: how long, whether continuous, where.

A diff in policy terms compares these (`engine.diff.policy`): the rule diff says `780 hours -> 1560 hours` and
`alternative removed: continuous full-time work`, a reader of the instructions says "6 months -> 12 months of
full-time work; continuous: required -> not required".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from engine import ir
from engine.model.quantities import Duration, Hours

# A month of full-time work as the work built-ins count it: 30 hours a week, 52 weeks a year, 12 months (780 hours are
# 6 months, 1,560 hours 12).
HOURS_PER_FULL_TIME_MONTH = Fraction(30 * 52, 12)
_WORK_BUILTINS = ("continuous_full_time", "hours_worked", "hours_in")


@dataclass(frozen=True, slots=True)
class WorkRequirement:
    """The work experience in one listed occupation an occupational category asks.

    `months` is full-time months (from a continuous period, or from hours at 30 a week), `hours` the hours that count
    when part-time work counts, `continuous` whether full-time months must be continuous, `canada_only` whether only
    work in Canada counts."""

    months: Fraction
    hours: float | None
    continuous: bool
    canada_only: bool

    def words(self) -> str:
        """`12 months of full-time work (1,560 hours), not necessarily continuous, in Canada or abroad`."""
        hours = f" ({self.hours:,.0f} hours)" if self.hours is not None else ""
        continuity = "continuous" if self.continuous else "not necessarily continuous"
        where = "in Canada only" if self.canada_only else "in Canada or abroad"
        return f"{months_text(self.months)} of full-time work{hours}, {continuity}, {where}"


def work_requirement(category: ir.Category) -> WorkRequirement | None:
    """The work experience the category's rule asks in one listed occupation, or None when it asks none (French
    proficiency, or conditions of its own such as the military category's)."""
    continuous: Fraction | None = None
    hours: float | None = None
    canada_only = False
    for builtin, threshold in _work_thresholds(category.condition):
        if builtin.function == "continuous_full_time" and isinstance(threshold, Duration):
            continuous = Fraction(threshold.months) + Fraction(threshold.days, 30)
        elif isinstance(threshold, Hours):
            hours = threshold.amount
            canada_only = canada_only or (builtin.function == "hours_in" and _names_canada(builtin))
    if continuous is not None:
        return WorkRequirement(continuous, hours, True, canada_only)
    if hours is not None:
        return WorkRequirement(Fraction(hours) / HOURS_PER_FULL_TIME_MONTH, hours, False, canada_only)
    return None


def _work_thresholds(node: ir.Node) -> Iterator[tuple[ir.Builtin, Any]]:
    """Each `work built-in >= threshold` on a listed occupation the condition reaches, through the definitions it
    calls. Only comparisons under a quantifier over `worked_in(list)` count: the programs' own work conditions (the
    CEC's year in Canada) are not the category's."""
    seen: set[str] = set()

    def walk(current: ir.Node, in_occupation: bool) -> Iterator[tuple[ir.Builtin, Any]]:
        if isinstance(current, ir.Quantifier) and isinstance(current.domain, ir.Builtin) and \
                current.domain.function == "worked_in":
            in_occupation = True
        if in_occupation and isinstance(current, ir.Compare) and current.operator == ">=" and \
                isinstance(current.left, ir.Builtin) and current.left.function in _WORK_BUILTINS:
            threshold = _threshold(current.right)
            if threshold is not None:
                yield current.left, threshold
        if isinstance(current, ir.RuleCall) and current.name not in seen:
            seen.add(current.name)
            yield from walk(current.rule.body, in_occupation)
        for child in current.children():
            yield from walk(child, in_occupation)

    yield from walk(node, False)


def _threshold(node: ir.Node) -> Any:
    if isinstance(node, (ir.ConstantRef, ir.Literal)):
        return node.value
    return None


def _names_canada(node: ir.Node) -> bool:
    return any(isinstance(n, ir.Literal) and n.value == "Canada" for n in _walk(node))


def _walk(node: ir.Node) -> Iterator[ir.Node]:
    yield node
    for child in node.children():
        yield from _walk(child)


def months_text(months: Fraction) -> str:
    """`12 months`, `1 month`, `6.5 months`."""
    shown = f"{float(months):g}"
    return f"{shown} month" if months == 1 else f"{shown} months"
