"""Lowering: a checked rulebook (AST + types) becomes a `Rulebook` of rule trees."""

from __future__ import annotations

import re
from typing import Any, cast, get_args

from dsl import ast
from dsl import types as t
from dsl.checker import CheckedRulebook
from dsl.descriptions import PLACEHOLDER
from dsl.format import flat
from dsl.source_hash import content_hash
from engine import ir
from engine.model.facts import FUNCTIONS
from engine.model.quantities import Duration, Hours, LanguageLevel, Points, Score


def from_checked(checked: CheckedRulebook, folder: str) -> ir.Rulebook:
    return _Lowering(checked, folder).rulebook()


class _Lowering:
    def __init__(self, checked: CheckedRulebook, folder: str) -> None:
        self.checked = checked
        self.folder = folder
        self.sources = {name: ir.SourceRef(name, s.title, s.url, s.standing, s.confidence)
                        for name, s in sorted(checked.sources.items())}
        self.rules: dict[str, ir.Rule] = {}
        self.lists = {name: self.occupation_list(table) for name, table in checked.tables.items()}
        self.constants: dict[str, ir.ConstantRef] = {}
        self.values: dict[str, tuple[Any, str] | None] = {}
        self.lists_of_rule: dict[str, dict[str, ir.OccupationList]] = {}
        self.third_party_of_rule: dict[str, dict[str, ir.SourceRef]] = {}
        self.tables = {name: self.table(table) for name, table in sorted(checked.value_tables.items())}

    def cites(self, citations: tuple[ast.Citation, ...]) -> tuple[ir.SourceRef, ...]:
        return tuple(self.sources[c.source] for c in citations)

    def occupation_list(self, table: ast.OccupationTable) -> ir.OccupationList:
        occupations = tuple(ir.Occupation(r.code, r.title, r.teer) for r in table.rows)
        return ir.OccupationList(table.name, table.title, self.cites(table.cites), occupations, table.span)

    def rulebook(self) -> ir.Rulebook:
        checked = self.checked
        for name, constant in checked.constants.items():
            self.constant(name, constant)
        for name, definition in checked.definitions.items():
            body = self.expr(definition.body, frozenset(p.name for p in definition.parameters))
            self.rules[name] = ir.Rule(name, tuple(p.name for p in definition.parameters),
                                       self.described(definition.description),
                                       self.cites(definition.cites), body, definition.span)
        categories = tuple(self.category(c) for c in checked.categories)
        programs = tuple(self.category(ast.Category(p.name, p.title, p.cites, p.condition, span=p.span))
                         for p in checked.programs)
        scores = tuple(self.score(s) for s in checked.scores)
        header = checked.header
        titles: dict[str, str] = {}
        for table in self.lists.values():
            for occupation in table.occupations:
                titles.setdefault(occupation.code, occupation.title)
        return ir.Rulebook(
            year=header.name,
            title=header.title,
            in_force_from=header.in_force_from,
            in_force_until=header.in_force_until,
            end_known=header.end_known,
            cites=self.cites(header.cites),
            sources=self.sources,
            constants=self.constants,
            occupation_lists=self.lists,
            rules=self.rules,
            categories=categories,
            folder=self.folder,
            content_hash=content_hash(dict(checked.texts)),
            occupation_titles=titles,
            tables=self.tables,
            programs=programs,
            scores=scores,
            rounds=tuple(self.round(r, categories) for r in checked.rounds),
            pending=tuple(self.pending(p) for p in checked.pending),
        )

    def pending(self, pending: ast.Pending) -> ir.Pending:
        return ir.Pending(pending.name, pending.title, self.cites(pending.cites), pending.in_force_from,
                          self.expr(pending.reaches, frozenset()), pending.span)

    def score(self, score: ast.Score) -> ir.Score:
        sections = tuple(ir.Section(s.name, s.title, self.expr(s.value, frozenset()), s.span) for s in score.sections)
        return ir.Score(score.name, score.title, self.cites(score.cites), score.in_force_from, score.in_force_until,
                        sections, score.span)

    def table(self, table: ast.Table) -> ir.Table:
        key_types = [self.column_type(c) for c in table.key_columns]
        value_types = [self.column_type(c) for c in table.value_columns]
        rows = []
        for row in table.rows:
            keys = tuple(self.key_cell(cell, kind) for cell, kind in zip(row.keys, key_types))
            values = {column.name: self.cell_value(cell.low, kind)
                      for column, cell, kind in zip(table.value_columns, row.values, value_types)
                      if cell.low is not None}
            rows.append(ir.TableRow(keys, values, row.span))
        return ir.Table(table.name, table.title, self.cites(table.cites), tuple(c.name for c in table.key_columns),
                        tuple(c.name for c in table.value_columns), tuple(rows), table.span)

    def column_type(self, column: ast.Column) -> t.Type:
        return t.PARAMETER_TYPES.get(column.type_name, t.ANY)

    def cell_value(self, expr: ast.Expr, kind: t.Type) -> object:
        """A literal cell; a bare number takes the unit its column declares."""
        if isinstance(expr, ast.Integer):
            if kind == t.POINTS:
                return Points(expr.value)
            if kind == t.HOURS:
                return Hours(float(expr.value))
            if kind == t.SCORE:
                return Score(float(expr.value))
        node = self.expr(expr, frozenset())
        return node.value if isinstance(node, ir.Literal) else None

    def cell_text(self, expr: ast.Expr | None, value: object) -> str:
        """A key cell as a reader finds it in the table, from its lowered `value`."""
        if expr is None:
            return ""
        if isinstance(expr, ast.Decimal):
            return expr.text
        if isinstance(value, (Score, LanguageLevel, Duration, str)):
            return str(value)
        return str(value.amount) if isinstance(value, (Points, Hours)) else str(value)

    def key_cell(self, cell: ast.Cell, kind: t.Type) -> ir.KeyCell:
        low = self.cell_value(cell.low, kind) if cell.low is not None else None
        high = self.cell_value(cell.high, kind) if cell.high is not None else None
        low_text, high_text = self.cell_text(cell.low, low), self.cell_text(cell.high, high)
        text = {"exact": low_text, "range": f"{low_text} to {high_text}", "at_least": f"{low_text} or more",
                "at_most": f"{high_text} or less", "below": f"below {high_text}"}[cell.kind]
        return ir.KeyCell(word(cell.kind, _KEY_KINDS), low, high, text)

    def round(self, round_: ast.Round, categories: tuple[ir.Category, ...]) -> ir.Round:
        category = next((c for c in categories if c.id == round_.target), None) \
            if round_.grouping == "category" else None
        return ir.Round(int(round_.name), round_.title, self.cites(round_.cites), round_.held,
                        word(round_.grouping, _GROUPINGS),
                        round_.target, category, round_.instructions, round_.invitations, round_.lowest_crs,
                        round_.tie_break, round_.span)

    def constant(self, name: str, constant: ast.Constant) -> ir.ConstantRef:
        if name in self.constants:
            return self.constants[name]
        found = self.constant_value(name)
        literal, text = found if found is not None else (None, name)
        ref = ir.ConstantRef(constant.span, self.checked.type_of(constant.value), name,
                             self.described(constant.description), literal, text, self.cites(constant.cites))
        self.constants[name] = ref
        return ref

    def constant_value(self, name: str, seen: frozenset[str] = frozenset()) -> tuple[Any, str] | None:
        """A constant's value and its text, folded from its expression (the checker allows only fixed ones)."""
        if name not in self.values:
            if name in seen:
                return None  # a circle of constants, which the checker refuses
            self.values[name] = self.fold(self.checked.constants[name].value, seen | {name})
        return self.values[name]

    def fold(self, expr: ast.Expr, seen: frozenset[str] = frozenset()) -> tuple[Any, str] | None:
        """The value of an expression the checker found fixed (a constant's value, a sum of durations), with its text;
        None for anything else. Folded here, every backend reads one value and none has to compute it."""
        if isinstance(expr, ast.Name):
            return self.constant_value(expr.name, seen) if expr.name in self.checked.constants else None
        if isinstance(expr, ast.ListLiteral):
            items = [self.fold(item, seen) for item in expr.items]
            known = [item for item in items if item is not None]
            if len(known) != len(items):
                return None
            return tuple(value for value, _ in known), ", ".join(text for _, text in known)
        if isinstance(expr, ast.Arithmetic):
            left, right = self.fold(expr.left, seen), self.fold(expr.right, seen)
            if left is None or right is None or self.checked.type_of(expr.left) == t.DATE:
                return None
            return (left[0] + right[0] if expr.operator == "+" else left[0] - right[0]), flat(expr)
        if isinstance(expr, _LITERALS):
            node = self.expr(expr, frozenset())
            return (node.value, node.text) if isinstance(node, ir.Literal) else None
        return None

    def described(self, description: str | None) -> str | None:
        """A description with each `{constant}` replaced by the constant's value as explanations show it, so the text
        never drifts from the value (the checker has made sure each names a constant)."""
        if description is None:
            return None

        def value_of(match: re.Match[str]) -> str:
            found = self.constant_value(match.group(1))
            return shown(found[0], found[1]) if found is not None else match.group(0)
        return PLACEHOLDER.sub(value_of, description)

    def category(self, category: ast.Category) -> ir.Category:
        condition = self.expr(category.condition, frozenset())
        lists = sorted(self.lists_used(condition).values(), key=lambda table: table.name)
        cites = self.cites(category.cites)
        third_party = {c.id: c for c in cites if c.third_party}
        for table in lists:
            third_party.update((c.id, c) for c in table.cites if c.third_party)
        third_party.update(self.third_party_reached(condition))
        return ir.Category(category.name, category.title, cites, condition, category.span, tuple(lists),
                           self.source_text(category.span), tuple(sorted(third_party.values(), key=lambda c: c.id)),
                           category.confidence)

    def third_party_reached(self, node: ir.Node) -> dict[str, ir.SourceRef]:
        """The third-party sources cited by the definitions a condition calls, directly or through others, and by
        the occupation lists those definitions use."""
        found: dict[str, ir.SourceRef] = {}
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ir.RuleCall):
                known = self.third_party_of_rule.get(current.name)
                if known is None:
                    self.third_party_of_rule[current.name] = {}  # the checker refuses cycles of definitions
                    known = {c.id: c for c in current.rule.cites if c.third_party}
                    known.update(self.third_party_reached(current.rule.body))
                    self.third_party_of_rule[current.name] = known
                found.update(known)
            elif isinstance(current, ir.ListRef):
                found.update((c.id, c) for c in current.table.cites if c.third_party)
            stack.extend(current.children())
        return found

    def lists_used(self, node: ir.Node) -> dict[str, ir.OccupationList]:
        """The lists a condition refers to, through the definitions it calls (the condition may itself be a call).
        What a definition reaches is remembered: every category reaches the same program rules."""
        found: dict[str, ir.OccupationList] = {}
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ir.ListRef):
                found[current.table.name] = current.table
            elif isinstance(current, ir.RuleCall):
                found.update(self.lists_of(current))
            stack.extend(current.children())
        return found

    def lists_of(self, call: ir.RuleCall) -> dict[str, ir.OccupationList]:
        known = self.lists_of_rule.get(call.name)
        if known is None:
            self.lists_of_rule[call.name] = {}  # definitions never call themselves (the checker refuses cycles)
            known = self.lists_of_rule[call.name] = self.lists_used(call.rule.body)
        return known

    def source_text(self, span: ast.Span) -> str:
        lines = self.checked.texts.get(span.file, "").splitlines()
        return "\n".join(lines[span.line - 1: span.end_line])

    def expr(self, expr: ast.Expr, local: frozenset[str]) -> ir.Node:  # noqa: C901 - one case per expression kind
        span = expr.span
        typ = self.checked.type_of(expr)
        if isinstance(expr, ast.Name):
            return self.name(expr, local, typ)
        if isinstance(expr, ast.Integer):
            return ir.Literal(span, typ, expr.value, str(expr.value))
        if isinstance(expr, ast.Quantity):
            return self.quantity(expr, typ)
        if isinstance(expr, ast.Level):
            level = LanguageLevel(expr.value, expr.scale)
            return ir.Literal(span, typ, level, str(level))
        if isinstance(expr, ast.Text):
            return ir.Literal(span, typ, expr.value, expr.value)
        if isinstance(expr, ast.Decimal):
            return ir.Literal(span, typ, Score(float(expr.text)), expr.text)
        if isinstance(expr, ast.Lookup):
            table = self.tables[expr.table]
            column = expr.column or table.value_columns[0]
            return ir.TableLookup(span, typ, table, tuple(self.expr(k, local) for k in expr.keys), column)
        if isinstance(expr, ast.Selection):
            return ir.Selection(span, typ, expr.variable, self.expr(expr.domain, local),
                                self.expr(expr.where, local | {expr.variable}))
        if isinstance(expr, (ast.DateLiteral, ast.DateTimeLiteral)):
            return ir.Literal(span, typ, expr.value, expr.value.isoformat())
        if isinstance(expr, ast.Boolean):
            return ir.Literal(span, typ, expr.value, "true" if expr.value else "false")
        if isinstance(expr, ast.ListLiteral):
            items = tuple(self.expr(i, local) for i in expr.items)
            literal_items = [i for i in items if isinstance(i, ir.Literal)]
            if len(literal_items) == len(items):
                values = tuple(i.value for i in literal_items)
                return ir.Literal(span, typ, values, ", ".join(i.text for i in literal_items))
            return ir.ListNode(span, typ, items)
        if isinstance(expr, ast.Window):
            return ir.WindowNode(span, typ, self.expr(expr.length, local), self.expr(expr.anchor, local))
        if isinstance(expr, ast.Field):
            return ir.FieldGet(span, typ, self.expr(expr.subject, local), expr.name)
        if isinstance(expr, ast.Call):
            arguments = tuple(self.expr(a, local) for a in expr.arguments)
            if expr.function in ("min", "max") and expr.function not in self.checked.definitions:
                return ir.Extreme(span, typ, word(expr.function, _EXTREME_KINDS), arguments)
            if expr.function in self.checked.definitions:
                return ir.RuleCall(span, typ, expr.function, arguments, self.rules)
            return ir.Builtin(span, typ, word(expr.function, _BUILTIN_NAMES), FUNCTIONS[expr.function].description,
                              arguments)
        if isinstance(expr, ast.Compare):
            return ir.Compare(span, typ, word(expr.operator, _COMPARE_OPERATORS), self.expr(expr.left, local),
                              self.expr(expr.right, local))
        if isinstance(expr, ast.Membership):
            return ir.Member(span, typ, self.expr(expr.item, local), self.expr(expr.collection, local),
                             expr.negated)
        if isinstance(expr, ast.Arithmetic):
            folded = self.fold(expr) if typ in t.DURATIONS else None
            if folded is not None:  # `within (3 years + 1 day) before as_of`: a period of fixed length in every backend
                return ir.Literal(span, typ, folded[0], folded[1])
            return ir.Arithmetic(span, typ, word(expr.operator, _ARITHMETIC_OPERATORS), self.expr(expr.left, local),
                                 self.expr(expr.right, local))
        if isinstance(expr, ast.AllOf):
            return ir.AllOf(span, typ, tuple(self.expr(o, local) for o in expr.operands))
        if isinstance(expr, ast.AnyOf):
            return ir.AnyOf(span, typ, tuple(self.expr(o, local) for o in expr.operands))
        if isinstance(expr, ast.Not):
            return ir.Not(span, typ, self.expr(expr.operand, local))
        if isinstance(expr, ast.Quantifier):
            inner = local | {expr.variable}
            where = self.expr(expr.where, inner) if expr.where is not None else None
            return ir.Quantifier(span, typ, word(expr.kind, _QUANTIFIER_KINDS), expr.variable,
                                 self.expr(expr.domain, local), where, self.expr(expr.body, inner))
        if isinstance(expr, ast.Otherwise):
            return ir.Otherwise(span, typ, self.expr(expr.first, local), self.expr(expr.fallback, local))
        if isinstance(expr, ast.Conditional):
            return ir.Conditional(span, typ, self.expr(expr.condition, local), self.expr(expr.then, local),
                                  self.expr(expr.otherwise, local))
        raise AssertionError(f"no lowering for {type(expr).__name__}")

    def name(self, expr: ast.Name, local: frozenset[str], typ: t.Type) -> ir.Node:
        name = expr.name
        if name in local:
            return ir.Local(expr.span, typ, name)
        if name in self.checked.constants:
            return self.constant(name, self.checked.constants[name])
        if name in self.lists:
            return ir.ListRef(expr.span, typ, self.lists[name])
        if name in self.checked.definitions:
            return ir.RuleCall(expr.span, typ, name, (), self.rules)
        return ir.FactRef(expr.span, typ, name)

    def quantity(self, expr: ast.Quantity, typ: t.Type) -> ir.Literal:
        value: object
        if expr.unit == "hours":
            value = Hours(float(expr.amount))
        else:
            assert isinstance(expr.amount, int), "the checker refuses fractions of units other than hours"
            value = Points(expr.amount) if expr.unit == "points" else Duration.of(expr.amount, expr.unit)
        return ir.Literal(expr.span, typ, value, f"{expr.amount} {expr.unit}")


