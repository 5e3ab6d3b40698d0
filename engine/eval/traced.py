"""The evaluator with a trace: a rulebook and a profile's facts in, a verdict and a trace per category out.

Logic is three-valued (Kleene, `engine.ir.kernel`): a fact the profile does not give is `MISSING`; `false and
missing` is false, `true or missing` is true, and whatever else depends on a missing fact is missing too, which makes
a verdict `undetermined`.

Evaluation records a compact `Trace` per node (the node, its value, the facts it read, its children); explanations are
built from it only when asked (see `engine.explain.explanation`). Every operand of `and`/`or` and every element a
quantifier goes over is evaluated, so the explanation shows every reason, not only the first.
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
    Binary,
    aggregate,
    combination,
    comparison,
    extreme,
    kleene_all,
    kleene_any,
    known_list,
    membership,
    selected,
    shift,
)
from engine.model.facts import DERIVED_FIELDS, FIELD_PATHS, MISSING, Facts, Item
from engine.model.quantities import Period, Points

__all__ = ["MAX_STEPS", "MISSING", "CategoryResult", "EvaluationLimit", "ProfileEvaluation", "ScoreResult",
           "SectionResult", "Trace", "Verdict", "evaluate", "evaluate_profile", "evaluate_rule", "kleene_all",
           "kleene_any", "verdict_of"]


class Trace:
    """What one node evaluated to. `facts` are (JSON path, value) pairs the node read itself; `note` carries what a
    view may want to show (a quantifier's element, the work period behind a duration)."""

    __slots__ = ("node", "value", "children", "facts", "note")

    def __init__(self, node: Any, value: Any, children: tuple[Trace, ...] = (),
                 facts: tuple[tuple[str, Any], ...] = (), note: Any = None) -> None:
        self.node = node
        self.value = value
        self.children = children
        self.facts = facts
        self.note = note


@dataclass(frozen=True, slots=True)
class CategoryResult:
    category: ir.Category
    verdict: Verdict
    trace: Trace


def evaluate(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> list[CategoryResult]:
    """Every category of the rulebook, in declaration order."""
    context = ProfileContext(TracedClosures.of(rulebook), facts, as_of)
    results = []
    for category in rulebook.categories:
        trace = trace_of(context, category.condition, {})
        results.append(CategoryResult(category, verdict_of(trace.value), trace))
    return results


@dataclass(frozen=True, slots=True)
class SectionResult:
    section: ir.Section
    trace: Trace


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """A profile's points score: computed from the version in force, or given in the profile (then no sections)."""

    score: ir.Score | None
    total: Any
    sections: tuple[SectionResult, ...]
    given: bool
    pending: tuple[PendingResult, ...] = ()

    @property
    def bounded_by(self) -> tuple[ir.Pending, ...]:
        """The pending rules that make the computed total a lower bound: in force, and reaching this profile (or
        not known not to). Empty for a given total, or one that could not be computed."""
        if self.given or self.total is MISSING:
            return ()
        return tuple(p.pending for p in self.pending if p.trace.value is not False)


@dataclass(frozen=True, slots=True)
class PendingResult:
    """Whether a pending rule in force on the as-of date could reach the profile, with the trace that says why."""

    pending: ir.Pending
    trace: Trace


@dataclass(frozen=True, slots=True)
class ProfileEvaluation:
    categories: list[CategoryResult]
    programs: list[CategoryResult]
    score: ScoreResult | None


def evaluate_profile(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> ProfileEvaluation:
    """Categories, programs and the score of one profile, sharing one evaluation (each rule runs once)."""
    context = ProfileContext(TracedClosures.of(rulebook), facts, as_of)
    categories = [_result(context, category) for category in rulebook.categories]
    programs = [_result(context, program) for program in rulebook.programs]
    return ProfileEvaluation(categories, programs, _score(context, rulebook, facts))


def evaluate_rule(rulebook: ir.Rulebook, name: str, facts: Facts, as_of: date,
                  arguments: tuple[Any, ...] = ()) -> Trace:
    """One named definition on one profile: what a test or a tool asks of a single rule (a level, a factor)."""
    rule = rulebook.rules[name]
    context = ProfileContext(TracedClosures.of(rulebook), facts, as_of)
    return trace_of(context, rule.body, dict(zip(rule.parameters, arguments)))


def _result(context: ProfileContext, category: ir.Category) -> CategoryResult:
    trace = trace_of(context, category.condition, {})
    return CategoryResult(category, verdict_of(trace.value), trace)


def _score(context: ProfileContext, rulebook: ir.Rulebook, facts: Facts) -> ScoreResult | None:
    if not rulebook.scores:
        return None
    score = rulebook.score_on(context.as_of)
    given = facts.values.get("crs", MISSING)
    if given is not MISSING:
        return ScoreResult(score, given, (), True)
    if score is None:
        return None
    sections = tuple(SectionResult(s, trace_of(context, s.value, {})) for s in score.sections)
    values = [s.trace.value for s in sections]
    total = MISSING if any(v is MISSING for v in values) else sum(values, Points(0))
    pending = tuple(PendingResult(p, trace_of(context, p.reaches, {})) for p in rulebook.pending_on(context.as_of))
    return ScoreResult(score, total, sections, False, pending)


def trace_of(context: ProfileContext, node: ir.Node, env: Mapping[str, Any]) -> Trace:
    """Evaluate one node with its trace (one step counted)."""
    context.count_step()
    closure: Closure = context.builder.closure(node)
    return closure(context, env)


# Closures built once per rule-tree node ------------------------------------------------------------------------------
#
# Walking the tree node by node would pay, at every node, a dispatch on its type and the reading of its fields. The
# nodes met on every profile (names, fields, comparisons, arithmetic, connectives, lookups, rule calls, quantifiers)
# are instead turned, the first time a rulebook is evaluated, into small closures that hold their children's closures
# and what their node fixes in advance (an operator, a field's path, a rule's name). Steps are counted where work can
# multiply: at each rule body and each element a quantifier goes over (and at every node read through a function).

Closure = Callable[[ProfileContext, Mapping[str, Any]], Trace]


class TracedClosures(ClosureBuilder[Closure]):
    """The closures of the evaluator with a trace: each returns the `Trace` of its node."""

    def value(self, node: ir.Literal | ir.ConstantRef) -> Closure:
        value = node.value

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            return Trace(node, value)
        return run

    def list_ref(self, node: ir.ListRef) -> Closure:
        table = node.table

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            return Trace(node, table)
        return run

    def fact_ref(self, node: ir.FactRef) -> Closure:
        name = node.name
        if name == "as_of":
            def as_of(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
                day = context.as_of
                return Trace(node, day, (), (("as_of", day),))
            return as_of

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            value = context.facts[name]
            return Trace(node, value, (), ((name, value),))
        return run

    def local(self, node: ir.Local) -> Closure:
        name = node.name

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            return Trace(node, env[name])
        return run

    def field_get(self, node: ir.FieldGet) -> Closure:
        subject_of = self.closure(node.subject)
        name = node.name
        shown_as = FIELD_PATHS.get(name, name)
        source = DERIVED_FIELDS.get(name)
        is_end = name == "end"

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            subject = subject_of(context, env)
            item = subject.value
            if item is MISSING:
                return Trace(node, MISSING, (subject,))
            fields = item.fields
            value = fields[name]
            if is_end and value is None:
                value = context.as_of
            shown = fields[source] if source is not None else value
            return Trace(node, value, (subject,), ((f"{item.path}.{shown_as}", shown),))
        return run

    def window(self, node: ir.WindowNode) -> Closure:
        length_of, anchor_of = self.closure(node.length), self.closure(node.anchor)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            length = length_of(context, env)
            anchor = anchor_of(context, env)
            if length.value is MISSING or anchor.value is MISSING:
                return Trace(node, MISSING, (length, anchor))
            return Trace(node, Period(length.value.before(anchor.value), anchor.value), (length, anchor))
        return run

    def rule_call(self, node: ir.RuleCall) -> Closure:
        name = node.name
        rules = node.rules
        arguments_of = tuple(self.closure(a) for a in node.arguments)
        key_alone = (name,)
        body: list[tuple[tuple[str, ...], Closure]] = []  # the called rule's parameters and body, found on first call

        def call(context: ProfileContext, arguments: tuple[Trace, ...], key: tuple[Any, ...]) -> Trace:
            if not body:
                rule = rules[name]
                body.append((rule.parameters, self.closure(rule.body)))
            parameters, body_of = body[0]
            context.steps += 1
            if context.steps > MAX_STEPS:
                raise EvaluationLimit(f"evaluation stopped after {MAX_STEPS:,} steps")
            result = body_of(context, dict(zip(parameters, [a.value for a in arguments])))
            trace = Trace(node, result.value, (result,), (), arguments)
            context.rule_memo[key] = trace
            return trace

        if not arguments_of:
            def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
                memo = context.rule_memo.get(key_alone)
                return memo if memo is not None else call(context, (), key_alone)
            return run
        if len(arguments_of) == 1:
            (argument_of,) = arguments_of

            def run_one(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
                argument = argument_of(context, env)
                value = argument.value
                kind = type(value)
                key = (name, value if kind in PLAIN_KEYS else id(value) if kind is Item else memo_key(value))
                memo = context.rule_memo.get(key)
                return memo if memo is not None else call(context, (argument,), key)
            return run_one

        def run_many(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            arguments = tuple([argument(context, env) for argument in arguments_of])
            key = (name, *[a.value if type(a.value) in PLAIN_KEYS else memo_key(a.value) for a in arguments])
            memo = context.rule_memo.get(key)
            return memo if memo is not None else call(context, arguments, key)
        return run_many

    def compare(self, node: ir.Compare) -> Closure:
        return self.binary(node, node.left, node.right, comparison(node.operator))

    def member(self, node: ir.Member) -> Closure:
        return self.binary(node, node.item, node.collection, membership(node.negated))

    def arithmetic(self, node: ir.Arithmetic) -> Closure:
        shifts = shift if node.left.type.name == "date" else None  # a date moved by a duration
        return self.binary(node, node.left, node.right, combination(node.operator == "+", shifts))

    def binary(self, node: ir.Node, left: ir.Node, right: ir.Node, operation: Binary) -> Closure:
        """An operation of the kernel on the values of two operands, both recorded."""
        left_of, right_of = self.closure(left), self.closure(right)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            left_trace = left_of(context, env)
            right_trace = right_of(context, env)
            return Trace(node, operation(left_trace.value, right_trace.value), (left_trace, right_trace))
        return run

    def connective(self, node: ir.AllOf | ir.AnyOf) -> Closure:
        operands_of = tuple(self.closure(o) for o in node.operands)
        combine = kleene_all if isinstance(node, ir.AllOf) else kleene_any

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            children = tuple([operand(context, env) for operand in operands_of])
            return Trace(node, combine([c.value for c in children]), children)
        return run

    def not_(self, node: ir.Not) -> Closure:
        operand_of = self.closure(node.operand)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            operand = operand_of(context, env)
            return Trace(node, MISSING if operand.value is MISSING else not operand.value, (operand,))
        return run

    def otherwise(self, node: ir.Otherwise) -> Closure:
        first_of, fallback_of = self.closure(node.first), self.closure(node.fallback)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            first = first_of(context, env)
            if first.value is not MISSING:
                return Trace(node, first.value, (first,))
            fallback = fallback_of(context, env)
            return Trace(node, fallback.value, (first, fallback))
        return run

    def conditional(self, node: ir.Conditional) -> Closure:
        condition_of = self.closure(node.condition)
        then_of, otherwise_of = self.closure(node.then), self.closure(node.otherwise)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            condition = condition_of(context, env)
            if condition.value is MISSING:
                return Trace(node, MISSING, (condition,))
            branch = (then_of if condition.value else otherwise_of)(context, env)
            return Trace(node, branch.value, (condition, branch))
        return run

    def table_lookup(self, node: ir.TableLookup) -> Closure:
        keys_of = tuple(self.closure(k) for k in node.keys)
        table, column = node.table, node.column

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            keys = tuple([key(context, env) for key in keys_of])
            values = tuple([k.value for k in keys])
            for value in values:
                if value is MISSING:
                    return Trace(node, MISSING, keys)
            row = table.row_for(values)
            if row is None:
                return Trace(node, MISSING, keys)
            return Trace(node, row.values[column], keys, (), row)
        return run

    def quantifier(self, node: ir.Quantifier) -> Closure:
        domain_of, body_of = self.closure(node.domain), self.closure(node.body)
        where_of = self.closure(node.where) if node.where is not None else None
        variable = node.variable
        aggregates = node.kind in ("total", "highest")
        combine = kleene_any if node.kind == "any" else kleene_all

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            domain = domain_of(context, env)
            if domain.value is MISSING:
                return Trace(node, MISSING, (domain,))
            elements = sorted(domain.value.codes) if isinstance(domain.value, ir.OccupationList) else domain.value
            instances = []
            skipped = []
            for element in elements:
                context.steps += 1
                if context.steps > MAX_STEPS:
                    raise EvaluationLimit(f"evaluation stopped after {MAX_STEPS:,} steps")
                inner = {**env, variable: element}
                if where_of is not None:
                    where = where_of(context, inner)
                    if where.value is False:
                        skipped.append(where)
                        continue
                    body = body_of(context, inner)
                    if aggregates:
                        value = MISSING if where.value is MISSING else body.value
                    else:
                        value = kleene_all((where.value, body.value))
                    instances.append(Trace(node, value, (where, body), (), element))
                else:
                    body = body_of(context, inner)
                    instances.append(Trace(node, body.value, (body,), (), element))
            values = [i.value for i in instances]
            value = aggregate(node.kind, node.type.name, values) if aggregates else combine(values)
            return Trace(node, value, (domain, *instances), (), tuple(skipped))
        return run

    def builtin(self, node: ir.Builtin) -> Closure:
        """A built-in function (`worked_in`, `age_on`...) on its arguments, recorded with the facts it read."""
        arguments_of = tuple(self.closure(a) for a in node.arguments)
        apply = BUILTINS[node.function].apply

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            context.count_step()
            arguments = tuple([argument(context, env) for argument in arguments_of])
            value, facts, note = apply(context, [a.value for a in arguments], True)
            return Trace(node, value, arguments, facts, note)
        return run

    def list_node(self, node: ir.ListNode) -> Closure:
        items_of = tuple(self.closure(i) for i in node.items)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            context.count_step()
            items = tuple([item(context, env) for item in items_of])
            return Trace(node, known_list(tuple([i.value for i in items])), items)
        return run

    def selection(self, node: ir.Selection) -> Closure:
        domain_of, where_of = self.closure(node.domain), self.closure(node.where)
        variable = node.variable

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            context.count_step()
            domain = domain_of(context, env)
            if domain.value is MISSING:
                return Trace(node, MISSING, (domain,))
            checks: list[Trace] = []

            def holds(element: Any) -> Any:
                check = where_of(context, {**env, variable: element})
                checks.append(check)
                return check.value
            value = selected(domain.value, holds)
            return Trace(node, value, (domain, *checks))
        return run

    def extreme(self, node: ir.Extreme) -> Closure:
        operands_of = tuple(self.closure(o) for o in node.operands)
        picked = extreme(node.kind)

        def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
            context.count_step()
            operands = tuple([operand(context, env) for operand in operands_of])
            return Trace(node, picked([o.value for o in operands]), operands)
        return run
