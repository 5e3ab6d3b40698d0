"""Short reason codes for a `not_eligible` verdict, read off the shape of the category's rule (never hard-coded).

A category's condition is usually `a and b and ...`; the reason is the first part that is false, named after the
definition it uses: `in_pool` false gives `not_in_pool`, `experience_in(...)` false gives `not_experience_in`. A part
that is not a named definition is named by its position (`condition_2`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import ir


def conjuncts(category: ir.Category) -> tuple[tuple[str, ir.Node], ...]:
    """The parts of the category's condition that must all hold, each with the reason code of its failure."""
    condition = category.condition
    parts = condition.operands if isinstance(condition, ir.AllOf) else (condition,)
    return tuple((reason_code(part, index), part) for index, part in enumerate(parts, 1))


def reason_code(node: ir.Node, index: int) -> str:
    if isinstance(node, ir.RuleCall):
        return f"not_{node.name}"
    if isinstance(node, ir.Not) and isinstance(node.operand, ir.RuleCall):
        return node.operand.name
    return f"condition_{index}"


def first_failed_part(category: ir.Category, value_of: Callable[[ir.Node], Any]) -> str:
    """The reason code of a `not_eligible` verdict: the first part of the condition whose value is false."""
    parts = conjuncts(category)
    if len(parts) == 1:
        return parts[0][0]
    return next(code for code, part in parts if value_of(part) is False)
