"""Short reasons for a verdict that is not `eligible`, read off the shape of the category's rule (never hard-coded).

A category's condition is usually `a and b and ...`. For `not_eligible` the reason is the first part that is false,
named after the definition it uses: `in_pool` false gives `not_in_pool`, `experience_in(...)` false gives
`not_experience_in`; a part that is not a named definition is named by its position (`condition_2`). For
`undetermined` it is the first part that could not be decided, with the profile facts that part reads:
`unknown_french_proficiency: language_tests`. The facts are those the rule reads (through every definition it
calls), so the SQL backend and the evaluator give the same reason whatever the profile lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import ir
from engine.ir.visitor import walk_with_rules
from engine.model.facts import FACT_TYPES

# Built-in functions that read the work history themselves (their arguments name no fact).
_WORK_FUNCTIONS = frozenset({"worked_in", "continuous_full_time", "hours_worked"})
# Facts the model derives from a field of the profile: the reason names the field.
_DERIVED = {"has_spouse": "spouse", "has_job_offer": "job_offer"}


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


def unknown_code(node: ir.Node, index: int) -> str:
    if isinstance(node, ir.RuleCall):
        return f"unknown_{node.name}"
    if isinstance(node, ir.Not) and isinstance(node.operand, ir.RuleCall):
        return f"unknown_{node.operand.name}"
    return f"condition_{index}_unknown"


def facts_read(node: ir.Node) -> tuple[str, ...]:
    """The profile fields a condition reads, through the definitions it calls, in the profile model's order."""
    names: set[str] = set()
    for child in walk_with_rules(node):
        if isinstance(child, ir.FactRef):
            names.add(_DERIVED.get(child.name, child.name))
        elif isinstance(child, ir.Builtin) and child.function in _WORK_FUNCTIONS:
            names.add("work_history")
    return tuple(name for name in FACT_TYPES if name in names)


def undetermined_reasons(category: ir.Category) -> tuple[str, ...]:
    """For each part of the category's condition (as `conjuncts` lists them), the reason when it is the first that
    cannot be decided: its code and the facts it reads."""
    reasons = []
    for index, (_, part) in enumerate(conjuncts(category), 1):
        facts = facts_read(part)
        code = unknown_code(part, index)
        reasons.append(f"{code}: {', '.join(facts)}" if facts else code)
    return tuple(reasons)


def first_unknown_part(category: ir.Category, value_of: Callable[[ir.Node], Any]) -> str:
    """The reason of an `undetermined` verdict: the first part of the condition that is neither true nor false."""
    for reason, (_, part) in zip(undetermined_reasons(category), conjuncts(category), strict=True):
        if value_of(part) is not True and value_of(part) is not False:
            return reason
    return undetermined_reasons(category)[0]
