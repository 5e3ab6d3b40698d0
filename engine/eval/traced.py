"""The evaluator: a rulebook and a profile's facts in, a verdict and a trace per category out.

Logic is three-valued (Kleene): a fact the profile does not give is `MISSING`; `false and missing` is false, `true or
missing` is true, and whatever else depends on a missing fact is missing too, which makes a verdict `undetermined`.

Evaluation records a compact `Trace` per node (the node, its value, the facts it read, its children); explanations are
built from it only when asked (see `engine.explain.explanation`). Every operand of `and`/`or` and every element a
quantifier goes over is evaluated, so the explanation shows every reason, not only the first.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from engine import ir
from engine.eval.closures import Program, Programs
from engine.model.facts import DERIVED_FIELDS, FIELD_PATHS, MISSING, Facts, Item
from engine.model.quantities import Duration, Hours, LanguageLevel, Period, Points, add_months
from engine.model.work import OccupationTime, Stint, in_window

MAX_STEPS = 200_000


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


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


class EvaluationLimit(Exception):
    """Raised when a rulebook would do more work on one profile than `MAX_STEPS` allows."""


COMPARATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq, "!=": operator.ne,
}


def evaluate(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> list[CategoryResult]:
    """Every category of the rulebook, in declaration order."""
    context = ProfileContext(rulebook, facts, as_of)
    results = []
    for category in rulebook.categories:
        trace = context.eval(category.condition, {})
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


@dataclass(frozen=True, slots=True)
class ProfileEvaluation:
    categories: list[CategoryResult]
    programs: list[CategoryResult]
    score: ScoreResult | None


def evaluate_profile(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> ProfileEvaluation:
    """Categories, programs and the score of one profile, sharing one evaluation (each rule runs once)."""
    context = ProfileContext(rulebook, facts, as_of)
    categories = [_result(context, category) for category in rulebook.categories]
    programs = [_result(context, program) for program in rulebook.programs]
    return ProfileEvaluation(categories, programs, _score(context, rulebook, facts))


def evaluate_rule(rulebook: ir.Rulebook, name: str, facts: Facts, as_of: date,
                  arguments: tuple[Any, ...] = ()) -> Trace:
    """One named definition on one profile: what a test or a tool asks of a single rule (a level, a factor)."""
    rule = rulebook.rules[name]
    return ProfileContext(rulebook, facts, as_of).eval(rule.body, dict(zip(rule.parameters, arguments)))


def _result(context: ProfileContext, category: ir.Category) -> CategoryResult:
    trace = context.eval(category.condition, {})
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
    sections = tuple(SectionResult(s, context.eval(s.value, {})) for s in score.sections)
    values = [s.trace.value for s in sections]
    total = MISSING if any(v is MISSING for v in values) else sum(values, Points(0))
    return ScoreResult(score, total, sections, False)


def verdict_of(value: Any) -> Verdict:
    if value is MISSING:
        return Verdict.UNDETERMINED
    return Verdict.ELIGIBLE if value is True else Verdict.NOT_ELIGIBLE


class ProfileContext:
    """The state of one profile's evaluation: its facts, the as-of date, and memoised results."""

    __slots__ = ("program", "facts", "as_of", "steps", "rule_memo", "value_memo", "time_memo", "jobs_by_code")

    def __init__(self, rulebook: ir.Rulebook, facts: Facts, as_of: date) -> None:
        self.program = _PROGRAMS.of(rulebook)
        self.facts = facts.values
        self.as_of = as_of
        self.steps = 0
        self.rule_memo: dict[tuple[Any, ...], Trace] = {}
        self.value_memo: dict[Any, Any] = {}  # rules' values when evaluated without a trace (engine.eval.verdicts)
        self.time_memo: dict[tuple[str, Period], tuple[OccupationTime | None, tuple[tuple[str, Any], ...]]] = {}
        self.jobs_by_code: dict[str, list[Item]] | None = None

    def eval(self, node: ir.Node, env: Mapping[str, Any]) -> Trace:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise EvaluationLimit(f"evaluation stopped after {MAX_STEPS:,} steps")
        return self.program.closure(node)(self, env)

    # work history

    def jobs_in(self, code: str) -> list[Item]:
        if self.jobs_by_code is None:
            grouped: dict[str, list[Item]] = {}
            history = self.facts["work_history"]
            for job in history if history is not MISSING else ():
                grouped.setdefault(job.fields["noc"], []).append(job)
            self.jobs_by_code = grouped
        return self.jobs_by_code.get(code, [])

    def occupation_time(self, code: str, window: Period) -> tuple[OccupationTime | None, tuple[tuple[str, Any], ...]]:
        key = (code, window)
        if key not in self.time_memo:
            self.time_memo[key] = self._occupation_time(code, window)
        return self.time_memo[key]

    def _occupation_time(self, code: str, window: Period) -> tuple[OccupationTime | None,
                                                                    tuple[tuple[str, Any], ...]]:
        stints = []
        facts: list[tuple[str, Any]] = []
        complete = True
        for job in self.jobs_in(code):
            facts += job_facts(job)
            stint = stint_of(job, self.as_of)
            if stint is None:
                complete = False
            else:
                stints.append(stint)
        if self.facts["work_history"] is MISSING:
            return None, (("work_history", MISSING),)
        if not complete:
            return None, tuple(facts)
        return in_window(stints, window), tuple(facts)