_LITERALS = (ast.Integer, ast.Quantity, ast.Level, ast.Decimal, ast.Text, ast.DateLiteral, ast.DateTimeLiteral,
             ast.Boolean)


def shown(value: Any, text: str) -> str:
    """A constant's value as a description shows it: quantities and levels as explanations write them (`6 months`,
    `1,560 hours`, `NCLC 7`), anything else as written."""
    if isinstance(value, Duration) and not (value.months and value.days):
        return str(value)
    if isinstance(value, (Hours, Points, LanguageLevel)):
        return str(value)
    return text


def word(value: str, allowed: frozenset[str]) -> Any:
    """`value` as one of the words a node kind takes (`allowed`: the words of a `Literal` type of `engine.ir.nodes`).
    The checker has already refused any other word, so a miss here is a bug in the compiler, said as such."""
    if value not in allowed:
        raise AssertionError(f"{value!r} is not one of {sorted(allowed)}")
    return cast(Any, value)


# The words of each node kind, read once: hashing a `Literal` type at every node took a tenth of lowering.
_KEY_KINDS = frozenset(get_args(ir.KeyKind))
_GROUPINGS = frozenset(get_args(ir.Grouping))
_EXTREME_KINDS = frozenset(get_args(ir.ExtremeKind))
_BUILTIN_NAMES = frozenset(get_args(ir.BuiltinName))
_COMPARE_OPERATORS = frozenset(get_args(ir.CompareOperator))
_ARITHMETIC_OPERATORS = frozenset(get_args(ir.ArithmeticOperator))
_QUANTIFIER_KINDS = frozenset(get_args(ir.QuantifierKind))
