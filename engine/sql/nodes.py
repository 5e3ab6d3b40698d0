"""The SQL of each kind of rule-tree node: the backend as a visitor of the rule tree (`engine.ir.visitor`), so a
node kind it lacks is refused when it is constructed and under `mypy --strict`, never in the middle of a compile.

Each method reads the environment of variables in `self.env` (set by `value`) and gives a `Value`: a SQL expression,
or a value known when compiling. What a method needs beyond its node (guards, derived fields, the work history,
lists) comes from the classes it builds on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dsl import types as t
from engine import ir
from engine.ir.visitor import Visitor
from engine.model.facts import CLAIMS, FIELD_DEFAULTS, FIELD_PATHS, PRESENCE_FIELDS
from engine.model.quantities import Duration, Period
from engine.sql import expr as x
from engine.sql.context import BIND_LENGTH
from engine.sql.date_folds import DayBound, folded
from engine.sql.lists import Lists
from engine.sql.values import THIS_CODE, NotPerCode, SqlUnsupported, Static, ThisCode, Value, literal

# The parts of a NOC code a rule may read (0: the TEER, the second digit; else the length of the group's prefix).
NOC_PART_LENGTHS: Mapping[str, int] = {"noc_teer": 0, "noc_major_group": 2, "noc_sub_major_group": 3,
                                       "noc_minor_group": 4}

# Facts that the profile model computes from others, or claims a profile that is silent does not make.
COMPUTED_FACTS: Mapping[str, x.Expr] = {
    "has_spouse": x.Paren(x.IsNull(x.Column("p", "spouse"), negated=True)),
    "has_job_offer": x.Paren(x.IsNull(x.Column("p", "job_offer"), negated=True)),
    **{claim: x.Call("coalesce", (x.Column("p", claim), x.FALSE)) for claim in CLAIMS},
}

COMPARISONS: Mapping[str, str] = {"==": "=", "!=": "<>"}


def is_null_any(operands: tuple[x.Expr, ...]) -> x.Expr:
    return x.Infix("OR", tuple(x.IsNull(o) for o in operands), parens=False)


class NodeCompiler(Lists, Visitor[Value]):
    def dispatch(self, node: ir.Node) -> Value:
        return node.accept(self)

    # values and names

    def literal(self, node: ir.Literal) -> Value:
        return self.known(node, node.value)

    def constant_ref(self, node: ir.ConstantRef) -> Value:
        return self.known(node, node.value)

    @staticmethod
    def known(node: ir.Node, value: Any) -> Value:
        if value is None:
            raise SqlUnsupported(f"{node.span.short}: a constant the SQL backend cannot compute")
        return Static(value)

    def fact_ref(self, node: ir.FactRef) -> Value:
        if node.name == "as_of":
            return Static(self.as_of)
        if self.state.per_code:
            raise NotPerCode
        if node.name in COMPUTED_FACTS:
            return COMPUTED_FACTS[node.name]
        return x.Column("p", node.name, quoted=True)

    def local(self, node: ir.Local) -> Value:
        found = self.env[node.name]
        return THIS_CODE if isinstance(found, ThisCode) else found

    def list_ref(self, node: ir.ListRef) -> Value:
        return Static(node.table)

    def window(self, node: ir.WindowNode) -> Value:
        length = self.value(node.length, self.env)
        anchor = self.value(node.anchor, self.env)
        if not (isinstance(length, Static) and isinstance(anchor, Static)):
            raise SqlUnsupported(f"{node.span.short}: a period must have a fixed length and end for the SQL backend")
        duration: Duration = length.value
        return Static(Period(duration.before(anchor.value), anchor.value))

    def field_get(self, node: ir.FieldGet) -> Value:
        subject = self.sql(node.subject, self.env)
        if node.name in PRESENCE_FIELDS:
            given = x.Field(subject, PRESENCE_FIELDS[node.name])
            return x.Case(((x.IsNull(subject), x.NULL),), x.IsNull(given, negated=True))
        sql = subject
        for part in FIELD_PATHS.get(node.name, node.name).split("."):
            sql = x.Field(sql, part)
        if node.name == "end":
            return x.Call("coalesce", (sql, x.DateValue(self.as_of)))
        if node.name in NOC_PART_LENGTHS:
            length = NOC_PART_LENGTHS[node.name]
            if length == 0:
                return x.Cast(x.Call("substr", (sql, x.Token("2"), x.Token("1"))), "INTEGER")
            return x.Call("substr", (sql, x.Token("1"), x.number(length)))
        default = FIELD_DEFAULTS.get((node.subject.type.name, node.name))
        if default is not None:
            return x.Case(((x.IsNull(subject), x.NULL),), x.Call("coalesce", (sql, literal(default, node))))
        return sql

    def list_node(self, node: ir.ListNode) -> Value:
        items = tuple(self.sql(i, self.env) for i in node.items)
        return x.Case(((is_null_any(items), x.NULL),), x.Array(items)) if items else x.Array(())

    # functions, rules and tables

    def builtin(self, node: ir.Builtin) -> Value:
        env = self.env
        if node.function == "count":
            return x.ListCall("length", (self.sql(node.arguments[0], env),))
        if node.function == "worked_in":
            return self.worked_in(node, env, ordered=True)
        if node.function == "hours_in":
            return self.hours_in(node, env)
        if node.function == "age_on":
            born, day = (self.sql(a, env) for a in node.arguments)
            return x.Infix("-", (x.Call("year", (day,)), x.Call("year", (born,)), x.Case(
                ((x.Infix("<", (self.month_day(day), self.month_day(born)), parens=False), x.Token("1")),),
                x.Token("0"), parens=False)))
        if node.function == "full_time_years":
            hours, per_year = (self.sql(a, env) for a in node.arguments)
            years = x.Cast(x.Call("floor", (x.Infix("/", (hours, per_year), parens=False),)), "INTEGER")
            return x.Case(((is_null_any((hours, per_year)), x.NULL),
                           (x.Infix(">", (per_year, x.Token("0")), parens=False), years)), x.Token("0"))
        if node.function in ("continuous_full_time", "hours_worked"):
            return self.occupation_time(node, env)
        raise SqlUnsupported(f"{node.span.short}: no SQL for the built-in {node.function}")

    @staticmethod
    def month_day(day: x.Expr) -> x.Expr:
        return x.Infix("+", (x.Infix("*", (x.Call("month", (day,)), x.Token("100")), parens=False),
                             x.Call("day", (day,))), parens=False)

    def rule_call(self, node: ir.RuleCall) -> Value:
        if not node.rule.parameters and self.state.uses.get(node.name, 2) > 1:
            return self.rule_column(node)
        arguments = [self.value(a, self.env) for a in node.arguments]
        derived = self.derived_call(node, arguments)
        if derived is not None:
            return derived
        value = self.value(node.rule.body, dict(zip(node.rule.parameters, arguments)))
        if isinstance(value, x.Expr):
            self.check_size(value, f"{node.span.short}: definition '{node.name}' compiles to SQL of")
        return value

    def table_lookup(self, node: ir.TableLookup) -> Value:  # noqa: C901 - groups, rows and keys in one CASE
        """The first row whose key cells all match, as a CASE: rows are grouped by the leading key columns that are
        exact in every row (a test scale and an ability); a key known when compiling leaves out the groups it cannot
        match, and a key computed per profile is computed once (bound to a lambda variable), not once per row. A
        missing key or no matching row is NULL, as in the evaluator."""
        env = self.env
        table = node.table
        values = [self.value(k, env) for k in node.keys]
        keys: list[x.Expr] = []
        bindings: list[tuple[str, x.Expr]] = []
        for key, value in zip(node.keys, values):
            if self.state.context and not isinstance(value, Static):
                keys.append(self.derived_key(key, env))
                continue
            sql = self.sql(key, env)
            if isinstance(value, Static) or self.width(sql, 60) <= 60:
                keys.append(sql)
            else:
                variable = self.state.fresh("k")
                bindings.append((variable, sql))
                keys.append(x.Var(variable))
        exact = 0
        while exact < len(keys) and all(row.keys[exact].kind == "exact" for row in table.rows):
            exact += 1
        groups: dict[tuple[Any, ...], list[ir.TableRow]] = {}
        for row in table.rows:
            prefix = tuple(cell.low for cell in row.keys[:exact])
            if all(not isinstance(v, Static) or v.value == low for v, low in zip(values, prefix)):
                groups.setdefault(prefix, []).append(row)
        outer: list[tuple[x.Expr, x.Expr]] = []
        for prefix, rows in groups.items():
            inner: list[tuple[x.Expr, x.Expr]] = []
            found: x.Expr | None = None
            for row in rows:
                tests = tuple(self.key_match(cell, key, node) for cell, key in zip(row.keys[exact:], keys[exact:]))
                value_sql = literal(row.values[node.column], node)
                if not tests:
                    found = value_sql
                    break
                inner.append((x.Infix("AND", tests, parens=False), value_sql))
            if found is None:
                found = x.Case(tuple(inner))
            condition = tuple(self.key_match(ir.KeyCell("exact", low, low, ""), key, node)
                              for low, key, value in zip(prefix, keys, values) if not isinstance(value, Static))
            outer.append((x.Infix("AND", condition, parens=False) if condition else x.TRUE, found))
        result: x.Expr = x.Case(tuple(outer)) if outer else x.NULL
        for variable, sql in reversed(bindings):
            result = x.Lambda("bind", sql, variable, result)
        return result

    @staticmethod
    def key_match(cell: ir.KeyCell, key: x.Expr, node: ir.Node) -> x.Expr:
        if cell.kind == "exact":
            return x.Infix("=", (key, literal(cell.low, node)), parens=False)
        if cell.kind == "range":
            return x.Between(key, literal(cell.low, node), literal(cell.high, node))
        if cell.kind == "at_least":
            return x.Infix(">=", (key, literal(cell.low, node)), parens=False)
        if cell.kind == "at_most":
            return x.Infix("<=", (key, literal(cell.high, node)), parens=False)
        return x.Infix("<", (key, literal(cell.high, node)), parens=False)

    def selection(self, node: ir.Selection) -> Value:
        return self.select(node, self.env)

    def extreme(self, node: ir.Extreme) -> Value:
        operands = tuple(self.sql(o, self.env) for o in node.operands)
        if sum(self.width(o, BIND_LENGTH) for o in operands) > BIND_LENGTH:
            return self.bound_extreme(node.kind, operands)
        return x.Case(((is_null_any(operands), x.NULL),),
                      x.Call("least" if node.kind == "min" else "greatest", operands))

    # comparisons and arithmetic

    def compare(self, node: ir.Compare) -> Value:
        operator = COMPARISONS.get(node.operator, node.operator)
        return self.moved_date_compare(node, operator) or \
            x.Infix(operator, (self.sql(node.left, self.env), self.sql(node.right, self.env)))

    def moved_date_compare(self, node: ir.Compare, operator: str) -> x.Expr | None:
        """A date moved by a fixed duration (written out or in a definition) compared with a date known when
        compiling, as a comparison of the date itself with a literal (`engine.sql.date_folds`); None when the
        comparison is not of that form."""
        for side, other, on_left in ((node.left, node.right, True), (node.right, node.left, False)):
            if not (isinstance(other, (ir.Literal, ir.ConstantRef))
                    or isinstance(other, ir.FactRef) and other.name == "as_of") or _moved_date(side) is None:
                continue
            found = self.moved_date(side, self.env)
            bound = self.value(other, self.env)
            if found is None or not (isinstance(bound, Static) and type(bound.value) is date):
                return None
            moved, env = found
            duration = self.value(moved.right, env)
            if not (isinstance(duration, Static) and isinstance(duration.value, Duration)):
                return None
            fold = folded(operator, duration.value, 1 if moved.operator == "+" else -1, bound.value, self.as_of,
                          on_left)
            if fold is None:
                return None
            day = self.sql(moved.left, env)
            if isinstance(fold, DayBound):
                return x.Infix(fold.operator, (day, x.DateValue(fold.day)))
            between = x.Between(day, x.DateValue(fold.first), x.DateValue(fold.last))
            return x.Paren(between) if fold.inside else x.Not(between)
        return None

    def moved_date(self, node: ir.Node, env: Mapping[str, Value]) -> tuple[ir.Arithmetic, Mapping[str, Value]] | None:
        """The date arithmetic `node` is, through the definitions it calls inline (as `rule_call` compiles them), with
        the names its operands read; None when a definition on the way is a column of its own."""
        while isinstance(node, ir.RuleCall):
            if not node.rule.parameters and self.state.uses.get(node.name, 2) > 1:
                return None
            env = dict(zip(node.rule.parameters, [self.value(a, env) for a in node.arguments]))
            node = node.rule.body
        return (node, env) if isinstance(node, ir.Arithmetic) else None

    def member(self, node: ir.Member) -> Value:
        env = self.env
        item = self.sql(node.item, env)
        collection = self.value(node.collection, env)
        found: x.Expr
        if isinstance(collection, Static):
            values = collection.value
            members = sorted(values.codes) if isinstance(values, ir.OccupationList) else list(values)
            if not members:
                found = x.Case(((x.IsNull(item), x.NULL),), x.FALSE)
            else:
                found = x.In(item, tuple(literal(m, node) for m in members))
        else:
            lists = self.sql(node.collection, env)
            found = x.Case(((is_null_any((item, lists)), x.NULL),), x.ListCall("contains", (lists, item)))
        return x.Not(found) if node.negated else found

    def arithmetic(self, node: ir.Arithmetic) -> Value:
        """Sums and differences; a date moved by a duration moves by its months (clamped to the month's end) and then
        by its days, as the evaluator's `shift` does."""
        env = self.env
        if node.left.type != t.DATE:
            return x.Infix(node.operator, (self.sql(node.left, env), self.sql(node.right, env)))
        duration = self.value(node.right, env)
        if not (isinstance(duration, Static) and isinstance(duration.value, Duration)):
            raise SqlUnsupported(f"{node.span.short}: a date moves by a fixed duration in the SQL backend")
        sign = 1 if node.operator == "+" else -1
        moved = x.ListCall("add_months", (self.sql(node.left, env), x.number(sign * duration.value.months)))
        if not duration.value.days:
            return moved
        return x.ListCall("add_days", (moved, x.number(sign * duration.value.days)))

    # logic

    def all_of(self, node: ir.AllOf) -> Value:
        return self.connective(node)

    def any_of(self, node: ir.AnyOf) -> Value:
        return self.connective(node)

    def connective(self, node: ir.AllOf | ir.AnyOf) -> x.Expr:
        """`and` (`or`): each operand is needed only where the operands before it are not false (not true)."""
        env = self.env
        parts: list[x.Expr] = []
        for operand in node.operands:
            if not parts:
                parts.append(self.sql(operand, env))
                continue
            before = tuple(x.Call("coalesce", (p, x.TRUE)) if isinstance(node, ir.AllOf)
                           else x.Not(x.Call("coalesce", (p, x.FALSE)), parens=False)
                           for p in parts if self.cheap(p))
            parts.append(self.guarded(x.Infix("AND", before, parens=False), operand, env) if before
                         else self.sql(operand, env))
        return x.Infix("AND" if isinstance(node, ir.AllOf) else "OR", tuple(parts))

    def not_(self, node: ir.Not) -> Value:
        return x.Not(self.sql(node.operand, self.env))

    def quantifier(self, node: ir.Quantifier) -> Value:
        return self.quantify(node, self.env)

    def otherwise(self, node: ir.Otherwise) -> Value:
        first = self.sql(node.first, self.env)
        return x.Call("coalesce", (first, self.guarded(x.IsNull(x.Paren(first)), node.fallback, self.env)))

    def conditional(self, node: ir.Conditional) -> Value:
        env = self.env
        condition = self.sql(node.condition, env)
        then = self.guarded(x.Call("coalesce", (condition, x.FALSE)), node.then, env)
        otherwise = self.guarded(x.Not(x.Call("coalesce", (condition, x.TRUE)), parens=False), node.otherwise, env)
        return x.Case(((x.IsNull(condition), x.NULL), (condition, then)), otherwise)


def _moved_date(node: ir.Node) -> ir.Arithmetic | None:
    """The date moved by a duration that `node` is, directly or through definitions, when the date moved is not itself
    a moved date (whose values could be anywhere on the calendar)."""
    while isinstance(node, ir.RuleCall):
        node = node.rule.body
    if not (isinstance(node, ir.Arithmetic) and node.left.type == t.DATE):
        return None
    return None if _moved_date(node.left) is not None else node