# Nodes read through a function each (rare on a profile: lists, built-ins, selections, caps) ---------------------------


def _list(context: ProfileContext, node: ir.ListNode, env: Mapping[str, Any]) -> Trace:
    items = tuple(context.eval(i, env) for i in node.items)
    if any(i.value is MISSING for i in items):
        return Trace(node, MISSING, items)
    return Trace(node, tuple(i.value for i in items), items)


def _builtin(context: ProfileContext, node: ir.Builtin, env: Mapping[str, Any]) -> Trace:
    arguments = tuple(context.eval(a, env) for a in node.arguments)
    values = [a.value for a in arguments]
    function = node.function
    if function == "worked_in":
        return _worked_in(context, node, arguments)
    if function == "hours_in":
        return _hours_in(context, node, arguments)
    if any(v is MISSING for v in values):
        return Trace(node, MISSING, arguments)
    if function == "count":
        return Trace(node, len(values[0]), arguments)
    if function == "age_on":
        return Trace(node, age_on(*values), arguments)
    if function == "full_time_years":
        return Trace(node, full_time_years(*values), arguments)
    if function in ("continuous_full_time", "hours_worked"):
        time, facts = context.occupation_time(values[0], values[1])
        if time is None:
            return Trace(node, MISSING, arguments, facts)
        value = time.longest_run if function == "continuous_full_time" else time.counted_hours
        return Trace(node, value, arguments, facts, note=time)
    raise AssertionError(f"no implementation for built-in {function}")


def _worked_in(context: ProfileContext, node: ir.Builtin, arguments: tuple[Trace, ...]) -> Trace:
    table: ir.OccupationList = arguments[0].value
    history = context.facts["work_history"]
    if history is MISSING:
        return Trace(node, MISSING, arguments, (("work_history", MISSING),))
    codes: set[str] = set()
    facts = []
    for job in history:
        code = job.fields["noc"]
        facts.append((f"{job.path}.noc", code))
        if code in table.codes:
            codes.add(code)
    return Trace(node, tuple(sorted(codes)), arguments, tuple(facts))


