"""Verdicts and scores without a trace: the evaluator's semantics, for work that asks no explanation.

A pool of a million profiles, a round of invitations or the impact of a rule change needs each profile's verdicts,
programs and score, never the explanation of them. Recording a trace costs an object per rule-tree node (about a
thousand for a profile whose language levels, programs and CRS are computed from raw facts), so this module evaluates
the same rule trees through closures that return bare values. The logic is the evaluator's, node for node
(three-valued, `otherwise`, memoised rule calls, the same step limit); `and`, `or`, `any` and `all` stop at the first
operand that decides, which cannot change a value because evaluation has no side effects. `tests/evaluator_speed`
checks, on every example profile and on generated ones, that both paths give the same verdicts and scores.

When an explanation is wanted, `engine.eval.traced.evaluate_profile` records the trace it is built from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import ir
from engine.eval.builtins import BUILTINS
from engine.eval.closures import ClosureBuilder
from engine.eval.context import (
    MAX_STEPS,
    PLAIN_KEYS,
    EvaluationLimit,
    ProfileContext,
    Verdict,
    memo_key,
    verdict_of,
)
from engine.ir.kernel import (
    COMPARATORS,
    Binary,
    aggregate,
    combination,
    comparison,
    extreme,
    known_list,
    membership,
    selected,
    shift,
    window,
)
from engine.model.facts import MISSING, Facts, Item
from engine.model.quantities import Duration, Period, Points

__all__ = ["ProfileVerdicts", "evaluate_verdicts"]


@dataclass(frozen=True, slots=True)
class ProfileVerdicts:
    """One profile's verdicts (in the rulebook's order of categories and programs) and its score.

    `score` is the version in force (None when the rulebook has none for the day); `score_given` says the total is the
    profile's own `crs`; `bounded_by` names the pending rules that make a computed total only a lower bound.
    `value_of` evaluates any other node of the rulebook for this profile, sharing the memoised rule results (a batch
    reads the parts of a category's condition to name the reason of a `not_eligible`)."""

    categories: tuple[tuple[ir.Category, Verdict], ...]
    programs: tuple[tuple[ir.Category, Verdict], ...]
    score: ir.Score | None
    score_total: Any
    score_given: bool
    context: ProfileContext
    builder: BareClosures
    bounded_by: tuple[ir.Pending, ...] = ()

    def value_of(self, node: ir.Node) -> Any:
        return self.builder.closure(node)(self.context, {})


def evaluate_verdicts(rulebook: ir.Rulebook, facts: Facts, as_of: date,
                      with_programs_and_score: bool = True) -> ProfileVerdicts:
    """Every category and program of the rulebook, and the score in force on `as_of` (or the profile's own). Without
    programs and score (a comparison of category verdicts only), `programs` is empty and the score is left out."""
    program = BareClosures.of(rulebook)
    context = ProfileContext(program, facts, as_of)
    categories = tuple((c, verdict_of(program.closure(c.condition)(context, {}))) for c in rulebook.categories)
    if not with_programs_and_score:
        return ProfileVerdicts(categories, (), None, MISSING, False, context, program)
    programs = tuple((p, verdict_of(program.closure(p.condition)(context, {}))) for p in rulebook.programs)
    score, total, given = _score(context, program, rulebook, facts)
    bounded_by = () if given or total is MISSING or score is None else \
        tuple(p for p in rulebook.pending_on(as_of) if program.closure(p.reaches)(context, {}) is not False)
    return ProfileVerdicts(categories, programs, score, total, given, context, program, bounded_by)


def evaluate_score(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> ProfileVerdicts:
    """The score in force on `as_of` (or the profile's own) alone: no category or program is evaluated, so
    `categories` and `programs` are empty; `value_of` reads any other node as after `evaluate_verdicts`. A what-if of
    the score asks for nothing else, and the categories are most of an evaluation's work."""
    program = BareClosures.of(rulebook)
    context = ProfileContext(program, facts, as_of)
    score, total, given = _score(context, program, rulebook, facts)
    return ProfileVerdicts((), (), score, total, given, context, program)


def _score(context: ProfileContext, program: BareClosures, rulebook: ir.Rulebook,
           facts: Facts) -> tuple[ir.Score | None, Any, bool]:
    if not rulebook.scores:
        return None, MISSING, False
    score = rulebook.score_on(context.as_of)
    given = facts.values.get("crs", MISSING)
    if given is not MISSING:
        return score, given, True
    if score is None:
        return None, MISSING, False
    total = Points(0)
    for section in score.sections:
        value = program.closure(section.value)(context, {})
        if value is MISSING:
            return score, MISSING, False
        total = total + value
    return score, total, False


class _Calendar:
    """Windows and shifted dates remembered per builder: they repeat across rules and profiles (three years up to the
    as-of date), and the calendar arithmetic is the costly part of building one. Bounded, and owned by the builder
    (so by the rulebook), not by the module."""

    __slots__ = ("windows", "shifted")
    LIMIT = 4096

    def __init__(self) -> None:
        self.windows: dict[tuple[Duration, date], Period] = {}
        self.shifted: dict[tuple[date, Duration, int], date] = {}

    def window(self, length: Duration, anchor: date) -> Period:
        key = (length, anchor)
        found = self.windows.get(key)
        if found is None:
            found = window(length, anchor)
            if len(self.windows) < self.LIMIT:
                self.windows[key] = found
        return found

    def shift(self, day: date, duration: Duration, sign: int) -> date:
        key = (day, duration, sign)
        found = self.shifted.get(key)
        if found is None:
            found = shift(day, duration, sign)
            if len(self.shifted) < self.LIMIT:
                self.shifted[key] = found
        return found


_UNSET = object()  # not in a memo (a memoised value may be anything, `MISSING` included)


# Closures built once per rule-tree node -------------------------------------------------------------------------------

Closure = Callable[[ProfileContext, Mapping[str, Any]], Any]


class BareClosures(ClosureBuilder[Closure]):
    """The closures of the evaluator without a trace: each returns its node's bare value."""

    def __init__(self, rulebook: ir.Rulebook) -> None:
        super().__init__(rulebook)
        self.calendar = _Calendar()

    def value(self, node: ir.Literal | ir.ConstantRef) -> Closure:
        value = node.value
        return lambda context, env: value

    def list_ref(self, node: ir.ListRef) -> Closure:
        table = node.table
        return lambda context, env: table

    def fact_ref(self, node: ir.FactRef) -> Closure:
        name = node.name
        if name == "as_of":
            return lambda context, env: context.as_of
        return lambda context, env: context.facts[name]

    def local(self, node: ir.Local) -> Closure:
        name = node.name
        return lambda context, env: env[name]

    def field_get(self, node: ir.FieldGet) -> Closure:
        name = node.name
        is_end = name == "end"
        if isinstance(node.subject, ir.Local):  # `result.date`: read the element straight from the environment
            local = node.subject.name

            def run_local(context: ProfileContext, env: Mapping[str, Any]) -> Any:
                item = env[local]
                if item is MISSING:
                    return MISSING
                value = item.fields[name]
                return context.as_of if is_end and value is None else value
            return run_local
        subject_of = self.closure(node.subject)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            item = subject_of(context, env)
            if item is MISSING:
                return MISSING
            value = item.fields[name]
            return context.as_of if is_end and value is None else value
        return run

    def window(self, node: ir.WindowNode) -> Closure:
        calendar = self.calendar
        length_of, anchor_of = self.closure(node.length), self.closure(node.anchor)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            length = length_of(context, env)
            anchor = anchor_of(context, env)
            if length is MISSING or anchor is MISSING:
                return MISSING
            return calendar.window(length, anchor)
        return run

    def rule_call(self, node: ir.RuleCall) -> Closure:
        """A rule's value is remembered per profile and arguments (each profile has a context of its own, so its memo
        holds values, never the traced evaluator's traces). The called rule's body is built with the call: definitions
        cannot call each other in a cycle (the checker refuses one), so building ends."""
        name = node.name
        rule = node.rules[name]
        parameters = rule.parameters
        body_of = self.closure(rule.body)

        def call(context: ProfileContext, env: dict[str, Any], key: Any) -> Any:
            context.steps += 1
            if context.steps > MAX_STEPS:
                raise EvaluationLimit(f"evaluation stopped after {MAX_STEPS:,} steps")
            value = context.value_memo[key] = body_of(context, env)
            return value

        if not node.arguments:
            def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
                value = context.value_memo.get(name, _UNSET)
                return value if value is not _UNSET else call(context, {}, name)
            return run
        if len(node.arguments) == 1:
            (parameter,) = parameters
            argument = node.arguments[0]
            local = argument.name if isinstance(argument, ir.Local) else None  # `level(result)` inside a quantifier
            argument_of = self.closure(argument)

            def run_one(context: ProfileContext, env: Mapping[str, Any]) -> Any:
                value = env[local] if local is not None else argument_of(context, env)
                kind = type(value)
                key = (name, id(value) if kind is Item else value if kind in PLAIN_KEYS else memo_key(value))
                found = context.value_memo.get(key, _UNSET)
                return found if found is not _UNSET else call(context, {parameter: value}, key)
            return run_one
        arguments_of = tuple(self.closure(a) for a in node.arguments)

        def run_many(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            values = [argument(context, env) for argument in arguments_of]
            key = (name, *[v if type(v) in PLAIN_KEYS else memo_key(v) for v in values])
            found = context.value_memo.get(key, _UNSET)
            return found if found is not _UNSET else call(context, dict(zip(parameters, values)), key)
        return run_many

    def compare(self, node: ir.Compare) -> Closure:
        left_of = self.closure(node.left)
        compare = COMPARATORS[node.operator]
        if isinstance(node.right, (ir.Literal, ir.ConstantRef)):  # `age >= 18`: most comparisons are with a constant
            constant = node.right.value

            def run_constant(context: ProfileContext, env: Mapping[str, Any]) -> Any:
                left = left_of(context, env)
                return MISSING if left is MISSING else compare(left, constant)
            return run_constant
        return self.binary(node.left, node.right, comparison(node.operator))

    def member(self, node: ir.Member) -> Closure:
        return self.binary(node.item, node.collection, membership(node.negated))

    def arithmetic(self, node: ir.Arithmetic) -> Closure:
        shifts = self.calendar.shift if node.left.type.name == "date" else None  # a date moved by a duration
        return self.binary(node.left, node.right, combination(node.operator == "+", shifts))

    def binary(self, left: ir.Node, right: ir.Node, operation: Binary) -> Closure:
        """An operation of the kernel on the values of two operands."""
        left_of, right_of = self.closure(left), self.closure(right)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            return operation(left_of(context, env), right_of(context, env))
        return run

    def connective(self, node: ir.AllOf | ir.AnyOf) -> Closure:
        operands_of = tuple(self.closure(o) for o in node.operands)
        deciding = isinstance(node, ir.AnyOf)  # the value that settles `or` (true) or `and` (false) at once

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            result: Any = not deciding
            for operand in operands_of:
                value = operand(context, env)
                if value is deciding:
                    return deciding
                if value is MISSING:
                    result = MISSING
            return result
        return run

    def not_(self, node: ir.Not) -> Closure:
        operand_of = self.closure(node.operand)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            value = operand_of(context, env)
            return MISSING if value is MISSING else not value
        return run

    def otherwise(self, node: ir.Otherwise) -> Closure:
        first_of, fallback_of = self.closure(node.first), self.closure(node.fallback)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            first = first_of(context, env)
            return first if first is not MISSING else fallback_of(context, env)
        return run

    def conditional(self, node: ir.Conditional) -> Closure:
        condition_of = self.closure(node.condition)
        then_of, otherwise_of = self.closure(node.then), self.closure(node.otherwise)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            condition = condition_of(context, env)
            if condition is MISSING:
                return MISSING
            return (then_of if condition else otherwise_of)(context, env)
        return run

    def table_lookup(self, node: ir.TableLookup) -> Closure:
        """A lookup's answer depends on its keys only, so each lookup remembers its answers (a missing key included), up
        to a bound, across the profiles of its rulebook."""
        keys_of = tuple(self.closure(k) for k in node.keys)
        table, column = node.table, node.column
        answers: dict[Any, Any] = {}

        def answer(keys: tuple[Any, ...]) -> Any:
            if any(value is MISSING for value in keys):
                return MISSING
            row = table.row_for(keys)
            return MISSING if row is None else row.values[column]

        def remembered(found_key: Any, keys: tuple[Any, ...]) -> Any:
            value = answer(keys)
            try:
                if len(answers) < _REMEMBERED_ANSWERS:
                    answers[found_key] = value
            except TypeError:  # a key that cannot be hashed: looked up every time
                pass
            return value

        if len(keys_of) == 1:
            (key_of,) = keys_of

            def run_one(context: ProfileContext, env: Mapping[str, Any]) -> Any:
                key = key_of(context, env)
                try:
                    return answers[key]
                except (KeyError, TypeError):
                    return remembered(key, (key,))
            return run_one

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            keys = tuple([key(context, env) for key in keys_of])
            try:
                return answers[keys]
            except (KeyError, TypeError):
                return remembered(keys, keys)
        return run



    def quantifier(self, node: ir.Quantifier) -> Closure:
        domain_of, body_of = self.closure(node.domain), self.closure(node.body)
        where_of = self.closure(node.where) if node.where is not None else None
        variable = node.variable
        kind = node.kind
        aggregates = kind in ("total", "highest")
        deciding = kind == "any"  # the value that settles `any` (true) or `all` (false) at once

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            domain = domain_of(context, env)
            if domain is MISSING:
                return MISSING
            elements = sorted(domain.codes) if isinstance(domain, ir.OccupationList) else domain
            values = []
            for element in elements:
                context.count_step()
                inner = {**env, variable: element}
                if where_of is not None:
                    where = where_of(context, inner)
                    if where is False:
                        continue
                    body = body_of(context, inner)
                    if aggregates:
                        value = MISSING if where is MISSING else body
                    else:
                        value = False if body is False else MISSING if where is MISSING or body is MISSING else True
                else:
                    value = body_of(context, inner)
                if not aggregates and value is deciding:
                    return deciding
                values.append(value)
            if aggregates:
                return aggregate(node.kind, node.type.name, values)
            return MISSING if any(v is MISSING for v in values) else not deciding
        return run

    def list_node(self, node: ir.ListNode) -> Closure:
        items_of = tuple(self.closure(i) for i in node.items)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            context.count_step()
            return known_list(tuple([item(context, env) for item in items_of]))
        return run

    def selection(self, node: ir.Selection) -> Closure:
        domain_of, where_of = self.closure(node.domain), self.closure(node.where)
        variable = node.variable

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            context.count_step()
            domain = domain_of(context, env)
            if domain is MISSING:
                return MISSING
            return selected(domain, lambda element: where_of(context, {**env, variable: element}))
        return run

    def extreme(self, node: ir.Extreme) -> Closure:
        operands_of = tuple(self.closure(o) for o in node.operands)
        picked = extreme(node.kind)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            context.count_step()
            return picked([operand(context, env) for operand in operands_of])
        return run

    def builtin(self, node: ir.Builtin) -> Closure:
        arguments_of = tuple(self.closure(a) for a in node.arguments)
        apply = BUILTINS[node.function].apply

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Any:
            context.count_step()
            return apply(context, [argument(context, env) for argument in arguments_of], False)[0]
        return run


_REMEMBERED_ANSWERS = 4096


