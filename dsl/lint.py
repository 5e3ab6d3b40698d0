"""Lints: rules that are valid but probably not what the analyst meant, found on a checked rulebook.

Errors stop a rulebook from running; lints only advise. Each has a stable code:

- W401 a threshold written as a bare number inside a definition or category, where a named, cited constant belongs;
- W402 a constant, definition or occupation list that nothing uses;
- W403 a condition that can never be true, or that never changes the outcome;
- W404 a description that writes out a number contradicting the constant it restates (`"At least 6 months"` where the
  constant is 12 months);
- I404 an occupation listed for two categories of the same year (information: it may well be intended).

Lints read the AST and the types the checker computed; they know the language, not the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dsl import ast
from dsl import types as t
from dsl.calls import references
from dsl.checker import CheckedRulebook
from dsl.descriptions import PLACEHOLDER, Amount, constant_amount, locate, written_numbers, written_pattern
from dsl.diagnostics import Diagnostic, Severity

# Counts this small read as "none" or "at least one", not as policy thresholds.
PLAIN_COUNTS = frozenset({0, 1})
_ORDERING = frozenset({">=", ">", "<=", "<", "==", "!="})
_FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def lint(checked: CheckedRulebook) -> list[Diagnostic]:
    """Every lint finding of a checked rulebook, sorted by place."""
    linter = _Linter(checked)
    linter.run()
    return sorted(linter.findings, key=Diagnostic.sort_key)


@dataclass(frozen=True, slots=True)
class _Bounds:
    """A duration as a range of days: a month lasts 28 to 31 days, a year 365 or 366."""

    low: int
    high: int


def _duration_bounds(amount: int, unit: str) -> _Bounds | None:
    per_unit = {"days": (1, 1), "weeks": (7, 7), "months": (28, 31), "years": (365, 366)}.get(unit)
    if per_unit is None:
        return None
    return _Bounds(amount * per_unit[0], amount * per_unit[1])


class _Linter:
    def __init__(self, checked: CheckedRulebook) -> None:
        self.checked = checked
        self.findings: list[Diagnostic] = []

    def warn(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.findings.append(Diagnostic(code, message, span, Severity.WARNING, suggestion))

    def inform(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.findings.append(Diagnostic(code, message, span, Severity.INFO, suggestion))

    def run(self) -> None:
        bodies = self.rule_bodies()
        for owner, body, _ in bodies:
            self.bare_thresholds(owner, body)
            for node in _walk(body):
                self.pointless(node)
        self.unused(bodies)
        self.shared_occupations()
        for constant in self.checked.constants.values():
            self.description_numbers(f"constant '{constant.name}'", constant, [constant.name])
        for definition in self.checked.definitions.values():
            local = frozenset(p.name for p in definition.parameters)
            named = sorted({n for n in references(definition.body, local) if n in self.checked.constants})
            self.description_numbers(f"definition '{definition.name}'", definition, named)

    def rule_bodies(self) -> list[tuple[str, ast.Expr, frozenset[str]]]:
        """(what it belongs to, expression, local names) for every definition and category rule."""
        found: list[tuple[str, ast.Expr, frozenset[str]]] = []
        for definition in self.checked.definitions.values():
            found.append((f"definition '{definition.name}'", definition.body,
                          frozenset(p.name for p in definition.parameters)))
        for category in self.checked.categories:
            found.append((f"category '{category.name}'", category.condition, frozenset()))
        for program in self.checked.programs:
            found.append((f"program '{program.name}'", program.condition, frozenset()))
        for score in self.checked.scores:
            found.extend((f"section '{s.name}' of score '{score.name}'", s.value, frozenset())
                         for s in score.sections)
        for pending in self.checked.pending:
            found.append((f"pending rule '{pending.name}'", pending.reaches, frozenset()))
        return found

    # W401 -----------------------------------------------------------------------------------------------------------

    def bare_thresholds(self, owner: str, body: ast.Expr) -> None:
        for node in _walk(body):
            if isinstance(node, ast.Quantity) and node.amount == 0:
                continue  # nothing of a kind (no points) is not a threshold
            if isinstance(node, (ast.Quantity, ast.Level)):
                self.bare(owner, node, _literal_text(node))
            elif isinstance(node, ast.Compare):
                for side in (node.left, node.right):
                    if isinstance(side, ast.Integer) and side.value not in PLAIN_COUNTS:
                        self.bare(owner, side, str(side.value))

    def bare(self, owner: str, node: ast.Expr, text: str) -> None:
        self.warn("W401", f"the threshold {text} in {owner} is a bare number; policy values belong in a named, "
                          f"cited constant", node.span,
                  suggestion=f'declare: constant some_name "what {text} stands for" cite <source> = {text}, '
                             f"and use its name here")

    # W402 -----------------------------------------------------------------------------------------------------------

    def unused(self, bodies: list[tuple[str, ast.Expr, frozenset[str]]]) -> None:
        used: set[str] = set()
        for _, body, parameters in bodies:
            used.update(references(body, parameters))
        for constant in self.checked.constants.values():
            used.update(references(constant.value, frozenset()))
        declared: list[tuple[str, ast.Declaration]] = [
            *(("constant", c) for c in self.checked.constants.values()),
            *(("definition", d) for d in self.checked.definitions.values()),
            *(("occupation list", o) for o in self.checked.tables.values()),
            *(("table", t) for t in self.checked.value_tables.values()),
        ]
        for kind, declaration in declared:
            if declaration.name not in used:
                self.warn("W402", f"{kind} '{declaration.name}' is never used", declaration.span,
                          suggestion="use it in a category or definition, or remove it")

    # W403 -----------------------------------------------------------------------------------------------------------

    def pointless(self, node: ast.Node) -> None:
        if isinstance(node, (ast.AllOf, ast.AnyOf)):
            self.pointless_operands(node)
        elif isinstance(node, ast.Compare):
            self.window_too_short(node)
            if self.constant_value(node.left) is not None and self.constant_value(node.right) is not None:
                self.warn("W403", "this comparison has only fixed values on both sides, so it never depends on the "
                                  "profile", node.span)
        elif isinstance(node, ast.Quantifier) and isinstance(node.domain, ast.ListLiteral) and not node.domain.items:
            outcome = "never true" if node.kind == "any" else "always true"
            self.warn("W403", f"'{node.kind}' over an empty list is {outcome}", node.span)
        elif isinstance(node, ast.Conditional) and isinstance(node.condition, ast.Boolean):
            branch = "else" if node.condition.value else "then"
            self.warn("W403", f"the condition of 'if' is always {str(node.condition.value).lower()}, so the "
                              f"'{branch}' branch never matters", node.condition.span)

    def pointless_operands(self, node: ast.AllOf | ast.AnyOf) -> None:
        word = "and" if isinstance(node, ast.AllOf) else "or"
        absorbing = isinstance(node, ast.AnyOf)  # `or true` is always true, `and false` never true
        for operand in node.operands:
            if not isinstance(operand, ast.Boolean):
                continue
            if operand.value == absorbing:
                outcome = "always true" if absorbing else "never true"
                self.warn("W403", f"'{word} {str(operand.value).lower()}' makes the whole condition {outcome}",
                          operand.span)
            else:
                self.warn("W403", f"'{word} {str(operand.value).lower()}' never changes the outcome", operand.span,
                          suggestion="remove it")
        for index, operand in enumerate(node.operands):
            if operand in node.operands[:index]:
                self.warn("W403", f"this condition is repeated in the same '{word}', so it never matters the second "
                                  f"time", operand.span, suggestion="remove the repetition")

    def window_too_short(self, node: ast.Compare) -> None:
        """A duration measured inside a period cannot exceed the period: `... within 3 months ...) >= 6 months`."""
        for measured, required, operator in ((node.left, node.right, node.operator),
                                             (node.right, node.left, _FLIPPED[node.operator])):
            window = self.measuring_window(measured)
            need = self.duration_of(required)
            if window is None or need is None:
                continue
            have = self.duration_of(window.length)
            if have is None or have.high >= need.low:
                continue
            if operator in (">=", ">", "=="):
                verdict = "can never be true"
            elif operator in ("<", "<=", "!="):
                verdict = "is always true"
            else:
                continue
            self.warn("W403", f"this comparison {verdict}: it asks for {self.describe(required)}, but measures "
                              f"within a period of only {self.describe(window.length)}",
                      node.span, suggestion="lengthen the period, or lower the duration asked for")
            return

    def measuring_window(self, expr: ast.Expr) -> ast.Window | None:
        if not isinstance(expr, ast.Call) or self.checked.type_of(expr) != t.DURATION:
            return None
        for argument in expr.arguments:
            window = self.resolve(argument)
            if isinstance(window, ast.Window):
                return window
        return None

    def resolve(self, expr: ast.Expr) -> ast.Expr:
        """Follow names of constants to their values (a bounded number of times)."""
        for _ in range(len(self.checked.constants) + 1):
            if not (isinstance(expr, ast.Name) and expr.name in self.checked.constants):
                return expr
            expr = self.checked.constants[expr.name].value
        return expr

    def duration_of(self, expr: ast.Expr) -> _Bounds | None:
        value = self.resolve(expr)
        if not isinstance(value, ast.Quantity) or not isinstance(value.amount, int):
            return None
        return _duration_bounds(value.amount, value.unit)

    def describe(self, expr: ast.Expr) -> str:
        value = self.resolve(expr)
        text = _literal_text(value) if isinstance(value, ast.Quantity) else "a duration"
        return f"{text} ('{expr.name}')" if isinstance(expr, ast.Name) else text

    def constant_value(self, expr: ast.Expr) -> ast.Expr | None:
        value = self.resolve(expr)
        literals = (ast.Integer, ast.Quantity, ast.Level, ast.Text, ast.DateLiteral, ast.DateTimeLiteral, ast.Boolean)
        return value if isinstance(value, literals) else None

    # W404 -----------------------------------------------------------------------------------------------------------

    def description_numbers(self, owner: str, declaration: ast.Constant | ast.Define, constants: list[str]) -> None:
        """A description that writes out a number of one kind (a duration, hours, a level...) where the constants its
        rule reads hold another value of that kind, and one of these constants is not written out at all: the text
        has drifted from the value (`At least 6 months` where the constant is now 12 months)."""
        written = list(written_numbers(declaration.description or ""))
        values: dict[str, Amount] = {}
        for name in constants:
            amount = constant_amount(self.checked.constants[name].value)
            if amount is not None:
                values[name] = amount
        for kind in sorted({w.amount.kind for w in written}):
            of_kind = {name: amount for name, amount in values.items() if amount.kind == kind}
            stray = [w for w in written if w.amount.kind == kind and w.amount not in of_kind.values()]
            named = set(PLACEHOLDER.findall(declaration.description or ""))
            unsaid = [name for name, amount in of_kind.items()
                      if name not in named and amount not in {w.amount for w in written}]
            if not stray or not unsaid:
                continue
            name = unsaid[0]
            value = _literal_text(self.checked.constants[name].value)
            self.warn("W404", f"the description of {owner} says '{stray[0].text}', but the constant '{name}' it "
                              f"restates is {value}", locate(self.checked.texts, declaration.span,
                                                            written_pattern(stray[0].text)),
                      suggestion=f"name the value instead of writing it out: {{{name}}}")

    # I404 -----------------------------------------------------------------------------------------------------------

    def shared_occupations(self) -> None:
        first_seen: dict[str, tuple[str, ast.OccupationTable]] = {}
        reported: set[tuple[str, str, str]] = set()
        for category in self.checked.categories:
            for table in self.tables_reached(category.condition):
                for row in table.rows:
                    earlier = first_seen.setdefault(row.code, (category.name, table))
                    if earlier[0] == category.name:
                        continue
                    if earlier[1].name == table.name:  # one list for two categories: said once, on the list
                        key = (table.name, earlier[0], category.name)
                        if key not in reported:
                            reported.add(key)
                            self.inform("I404", f"occupation list '{table.name}' is used by both category "
                                                f"'{earlier[0]}' and category '{category.name}'", table.span)
                        continue
                    key = (row.code, earlier[0], category.name)
                    if key in reported:
                        continue
                    reported.add(key)
                    self.inform("I404", f"occupation {row.code} ({row.title}) is listed for both category "
                                        f"'{earlier[0]}' (in '{earlier[1].name}') and category '{category.name}' "
                                        f"(in '{table.name}')", row.span)

    def tables_reached(self, condition: ast.Expr) -> list[ast.OccupationTable]:
        """The occupation lists a category's rule reads, directly or through definitions and constants."""
        found: dict[str, ast.OccupationTable] = {}
        seen: set[str] = set()
        pending: list[tuple[ast.Expr, frozenset[str]]] = [(condition, frozenset())]
        while pending:
            expr, local = pending.pop()
            for name in references(expr, local):
                if name in seen:
                    continue
                seen.add(name)
                if name in self.checked.tables:
                    found[name] = self.checked.tables[name]
                elif name in self.checked.definitions:
                    definition = self.checked.definitions[name]
                    pending.append((definition.body, frozenset(p.name for p in definition.parameters)))
                elif name in self.checked.constants:
                    pending.append((self.checked.constants[name].value, frozenset()))
        return sorted(found.values(), key=lambda table: (table.span.file, table.span.line))


def _walk(expr: ast.Expr) -> Iterator[ast.Node]:
    return expr.walk()


def _literal_text(node: ast.Expr) -> str:
    if isinstance(node, ast.Quantity):
        unit = node.unit[:-1] if node.amount == 1 and node.unit.endswith("s") else node.unit
        return f"{node.amount} {unit}"
    if isinstance(node, ast.Level):
        return f"{node.scale} {node.value}"
    return str(node)