def _hours_in(context: ProfileContext, node: ir.Builtin, arguments: tuple[Trace, ...]) -> Trace:
    """Hours in a window over several jobs together (any occupations), at most 30 a week counted."""
    jobs, window = arguments[0].value, arguments[1].value
    if jobs is MISSING or window is MISSING:
        return Trace(node, MISSING, arguments)
    stints = []
    facts: list[tuple[str, Any]] = []
    for job in jobs:
        facts += job_facts(job)
        stint = stint_of(job, context.as_of)
        if stint is None:
            return Trace(node, MISSING, arguments, tuple(facts))
        stints.append(stint)
    time = in_window(stints, window)
    return Trace(node, time.counted_hours, arguments, tuple(facts), note=time)


def memo_key(value: Any) -> Any:
    if isinstance(value, LanguageLevel):
        return value.value, value.scale  # equal levels, but an explanation names the scale it was asked in
    return id(value) if isinstance(value, (ir.OccupationList, Item)) else value


def stint_of(job: Item, as_of: date) -> Stint | None:
    """A job's dates and weekly hours for the interval arithmetic (ongoing: up to the as-of date); None when its start
    or its hours are missing."""
    fields = job.fields
    if fields["start"] is MISSING or fields["hours_per_week"] is MISSING:
        return None
    end = fields["end"] if fields["end"] is not None else as_of
    return Stint(fields["start"], end, fields["hours_per_week"].amount)


