"""The checker: from parsed modules to a checked rulebook, or every problem found, in one run.

Passes, in order: collect declarations (duplicates), check declarations (header, occupation rows, citations),
resolve and type every expression (unknown names with "did you mean", unit and type mismatches), and find cycles
between definitions. Each diagnostic has a stable code; `docs/` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dsl import ast
from dsl import types as t
from dsl.diagnostics import Diagnostic, RuleErrors, Severity, did_you_mean
from dsl.loader import SourceSet

RESERVED_NAMES = frozenset({"as_of"})


@dataclass(frozen=True, slots=True)
class CheckedRulebook:
    """A rulebook whose names are resolved and whose expressions are typed.

    `expression_types` maps `id(expression)` to its type; it is valid while the AST it was computed from is alive,
    which the checked rulebook guarantees by holding the modules.
    """

    header: ast.RulebookHeader
    modules: tuple[ast.Module, ...]
    sources: Mapping[str, ast.Source]
    constants: Mapping[str, ast.Constant]
    tables: Mapping[str, ast.OccupationTable]
    definitions: Mapping[str, ast.Define]
    categories: tuple[ast.Category, ...]
    expression_types: Mapping[int, t.Type]
    texts: Mapping[str, str]
    warnings: tuple[Diagnostic, ...] = ()

    def type_of(self, expression: ast.Expr) -> t.Type:
        return self.expression_types.get(id(expression), t.ANY)


def check(source_set: SourceSet, prelude: t.Prelude) -> CheckedRulebook:
    """Check a rulebook. Raises `RuleErrors` carrying every error found; warnings ride on the result."""
    checker = _Checker(prelude)
    result = checker.run(source_set)
    errors = [d for d in checker.diagnostics if d.is_error]
    if errors or result is None:
        raise RuleErrors(checker.diagnostics, source_set.texts)
    return result


@dataclass
class _Scope:
    """Local names: definition parameters and quantifier variables, innermost last."""

    names: dict[str, t.Type] = field(default_factory=dict)

    def with_name(self, name: str, type_: t.Type) -> _Scope:
        return _Scope({**self.names, name: type_})


class _Checker:
    def __init__(self, prelude: t.Prelude) -> None:
        self.prelude = prelude
        self.diagnostics: list[Diagnostic] = []
        self.types: dict[int, t.Type] = {}
        self.sources: dict[str, ast.Source] = {}
        self.constants: dict[str, ast.Constant] = {}
        self.tables: dict[str, ast.OccupationTable] = {}
        self.definitions: dict[str, ast.Define] = {}
        self.categories: dict[str, ast.Category] = {}
        self.headers: list[ast.RulebookHeader] = []
        self.references: dict[str, set[str]] = {}
        self.current: str | None = None
        self._in_progress: set[str] = set()

    def error(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, suggestion=suggestion))

    def warn(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, Severity.WARNING, suggestion))

    # driver

    def run(self, source_set: SourceSet) -> CheckedRulebook | None:
        for module in source_set.modules:
            for declaration in module.declarations:
                self.collect(declaration)
        header = self.check_header(source_set)
        for table in self.tables.values():
            self.check_table(table)
        for declaration in self.cited_declarations():
            self.check_citations(declaration)
        for constant in self.constants.values():
            self.check_constant(constant)
        for definition in self.definitions.values():
            self.check_definition(definition)
        for category in self.categories.values():
            self.current = None
            found = self.expression(category.condition, _Scope())
            self.expect_condition(found, category.condition, f"the rule of category '{category.name}'")
        self.check_cycles()
        if header is None:
            return None
        return CheckedRulebook(
            header=header,
            modules=source_set.modules,
            sources=dict(self.sources),
            constants=dict(self.constants),
            tables=dict(self.tables),
            definitions=dict(self.definitions),
            categories=tuple(self.categories.values()),
            expression_types=dict(self.types),
            texts=source_set.texts,
            warnings=tuple(d for d in self.diagnostics if not d.is_error),
        )

    # pass 1: collect

    def collect(self, declaration: ast.Declaration) -> None:
        if isinstance(declaration, ast.RulebookHeader):
            self.headers.append(declaration)
            return
        if isinstance(declaration, ast.Import):
            return
        if isinstance(declaration, ast.Source):
            if self.not_yet_declared("source", declaration, self.sources):
                self.sources[declaration.name] = declaration
        elif isinstance(declaration, ast.Category):
            if self.not_yet_declared("category", declaration, self.categories):
                self.categories[declaration.name] = declaration
        else:
            self.collect_value_name(declaration)

    def not_yet_declared(self, kind: str, declaration: ast.Declaration,
                         known: Mapping[str, ast.Declaration]) -> bool:
        first = known.get(declaration.name)
        if first is not None:
            self.error("E101", f"{kind} '{declaration.name}' is declared twice (first at {first.span})",
                       declaration.span)
        return first is None

    def collect_value_name(self, declaration: ast.Declaration) -> None:
        """Constants, occupation lists and definitions share one namespace: a name means one thing."""
        existing = self.constants.get(declaration.name) or self.tables.get(declaration.name) or \
            self.definitions.get(declaration.name)
        if existing is not None:
            self.error("E101", f"'{declaration.name}' is declared twice (first at {existing.span})", declaration.span)
            return
        if declaration.name in self.prelude.facts or declaration.name in self.prelude.functions or \
                declaration.name in RESERVED_NAMES:
            self.error("E102", f"'{declaration.name}' is a built-in name and cannot be redefined", declaration.span,
                       suggestion="choose another name")
            return
        if isinstance(declaration, ast.Constant):
            self.constants[declaration.name] = declaration
        elif isinstance(declaration, ast.OccupationTable):
            self.tables[declaration.name] = declaration
        elif isinstance(declaration, ast.Define):
            self.definitions[declaration.name] = declaration

    # pass 2: declarations

    def check_header(self, source_set: SourceSet) -> ast.RulebookHeader | None:
        if not self.headers:
            files = sorted(source_set.texts)
            span = ast.Span(files[0] if files else str(source_set.folder), 1, 1, 1, 2)
            self.error("E131", "the rulebook has no header", span,
                       suggestion='add: rulebook 2025 "title" in force 2025-02-27 until 2026-02-17')
            return None
        header = self.headers[0]
        for extra in self.headers[1:]:
            self.error("E130", f"a rulebook has one header; the first is at {header.span}", extra.span)
        if header.in_force_until < header.in_force_from:
            self.error("E132", f"the in-force period ends ({header.in_force_until}) before it starts "
                               f"({header.in_force_from})", header.span)
        return header

    def check_table(self, table: ast.OccupationTable) -> None:
        seen: dict[str, ast.OccupationRow] = {}
        for row in table.rows:
            if len(row.code) != 5 or not row.code.isdigit():
                self.error("E110", f"occupation code '{row.code}' is not five digits", row.span,
                           suggestion="NOC 2021 codes have five digits, for example 21220")
            elif row.teer != int(row.code[1]):
                self.error("E111", f"occupation {row.code} is given TEER {row.teer}, but its second digit says "
                                   f"TEER {row.code[1]}", row.span, suggestion=f"write: teer {row.code[1]}")
            if not 0 <= row.teer <= 5:
                self.error("E112", f"TEER {row.teer} does not exist; TEER runs from 0 to 5", row.span)
            if row.code in seen:
                self.error("E113", f"occupation {row.code} is listed twice in '{table.name}' (first at "
                                   f"line {seen[row.code].span.line})", row.span, suggestion="remove one of the rows")
            else:
                seen[row.code] = row

    def cited_declarations(self) -> Iterable[ast.Declaration]:
        yield from self.tables.values()
        yield from self.definitions.values()
        yield from self.categories.values()
        yield from self.constants.values()
        yield from self.headers[:1]

    def check_citations(self, declaration: ast.Declaration) -> None:
        cites: tuple[ast.Citation, ...] = getattr(declaration, "cites", ())
        kind = _kind_of(declaration)
        if not cites and not isinstance(declaration, (ast.Constant, ast.RulebookHeader)):
            self.error("E120", f"{kind} '{declaration.name}' has no citation", declaration.span,
                       suggestion="add 'cite <source>' naming the official source of this rule")
        for cite in cites:
            if cite.source not in self.sources:
                self.error("E121", f"'{cite.source}' is not a declared source", cite.span,
                           suggestion=did_you_mean(cite.source, self.sources) or
                           f'declare it: source {cite.source} "Title" "https://..."')

    def check_constant(self, constant: ast.Constant) -> None:
        self.current = constant.name
        self.references.setdefault(constant.name, set())
        self.expression(constant.value, _Scope())

    def check_definition(self, definition: ast.Define) -> None:
        self.current = definition.name
        self.references.setdefault(definition.name, set())
        scope = _Scope()
        for parameter in definition.parameters:
            parameter_type = t.PARAMETER_TYPES.get(parameter.type_name)
            if parameter_type is None:
                self.error("E204", f"'{parameter.type_name}' is not a type", parameter.span,
                           suggestion=did_you_mean(parameter.type_name, t.PARAMETER_TYPES) or
                           "types: " + ", ".join(sorted(t.PARAMETER_TYPES)))
                parameter_type = t.ANY
            scope = scope.with_name(parameter.name, parameter_type)
        self.expression(definition.body, scope)
        self.current = None

    # pass 3: expressions

    def expression(self, expr: ast.Expr, scope: _Scope) -> t.Type:
        found = self.infer(expr, scope)
        self.types[id(expr)] = found
        return found

    def expect_condition(self, found: t.Type, expr: ast.Expr, what: str) -> None:
        if found not in (t.BOOL, t.ANY):
            self.error("E303", f"{what} must be a condition (true or false), but this is {t.describe(found)}",
                       expr.span)

    def infer(self, expr: ast.Expr, scope: _Scope) -> t.Type:  # noqa: C901 - one case per expression kind
        if isinstance(expr, ast.Name):
            return self.name(expr, scope)
        if isinstance(expr, ast.Integer):
            return t.INT
        if isinstance(expr, ast.Quantity):
            return t.UNIT_TYPES[expr.unit]
        if isinstance(expr, ast.Level):
            if not 1 <= expr.value <= 12:
                self.error("E305", f"{expr.scale.upper()} {expr.value} is not a language level; levels run from "
                                   f"1 to 12", expr.span)
            return t.LEVEL
        if isinstance(expr, ast.Text):
            return t.TEXT
        if isinstance(expr, ast.DateLiteral):
            return t.DATE
        if isinstance(expr, ast.DateTimeLiteral):
            return t.DATETIME
        if isinstance(expr, ast.Boolean):
            return t.BOOL
        if isinstance(expr, ast.ListLiteral):
            return self.list_literal(expr, scope)
        if isinstance(expr, ast.Window):
            return self.window(expr, scope)
        if isinstance(expr, ast.Field):
            return self.field(expr, scope)
        if isinstance(expr, ast.Call):
            return self.call(expr, scope)
        if isinstance(expr, ast.Compare):
            return self.compare(expr, scope)
        if isinstance(expr, ast.Membership):
            return self.membership(expr, scope)
        if isinstance(expr, ast.Arithmetic):
            return self.arithmetic(expr, scope)
        if isinstance(expr, (ast.AllOf, ast.AnyOf)):
            word = "and" if isinstance(expr, ast.AllOf) else "or"
            for operand in expr.operands:
                self.expect_condition(self.expression(operand, scope), operand, f"each side of '{word}'")
            return t.BOOL
        if isinstance(expr, ast.Not):
            self.expect_condition(self.expression(expr.operand, scope), expr.operand, "what 'not' applies to")
            return t.BOOL
        if isinstance(expr, ast.Quantifier):
            return self.quantifier(expr, scope)
        if isinstance(expr, ast.Otherwise):
            first = self.expression(expr.first, scope)
            fallback = self.expression(expr.fallback, scope)
            return self.unify(first, fallback, expr.fallback.span, "both sides of 'otherwise'")
        if isinstance(expr, ast.Conditional):
            self.expect_condition(self.expression(expr.condition, scope), expr.condition, "the condition of 'if'")
            then = self.expression(expr.then, scope)
            otherwise = self.expression(expr.otherwise, scope)
            return self.unify(then, otherwise, expr.otherwise.span, "both branches of 'if'")
        raise AssertionError(f"unchecked expression {type(expr).__name__}")

    def unify(self, a: t.Type, b: t.Type, span: ast.Span, what: str) -> t.Type:
        if t.same_family(a, b):
            return a if a != t.ANY else b
        self.error("E301", f"{what} must be of one kind, but one is {t.describe(a)} and the other "
                           f"{t.describe(b)}", span)
        return t.ANY

    def name(self, expr: ast.Name, scope: _Scope) -> t.Type:
        name = expr.name
        if name in scope.names:
            return scope.names[name]
        if name == "as_of":
            return t.DATE
        if name in self.prelude.facts:
            return self.prelude.facts[name]
        if name in self.constants:
            self.note_reference(name)
            constant_type = self.types.get(id(self.constants[name].value))
            return constant_type if constant_type is not None else self.infer_quietly(self.constants[name].value)
        if name in self.tables:
            self.note_reference(name)
            return t.OCCUPATIONS
        if name in self.definitions:
            definition = self.definitions[name]
            self.note_reference(name)
            if definition.parameters:
                self.error("E202", f"'{name}' takes {len(definition.parameters)} argument(s)", expr.span,
                           suggestion=f"write: {name}({', '.join(p.name for p in definition.parameters)})")
                return t.ANY
            return self.definition_type(definition)
        if name in self.prelude.functions:
            self.error("E202", f"'{name}' is a function and needs arguments", expr.span,
                       suggestion=f"write: {name}(...)")
            return t.ANY
        self.unknown(name, expr.span, scope)
        return t.ANY

    def unknown(self, name: str, span: ast.Span, scope: _Scope) -> None:
        known = [*scope.names, "as_of", *self.prelude.facts, *self.constants, *self.tables, *self.definitions,
                 *self.prelude.functions]
        self.error("E201", f"unknown name '{name}'", span, suggestion=did_you_mean(name, known))

    def note_reference(self, name: str) -> None:
        if self.current is not None:
            self.references.setdefault(self.current, set()).add(name)

    def infer_quietly(self, expr: ast.Expr) -> t.Type:
        """The type of an expression checked elsewhere, without reporting its errors twice."""
        return self.infer_quietly_in(expr, _Scope())

    def definition_type(self, definition: ast.Define) -> t.Type:
        known = self.types.get(id(definition.body))
        if known is not None:
            return known
        if definition.name in self._in_progress:
            return t.ANY  # a cycle; reported by `check_cycles`
        self._in_progress.add(definition.name)
        scope = _Scope({p.name: t.PARAMETER_TYPES.get(p.type_name, t.ANY) for p in definition.parameters})
        found = self.infer_quietly_in(definition.body, scope)
        self._in_progress.discard(definition.name)
        return found

    def infer_quietly_in(self, expr: ast.Expr, scope: _Scope) -> t.Type:
        saved = len(self.diagnostics), self.current
        self.current = None
        found = self.infer(expr, scope)
        del self.diagnostics[saved[0]:]
        self.current = saved[1]
        return found

    def list_literal(self, expr: ast.ListLiteral, scope: _Scope) -> t.Type:
        element: t.Type = t.ANY
        for item in expr.items:
            element = self.unify(element, self.expression(item, scope), item.span, "the items of a list")
        return t.ListOf("list", element)

    def window(self, expr: ast.Window, scope: _Scope) -> t.Type:
        length = self.expression(expr.length, scope)
        anchor = self.expression(expr.anchor, scope)
        if length not in (t.DURATION, t.ANY):
            self.error("E301", f"the length of a period must be a duration, but this is {t.describe(length)}",
                       expr.length.span, suggestion="write, for example: within 3 years before as_of")
        if anchor not in (t.DATE, t.ANY):
            self.error("E301", f"a period ends on a date, but this is {t.describe(anchor)}", expr.anchor.span)
        return t.PERIOD

    def field(self, expr: ast.Field, scope: _Scope) -> t.Type:
        subject = self.expression(expr.subject, scope)
        if subject == t.ANY:
            return t.ANY
        if not isinstance(subject, t.Record):
            self.error("E203", f"'{expr.name}' cannot be read from {t.describe(subject)}", expr.span)
            return t.ANY
        found = subject.field_type(expr.name)
        if found is None:
            names = [name for name, _ in subject.fields]
            self.error("E203", f"a {subject.name} has no '{expr.name}'", expr.span,
                       suggestion=did_you_mean(expr.name, names) or "it has: " + ", ".join(names))
            return t.ANY
        return found

    def call(self, expr: ast.Call, scope: _Scope) -> t.Type:
        argument_types = [self.expression(a, scope) for a in expr.arguments]
        if expr.function in self.definitions:
            definition = self.definitions[expr.function]
            self.note_reference(expr.function)
            expected = [t.PARAMETER_TYPES.get(p.type_name, t.ANY) for p in definition.parameters]
            self.check_arguments(expr, expected, argument_types)
            return self.definition_type(definition)
        signature = self.prelude.functions.get(expr.function)
        if signature is None:
            if expr.function in scope.names or expr.function in self.constants or expr.function in self.tables:
                self.error("E202", f"'{expr.function}' is not a function", expr.span)
            else:
                self.unknown(expr.function, expr.span, scope)
            return t.ANY
        self.check_arguments(expr, list(signature.parameters), argument_types)
        return signature.result

    def check_arguments(self, expr: ast.Call, expected: list[t.Type], found: list[t.Type]) -> None:
        if len(expected) != len(found):
            self.error("E202", f"'{expr.function}' takes {len(expected)} argument(s), but {len(found)} were given",
                       expr.span)
            return
        for position, (want, have, argument) in enumerate(zip(expected, found, expr.arguments), 1):
            if not t.same_family(want, have):
                self.error("E301", f"argument {position} of '{expr.function}' must be {t.describe(want)}, but this "
                                   f"is {t.describe(have)}", argument.span)

    def compare(self, expr: ast.Compare, scope: _Scope) -> t.Type:
        left = self.expression(expr.left, scope)
        right = self.expression(expr.right, scope)
        if not t.same_family(left, right):
            self.error("E301", f"cannot compare {t.describe(left)} with {t.describe(right)}", expr.span,
                       suggestion=_unit_hint(left, right))
            return t.BOOL
        if expr.operator not in ("==", "!=") and left not in t.ORDERED and left != t.ANY:
            self.error("E302", f"'{expr.operator}' needs quantities that have an order, but this is "
                               f"{t.describe(left)}", expr.span)
        self.check_choice_literal(left, expr.right)
        self.check_choice_literal(right, expr.left)
        return t.BOOL

    def check_choice_literal(self, expected: t.Type, expr: ast.Expr) -> None:
        """A text written where a choice is expected must be one of the choice's values."""
        if not isinstance(expected, t.Choice):
            return
        texts = [expr] if isinstance(expr, ast.Text) else \
            [i for i in expr.items if isinstance(i, ast.Text)] if isinstance(expr, ast.ListLiteral) else []
        for text in texts:
            if text.value not in expected.members:
                self.error("E306", f"'{text.value}' is not a {expected.name}", text.span,
                           suggestion=did_you_mean(text.value, expected.members) or
                           "it is one of: " + ", ".join(expected.members))

    def membership(self, expr: ast.Membership, scope: _Scope) -> t.Type:
        item = self.expression(expr.item, scope)
        collection = self.expression(expr.collection, scope)
        if collection == t.ANY:
            return t.BOOL
        if collection == t.OCCUPATIONS:
            if not t.same_family(item, t.CODE):
                self.error("E301", f"an occupation list holds occupation codes, not {t.describe(item)}", expr.span)
            return t.BOOL
        if not isinstance(collection, t.ListOf):
            self.error("E301", f"'in' needs a list on its right, but this is {t.describe(collection)}",
                       expr.collection.span)
            return t.BOOL
        if not t.same_family(item, collection.element):
            self.error("E301", f"cannot look for {t.describe(item)} in {t.describe(collection)}", expr.span)
        self.check_choice_literal(item, expr.collection)
        return t.BOOL

    def arithmetic(self, expr: ast.Arithmetic, scope: _Scope) -> t.Type:
        left = self.expression(expr.left, scope)
        right = self.expression(expr.right, scope)
        if not t.same_family(left, right):
            self.error("E301", f"cannot combine {t.describe(left)} with {t.describe(right)}", expr.span,
                       suggestion=_unit_hint(left, right))
            return t.ANY
        if left not in t.ADDITIVE and left != t.ANY:
            self.error("E302", f"'{expr.operator}' needs counts or quantities, but this is {t.describe(left)}",
                       expr.span)
            return t.ANY
        return left

    def quantifier(self, expr: ast.Quantifier, scope: _Scope) -> t.Type:
        domain = self.expression(expr.domain, scope)
        element: t.Type = t.ANY
        if domain == t.OCCUPATIONS:
            element = t.CODE
        elif isinstance(domain, t.ListOf):
            element = domain.element
        elif domain != t.ANY:
            self.error("E301", f"'{expr.kind}' goes over a list, but this is {t.describe(domain)}", expr.domain.span)
        inner = scope.with_name(expr.variable, element)
        if expr.where is not None:
            self.expect_condition(self.expression(expr.where, inner), expr.where, "the filter after 'where'")
        self.expect_condition(self.expression(expr.body, inner), expr.body, f"what '{expr.kind}' checks")
        return t.BOOL

    # pass 4: cycles

    def check_cycles(self) -> None:
        reported: set[frozenset[str]] = set()
        for start in sorted(self.references):
            path = self.find_cycle(start)
            if path is None or frozenset(path) in reported:
                continue
            reported.add(frozenset(path))
            declaration = self.definitions.get(start) or self.constants.get(start)
            assert declaration is not None
            self.error("E140", "definitions depend on each other in a circle: " + " -> ".join([*path, path[0]]),
                       declaration.span, suggestion="a definition may not use itself, directly or through others")

    def find_cycle(self, start: str) -> list[str] | None:
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        visited: set[str] = set()
        while stack:
            node, path = stack.pop()
            for successor in sorted(self.references.get(node, ())):
                if successor == start:
                    return path
                if successor not in visited:
                    visited.add(successor)
                    stack.append((successor, [*path, successor]))
        return None


def _kind_of(declaration: ast.Declaration) -> str:
    return {
        ast.OccupationTable: "occupation list",
        ast.Define: "definition",
        ast.Category: "category",
        ast.Constant: "constant",
        ast.RulebookHeader: "rulebook",
    }.get(type(declaration), "declaration")


def _unit_hint(a: t.Type, b: t.Type) -> str | None:
    pair = {a, b}
    if pair == {t.DURATION, t.HOURS}:
        return "durations (months) and hours are different measures: compare months with months, hours with hours"
    if pair == {t.LEVEL, t.INT}:
        return "write levels with their scale: clb 7 or nclc 7"
    if t.INT in pair and (pair & {t.DURATION, t.HOURS, t.POINTS}):
        return "give the number its unit, for example 6 months, 780 hours or 50 points"
    return None