def job_facts(job: Item) -> list[tuple[str, Any]]:
    """The facts of a job that the interval arithmetic reads, as an explanation shows them."""
    fields = job.fields
    return [(f"{job.path}.start", fields["start"]),
            (f"{job.path}.end", fields["end"] if fields["end"] is not None else "ongoing"),
            (f"{job.path}.hours_per_week", fields["hours_per_week"])]


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def full_time_years(hours: Hours, per_year: Hours) -> int:
    """Whole years of full-time work in a number of hours (none when a year is set at zero hours)."""
    return int(hours.amount // per_year.amount) if per_year.amount > 0 else 0


def shift(day: date, duration: Duration, sign: int) -> date:
    """A date moved by a calendar duration: months first (clamped to the month's end), then days. A date moved off the
    calendar (before the year 1 or after 9999) stops the profile's evaluation with its own message."""
    try:
        return add_months(day, sign * duration.months) + timedelta(days=sign * duration.days)
    except (OverflowError, ValueError):
        direction = "after" if sign > 0 else "before"
        raise EvaluationLimit(f"{day} moved by {duration} {direction} it is off the calendar (years 1 to 9999)") \
            from None


def kleene_all(values: Any) -> Any:
    result: Any = True
    for value in values:
        if value is False:
            return False
        if value is MISSING:
            result = MISSING
    return result


def kleene_any(values: Any) -> Any:
    result: Any = False
    for value in values:
        if value is True:
            return True
        if value is MISSING:
            result = MISSING
    return result


def aggregate(node: ir.Quantifier, values: list[Any]) -> Any:
    """`total` adds up, `highest` takes the largest; over no element both are zero of the body's kind."""
    if any(v is MISSING for v in values):
        return MISSING
    if not values:
        return _ZEROS.get(node.type.name, 0)
    if node.kind == "highest":
        return max(values)
    result = values[0]
    for value in values[1:]:
        result = result + value
    return result


_ZEROS: Mapping[str, Any] = {"points": Points(0), "hours": Hours(0.0), "duration": Duration(0), "days": Duration(0),
                             "count": 0}


def _selection(context: ProfileContext, node: ir.Selection, env: Mapping[str, Any]) -> Trace:
    domain = context.eval(node.domain, env)
    if domain.value is MISSING:
        return Trace(node, MISSING, (domain,))
    kept = []
    checks = []
    for element in domain.value:
        where = context.eval(node.where, {**env, node.variable: element})
        checks.append(where)
        if where.value is MISSING:
            return Trace(node, MISSING, (domain, *checks))
        if where.value:
            kept.append(element)
    return Trace(node, tuple(kept), (domain, *checks))


def _extreme(context: ProfileContext, node: ir.Extreme, env: Mapping[str, Any]) -> Trace:
    operands = tuple(context.eval(o, env) for o in node.operands)
    if any(o.value is MISSING for o in operands):
        return Trace(node, MISSING, operands)
    values = [o.value for o in operands]
    return Trace(node, min(values) if node.kind == "min" else max(values), operands)


_EVALUATORS: Mapping[type, Callable[[ProfileContext, Any, Mapping[str, Any]], Trace]] = {
    ir.ListNode: _list,
    ir.Builtin: _builtin,
    ir.Selection: _selection,
    ir.Extreme: _extreme,
}


# Closures built once per rule-tree node ------------------------------------------------------------------------------
#
# Walking the tree node by node would pay, at every node, a dispatch on its type and the reading of its fields. The
# nodes met on every profile (names, fields, comparisons, arithmetic, connectives, lookups, rule calls, quantifiers)
# are instead turned, the first time a rulebook is evaluated, into small closures that hold their children's closures
# and what their node fixes in advance (an operator, a field's path, a rule's name). Steps are counted where work can
# multiply: at each rule body and each element a quantifier goes over (and at every node read through a function).

Closure = Callable[[ProfileContext, Mapping[str, Any]], Trace]
_Program = Program[Closure]


def _interpreted(program: _Program, node: ir.Node) -> Closure:
    """The nodes rare on a profile (lists, built-ins, selections, caps) run through a function each."""
    evaluator = _EVALUATORS[type(node)]

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        return evaluator(context, node, env)
    return run


def _build_value(program: _Program, node: ir.Literal | ir.ConstantRef) -> Closure:
    value = node.value

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        return Trace(node, value)
    return run


def _build_list_ref(program: _Program, node: ir.ListRef) -> Closure:
    table = node.table

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        return Trace(node, table)
    return run


def _build_fact(program: _Program, node: ir.FactRef) -> Closure:
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


def _build_local(program: _Program, node: ir.Local) -> Closure:
    name = node.name

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        return Trace(node, env[name])
    return run


def _build_field(program: _Program, node: ir.FieldGet) -> Closure:
    subject_of = program.closure(node.subject)
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


def _build_window(program: _Program, node: ir.WindowNode) -> Closure:
    length_of, anchor_of = program.closure(node.length), program.closure(node.anchor)

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        length = length_of(context, env)
        anchor = anchor_of(context, env)
        if length.value is MISSING or anchor.value is MISSING:
            return Trace(node, MISSING, (length, anchor))
        return Trace(node, Period(length.value.before(anchor.value), anchor.value), (length, anchor))
    return run


def _build_rule_call(program: _Program, node: ir.RuleCall) -> Closure:
    name = node.name
    rules = node.rules
    arguments_of = tuple(program.closure(a) for a in node.arguments)
    key_alone = (name,)
    body: list[tuple[tuple[str, ...], Closure]] = []  # the called rule's parameters and body, found on first call

    def call(context: ProfileContext, arguments: tuple[Trace, ...], key: tuple[Any, ...]) -> Trace:
        if not body:
            rule = rules[name]
            body.append((rule.parameters, program.closure(rule.body)))
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


PLAIN_KEYS = frozenset({str, int, bool, float, date, Duration, Hours, Points})  # values that key a memo as they are


def _build_compare(program: _Program, node: ir.Compare) -> Closure:
    left_of, right_of = program.closure(node.left), program.closure(node.right)
    compare = COMPARATORS[node.operator]

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        left = left_of(context, env)
        right = right_of(context, env)
        if left.value is MISSING or right.value is MISSING:
            return Trace(node, MISSING, (left, right))
        return Trace(node, compare(left.value, right.value), (left, right))
    return run


def _build_member(program: _Program, node: ir.Member) -> Closure:
    item_of, collection_of = program.closure(node.item), program.closure(node.collection)
    negated = node.negated

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        item = item_of(context, env)
        collection = collection_of(context, env)
        if item.value is MISSING or collection.value is MISSING:
            return Trace(node, MISSING, (item, collection))
        values = collection.value
        found = item.value in (values.codes if isinstance(values, ir.OccupationList) else values)
        return Trace(node, found != negated, (item, collection))
    return run


def _build_arithmetic(program: _Program, node: ir.Arithmetic) -> Closure:
    left_of, right_of = program.closure(node.left), program.closure(node.right)
    adds = node.operator == "+"

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        left = left_of(context, env)
        right = right_of(context, env)
        if left.value is MISSING or right.value is MISSING:
            return Trace(node, MISSING, (left, right))
        if isinstance(left.value, date):
            return Trace(node, shift(left.value, right.value, 1 if adds else -1), (left, right))
        return Trace(node, left.value + right.value if adds else left.value - right.value, (left, right))
    return run


def _build_connective(program: _Program, node: ir.AllOf | ir.AnyOf) -> Closure:
    operands_of = tuple(program.closure(o) for o in node.operands)
    combine = kleene_all if isinstance(node, ir.AllOf) else kleene_any

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        children = tuple([operand(context, env) for operand in operands_of])
        return Trace(node, combine([c.value for c in children]), children)
    return run


def _build_not(program: _Program, node: ir.Not) -> Closure:
    operand_of = program.closure(node.operand)

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        operand = operand_of(context, env)
        return Trace(node, MISSING if operand.value is MISSING else not operand.value, (operand,))
    return run


def _build_otherwise(program: _Program, node: ir.Otherwise) -> Closure:
    first_of, fallback_of = program.closure(node.first), program.closure(node.fallback)

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        first = first_of(context, env)
        if first.value is not MISSING:
            return Trace(node, first.value, (first,))
        fallback = fallback_of(context, env)
        return Trace(node, fallback.value, (first, fallback))
    return run


def _build_conditional(program: _Program, node: ir.Conditional) -> Closure:
    condition_of = program.closure(node.condition)
    then_of, otherwise_of = program.closure(node.then), program.closure(node.otherwise)

    def run(context: ProfileContext, env: Mapping[str, Any]) -> Trace:
        condition = condition_of(context, env)
        if condition.value is MISSING:
            return Trace(node, MISSING, (condition,))
        branch = (then_of if condition.value else otherwise_of)(context, env)
        return Trace(node, branch.value, (condition, branch))
    return run


def _build_table_lookup(program: _Program, node: ir.TableLookup) -> Closure:
    keys_of = tuple(program.closure(k) for k in node.keys)
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


def _build_quantifier(program: _Program, node: ir.Quantifier) -> Closure:
    domain_of, body_of = program.closure(node.domain), program.closure(node.body)
    where_of = program.closure(node.where) if node.where is not None else None
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
        value = aggregate(node, values) if aggregates else combine(values)
        return Trace(node, value, (domain, *instances), (), tuple(skipped))
    return run


_BUILDERS: Mapping[type, Callable[[_Program, Any], Closure]] = {
    ir.Literal: _build_value,
    ir.ConstantRef: _build_value,
    ir.FactRef: _build_fact,
    ir.Local: _build_local,
    ir.ListRef: _build_list_ref,
    ir.FieldGet: _build_field,
    ir.WindowNode: _build_window,
    ir.RuleCall: _build_rule_call,
    ir.Compare: _build_compare,
    ir.Member: _build_member,
    ir.Arithmetic: _build_arithmetic,
    ir.AllOf: _build_connective,
    ir.AnyOf: _build_connective,
    ir.Not: _build_not,
    ir.Otherwise: _build_otherwise,
    ir.Conditional: _build_conditional,
    ir.TableLookup: _build_table_lookup,
    ir.Quantifier: _build_quantifier,
    **{kind: _interpreted for kind in _EVALUATORS},
}

_PROGRAMS: Programs[Closure] = Programs(_BUILDERS)
