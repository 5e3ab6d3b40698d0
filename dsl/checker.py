"""The checker: from parsed modules to a checked rulebook, or every problem found, in one run.

Passes, in order: collect declarations (duplicates), check declarations (header, occupation rows, citations),
resolve and type every expression (unknown names with "did you mean", unit and type mismatches), and find cycles
between definitions. Each diagnostic has a stable code; `docs/` lists them all.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dsl import ast
from dsl import types as t
from dsl.calls import Cost, Uses, cost_of, references
from dsl.descriptions import PLACEHOLDER, locate
from dsl.diagnostics import Diagnostic, RuleErrors, Severity, did_you_mean
from dsl.loader import SourceSet
from dsl.standing import CONFIDENCES, STANDINGS

RESERVED_NAMES = frozenset({"as_of"})
# The longest duration a rule may write, in either measure: dates run from the year 1 to 9999, and no rule reaches
# further than a lifetime; the bound keeps every date a rule moves far inside the calendar. 73,048 days is the fewest
# days in 200 years (48 leap days), 10,435 weeks the whole weeks in them.
MAX_DURATION_YEARS = 200
MAX_MONTHS = MAX_DURATION_YEARS * 12
MAX_DAYS = MAX_DURATION_YEARS * 365 + 48
MAX_SUGGESTIONS = 100  # "did you mean" searches per check: past that many unknown names, the rest go without one
# A rule written out with every definition and constant it uses in place (as explanations, diffs and the SQL backend
# write it): the shipped rules reach about 3,000 parts and 42 levels.
LARGE_EXPANSION = 20_000  # parts: a warning (W405), the explanation will be long
MAX_EXPANSION = 1_000_000  # parts: an error (E141)
MAX_EXPANDED_DEPTH = 150  # levels: an error (E142), past what an explanation or a compiler can walk


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
    value_tables: Mapping[str, ast.Table] = field(default_factory=dict)
    programs: tuple[ast.Program, ...] = ()
    scores: tuple[ast.Score, ...] = ()
    rounds: tuple[ast.Round, ...] = ()
    pending: tuple[ast.Pending, ...] = ()

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
        self.value_tables: dict[str, ast.Table] = {}
        self.programs: dict[str, ast.Program] = {}
        self.scores: dict[str, ast.Score] = {}
        self.headers: list[ast.RulebookHeader] = []
        self.rounds: dict[str, ast.Round] = {}
        self.pending: dict[str, ast.Pending] = {}
        self.references: dict[str, set[str]] = {}
        self.current: str | None = None
        self.suggestions_left = MAX_SUGGESTIONS
        self.texts: Mapping[str, str] = {}

    def error(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, suggestion=suggestion))

    def warn(self, code: str, message: str, span: ast.Span, suggestion: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, Severity.WARNING, suggestion))

    # driver

    def run(self, source_set: SourceSet) -> CheckedRulebook | None:
        self.texts = source_set.texts
        for module in source_set.modules:
            for declaration in module.declarations:
                self.collect(declaration)
        header = self.check_header(source_set)
        for table in self.tables.values():
            self.check_table(table)
        for value_table in self.value_tables.values():
            self.check_value_table(value_table)
        self.check_trust()
        for declaration in self.cited_declarations():
            self.check_citations(declaration)
        uses = Uses(self.definitions, self.constants)
        if not self.check_costs(uses):
            return None
        for name in uses.order:
            if name in self.constants:
                self.check_constant(self.constants[name])
        for name in uses.order:
            if name in self.definitions:
                self.check_definition(self.definitions[name])
        for constant in self.constants.values():
            self.check_description(constant)
        for definition in self.definitions.values():
            self.check_description(definition)
        for category in self.categories.values():
            self.current = None
            found = self.expression(category.condition, _Scope())
            self.expect_condition(found, category.condition, f"the rule of category '{category.name}'")
        for program in self.programs.values():
            self.current = None
            found = self.expression(program.condition, _Scope())
            self.expect_condition(found, program.condition, f"the rule of program '{program.name}'")
        for score in self.scores.values():
            self.check_score(score)
        for pending in self.pending.values():
            self.check_pending(pending)
        self.check_cycles()
        for round_ in self.rounds.values():
            self.check_round(round_, header)
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
            value_tables=dict(self.value_tables),
            programs=tuple(self.programs.values()),
            scores=tuple(self.scores.values()),
            rounds=tuple(sorted(self.rounds.values(), key=lambda r: int(r.name))),
            pending=tuple(self.pending.values()),
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
        elif isinstance(declaration, ast.Program):
            if self.not_yet_declared("program", declaration, self.programs):
                self.programs[declaration.name] = declaration
        elif isinstance(declaration, ast.Score):
            if self.not_yet_declared("score", declaration, self.scores):
                self.scores[declaration.name] = declaration
        elif isinstance(declaration, ast.Round):
            if self.not_yet_declared("round", declaration, self.rounds):
                self.rounds[declaration.name] = declaration
        elif isinstance(declaration, ast.Pending):
            if self.not_yet_declared("pending rule", declaration, self.pending):
                self.pending[declaration.name] = declaration
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
            self.definitions.get(declaration.name) or self.value_tables.get(declaration.name)
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
        elif isinstance(declaration, ast.Table):
            self.value_tables[declaration.name] = declaration

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
            for problem in self.prelude.occupation_problems(row.code, row.teer):
                self.error(problem.code, problem.message, row.span, suggestion=problem.suggestion)
            if row.code in seen:
                self.error("E113", f"occupation {row.code} is listed twice in '{table.name}' (first at "
                                   f"line {seen[row.code].span.line})", row.span, suggestion="remove one of the rows")
            else:
                seen[row.code] = row

    def cited_declarations(self) -> Iterable[ast.Declaration]:
        yield from self.tables.values()
        yield from self.definitions.values()
        yield from self.categories.values()
        yield from self.value_tables.values()
        yield from self.programs.values()
        yield from self.scores.values()
        yield from self.constants.values()
        yield from self.headers[:1]
        yield from self.rounds.values()
        yield from self.pending.values()

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

    def check_trust(self) -> None:
        """The words sources and categories use to say how far they can be trusted."""
        for source in self.sources.values():
            self.check_standing(source)
        for category in self.categories.values():
            self.check_confidence(category.confidence, category.confidence_span or category.span)

    def check_standing(self, source: ast.Source) -> None:
        """A source's standing and confidence are words from fixed lists, so every view can say them plainly."""
        if source.standing is not None and source.standing not in STANDINGS:
            self.error("E122", f"'{source.standing}' is not a standing of a source",
                       source.standing_span or source.span,
                       suggestion=did_you_mean(source.standing, STANDINGS) or "standings: " + ", ".join(STANDINGS))
        self.check_confidence(source.confidence, source.confidence_span or source.span)

    def check_confidence(self, level: str | None, span: ast.Span) -> None:
        """A confidence, a source's or a category's, is a word from one fixed list."""
        if level is not None and level not in CONFIDENCES:
            self.error("E123", f"'{level}' is not a confidence level", span,
                       suggestion=did_you_mean(level, CONFIDENCES) or "levels: " + ", ".join(CONFIDENCES))

    def check_constant(self, constant: ast.Constant) -> None:
        self.current = constant.name
        self.references.setdefault(constant.name, set())
        reported = len(self.diagnostics)
        self.expression(constant.value, _Scope())
        if len(self.diagnostics) == reported and not self.is_fixed(constant.value, frozenset({constant.name})):
            self.error("E310", f"constant '{constant.name}' must be a fixed value, but its value depends on the "
                               f"profile, the as-of date or a rule", constant.value.span,
                       suggestion=f"constants are numbers, quantities, levels, dates, texts, lists of them and sums "
                                  f"of quantities; declare a definition instead: define {constant.name} ... = ...")

    def check_costs(self, uses: Uses) -> bool:
        """Refuse what no walk can go through (E142) or what would be written out past a million parts (E141); warn
        from 20,000 parts (W405). Said once, where it starts: a declaration over a limit is named only when none of
        those it uses is over it. False when the rulebook is too deep to check further."""
        costs = uses.costs(MAX_EXPANSION)
        roots: list[tuple[str, ast.Node, ast.Expr, list[str]]] = [
            (f"definition '{name}'" if name in self.definitions else f"constant '{name}'",
             self.definitions.get(name) or self.constants[name], uses.bodies[name][0], uses.uses[name])
            for name in uses.order]
        for kind, ruled in (("category", self.categories), ("program", self.programs)):
            for name, rule in ruled.items():
                roots.append((f"{kind} '{name}'", rule, rule.condition, _uses_in(rule.condition, uses)))
        for score in self.scores.values():
            for section in score.sections:
                roots.append((f"section '{section.name}' of score '{score.name}'", section, section.value,
                              _uses_in(section.value, uses)))
        for pending in self.pending.values():
            roots.append((f"pending rule '{pending.name}'", pending, pending.reaches, _uses_in(pending.reaches, uses)))
        too_deep = False
        for what, declaration, body, used in roots:
            cost = costs.get(getattr(declaration, "name", "")) if isinstance(declaration, (ast.Define, ast.Constant)) \
                else cost_of(body, frozenset(), costs, MAX_EXPANSION)
            assert cost is not None
            inner = [costs[u] for u in used if u in costs]
            if cost.depth > MAX_EXPANDED_DEPTH and all(c.depth <= MAX_EXPANDED_DEPTH for c in inner):
                too_deep = True
                self.error("E142", f"{what}, written out with the definitions and constants it uses, is "
                                   f"{cost.depth:,} levels deep; the limit is {MAX_EXPANDED_DEPTH}", declaration.span,
                           suggestion="a chain of definitions each using the next is this deep: shorten it")
            self.check_size(what, declaration.span, cost, inner)
        return not too_deep

    def check_size(self, what: str, span: ast.Span, cost: Cost, inner: list[Cost]) -> None:
        written = f"{cost.size:,}" if cost.size <= MAX_EXPANSION else f"more than {MAX_EXPANSION:,}"
        if cost.size > MAX_EXPANSION and all(c.size <= MAX_EXPANSION for c in inner):
            self.error("E141", f"{what}, written out with the definitions and constants it uses, holds {written} "
                               f"parts; the limit is {MAX_EXPANSION:,}", span,
                       suggestion="a definition that uses another several times, over many levels, doubles at each: "
                                  "use each once, or name the shared part once as a definition without parameters")
        elif LARGE_EXPANSION < cost.size <= MAX_EXPANSION and all(c.size <= LARGE_EXPANSION for c in inner):
            self.warn("W405", f"{what}, written out with the definitions and constants it uses, holds {written} "
                              f"parts: its explanations will be long and slow to write", span,
                      suggestion="a definition used several times in one rule is written out each time")

    def check_description(self, declaration: ast.Constant | ast.Define) -> None:
        """Each `{name}` of a description names a constant, whose value the description then shows."""
        for match in PLACEHOLDER.finditer(declaration.description or ""):
            name = match.group(1)
            if name in self.constants:
                continue
            span = locate(self.texts, declaration.span, re.escape(match.group(0)))
            other = self.definitions.get(name) or self.tables.get(name) or self.value_tables.get(name)
            if other is not None or name in self.prelude.facts or name in RESERVED_NAMES:
                what = f"{_kind_of(other)} '{name}'" if other is not None else f"the fact '{name}'"
                self.error("E209", f"'{match.group(0)}' in a description names {what}; a description shows the "
                                   f"values of constants only", span,
                           suggestion="declare the value as a constant, and name the constant here")
                continue
            self.error("E209", f"'{match.group(0)}' in a description names no constant", span,
                       suggestion=did_you_mean(name, self.constants) or
                       "a name in braces shows the value of a constant: {minimum_continuous_experience}")

    def is_fixed(self, expr: ast.Expr, seen: frozenset[str]) -> bool:
        """Whether an expression is known before any profile is read: what a constant may be, and what the compiler
        folds into one value (so every backend reads the same value)."""
        if isinstance(expr, _LITERALS):
            return True
        if isinstance(expr, ast.Name):
            constant = self.constants.get(expr.name)
            if constant is None:
                return False
            return expr.name in seen or self.is_fixed(constant.value, seen | {expr.name})
        if isinstance(expr, ast.ListLiteral):
            return all(self.is_fixed(item, seen) for item in expr.items)
        if isinstance(expr, ast.Arithmetic):
            return self.types.get(id(expr.left)) != t.DATE and \
                self.is_fixed(expr.left, seen) and self.is_fixed(expr.right, seen)
        return False

    def fixed_duration(self, expr: ast.Expr, depth: int = 0) -> tuple[int, int] | None:
        """The months and days of a duration known before any profile is read (literals, constants and their sums)."""
        if depth > len(self.constants) + 1:
            return None  # a circle of constants, reported as such
        if isinstance(expr, ast.Quantity):
            return _duration_parts(expr)
        if isinstance(expr, ast.Name) and expr.name in self.constants:
            return self.fixed_duration(self.constants[expr.name].value, depth + 1)
        if isinstance(expr, ast.Arithmetic):
            left = self.fixed_duration(expr.left, depth + 1)
            right = self.fixed_duration(expr.right, depth + 1)
            if left is None or right is None:
                return None
            sign = 1 if expr.operator == "+" else -1
            return left[0] + sign * right[0], left[1] + sign * right[1]
        return None

    def check_definition(self, definition: ast.Define) -> None:
        self.current = definition.name
        self.references.setdefault(definition.name, set())
        scope = _Scope()
        for parameter in definition.parameters:
            parameter_type = self.prelude.parameter_type(parameter.type_name)
            if parameter_type is None:
                known = [*t.PARAMETER_TYPES, *self.prelude.types]
                self.error("E204", f"'{parameter.type_name}' is not a type", parameter.span,
                           suggestion=did_you_mean(parameter.type_name, known) or
                           "types: " + ", ".join(sorted(known)))
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
            return self.quantity(expr)
        if isinstance(expr, ast.Level):
            if not 1 <= expr.value <= 12:
                self.error("E305", f"{expr.scale.upper()} {expr.value} is not a language level; levels run from "
                                   f"1 to 12", expr.span)
            return t.LEVEL
        if isinstance(expr, ast.Text):
            return t.TEXT
        if isinstance(expr, ast.Decimal):
            return t.SCORE
        if isinstance(expr, ast.Lookup):
            return self.lookup(expr, scope)
        if isinstance(expr, ast.Selection):
            return self.selection(expr, scope)
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

    def quantity(self, expr: ast.Quantity) -> t.Type:
        kind = t.UNIT_TYPES[expr.unit]
        if isinstance(expr.amount, decimal.Decimal) and expr.unit != "hours":
            self.error("E309", f"{expr.unit} are counted in whole numbers: {expr.amount} {expr.unit} has no exact "
                               f"value", expr.span, suggestion=_whole_number_hint(expr))
            return kind
        parts = _duration_parts(expr)
        if parts is not None and not _within_bounds(parts):
            self.duration_too_long(expr.span, f"{expr.amount:,} {expr.unit}")
        return kind

    def duration_too_long(self, span: ast.Span, written: str) -> None:
        self.error("E308", f"the duration {written} is longer than a rule may reach: durations are at most "
                           f"{MAX_DURATION_YEARS} years ({MAX_MONTHS:,} months, {MAX_DAYS // 7:,} weeks or "
                           f"{MAX_DAYS:,} days), so that every date they move stays on the calendar (years 1 to 9999)",
                   span, suggestion="check for a typo or a wrong unit")

    def measures_clash(self, a: t.Type, b: t.Type, span: ast.Span, head: str) -> bool:
        """Report (E307) and return True when `a` and `b` are durations that cannot be compared exactly. Callers test
        `t.measures_clash` first, before making the message: describing two types at every comparison, argument and
        table cell took a fifth of checking a rulebook."""
        if not t.measures_clash(a, b):
            return False
        if t.MONTHS_AND_DAYS in (a, b):
            why = ("months have 28 to 31 days, so a duration in months and days has no one length to compare with "
                   "another")
            hint = ("months and days together may only be the length of a period (within 3 years + 1 day before "
                    "as_of) or move a date (as_of - (3 years + 1 day)); compare durations written in one measure")
        else:
            why = ("a month has 28 to 31 days, so whether a duration in months reaches a number of days depends on "
                   "which months, and the answer would be approximate")
            hint = "write both in months or years (6 months), or both in days or weeks (183 days)"
        self.error("E307", f"{head}: {why}", span, suggestion=hint)
        return True

    def unify(self, a: t.Type, b: t.Type, span: ast.Span, what: str) -> t.Type:
        if t.measures_clash(a, b) and self.measures_clash(
                a, b, span, f"{what} must be of one measure, but one is {t.describe(a)} and the other {t.describe(b)}"):
            return t.ANY
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
            return constant_type if constant_type is not None else t.ANY  # checked after those it uses, but in a circle
        if name in self.tables:
            self.note_reference(name)
            return t.OCCUPATIONS
        if name in self.value_tables:
            self.error("E207", f"'{name}' is a table; read a value with {name}[key].column", expr.span)
            return t.ANY
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
        self.error("E201", f"unknown name '{name}'", span, suggestion=self.suggest(name, known))

    def suggest(self, name: str, known: Iterable[str]) -> str | None:
        """A "did you mean", within a budget per check: a file of thousands of unknown names costs no more than a
        hundred searches."""
        if self.suggestions_left <= 0:
            return None
        self.suggestions_left -= 1
        return did_you_mean(name, known)

    def note_reference(self, name: str) -> None:
        if self.current is not None:
            self.references.setdefault(self.current, set()).add(name)

    def definition_type(self, definition: ast.Define) -> t.Type:
        """The type of a definition's body. Definitions are checked after those they use, so it is known, but in a
        circle (reported by `check_cycles`): there, anything."""
        return self.types.get(id(definition.body), t.ANY)

    def list_literal(self, expr: ast.ListLiteral, scope: _Scope) -> t.Type:
        element: t.Type = t.ANY
        for item in expr.items:
            element = self.unify(element, self.expression(item, scope), item.span, "the items of a list")
        return t.ListOf("list", element)

    def window(self, expr: ast.Window, scope: _Scope) -> t.Type:
        length = self.expression(expr.length, scope)
        anchor = self.expression(expr.anchor, scope)
        if length not in t.DURATIONS and length != t.ANY:
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
        if expr.function in EXTREMES and expr.function not in self.definitions:
            return self.extreme(expr, argument_types)
        if expr.function in self.definitions:
            definition = self.definitions[expr.function]
            self.note_reference(expr.function)
            expected = [(self.prelude.parameter_type(p.type_name) or t.ANY) for p in definition.parameters]
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
            if t.measures_clash(want, have) and self.measures_clash(
                    want, have, argument.span, f"argument {position} of '{expr.function}' must be "
                                               f"{t.describe(want)}, but this is {t.describe(have)}"):
                continue
            if not t.same_family(want, have):
                self.error("E301", f"argument {position} of '{expr.function}' must be {t.describe(want)}, but this "
                                   f"is {t.describe(have)}", argument.span)

    def compare(self, expr: ast.Compare, scope: _Scope) -> t.Type:
        left = self.expression(expr.left, scope)
        right = self.expression(expr.right, scope)
        if t.measures_clash(left, right) and self.measures_clash(
                left, right, expr.span, f"cannot compare {t.describe(left)} with {t.describe(right)}"):
            return t.BOOL
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
        if t.measures_clash(item, collection.element) and self.measures_clash(
                item, collection.element, expr.span, f"cannot look for {t.describe(item)} in {t.describe(collection)}"):
            return t.BOOL
        if not t.same_family(item, collection.element):
            self.error("E301", f"cannot look for {t.describe(item)} in {t.describe(collection)}", expr.span)
        self.check_choice_literal(item, expr.collection)
        return t.BOOL

    def arithmetic(self, expr: ast.Arithmetic, scope: _Scope) -> t.Type:
        left = self.expression(expr.left, scope)
        right = self.expression(expr.right, scope)
        if left == t.DATE and right in t.DURATIONS:
            return t.DATE  # a date moved by a duration: `result.date + 2 years`, months first, then days
        if left in t.DURATIONS and right in t.DURATIONS:
            self.bound_sum(expr)
            return left if left == right else t.MONTHS_AND_DAYS  # `3 years + 1 day`: a length, never compared
        if not t.same_family(left, right):
            self.error("E301", f"cannot combine {t.describe(left)} with {t.describe(right)}", expr.span,
                       suggestion=_unit_hint(left, right))
            return t.ANY
        if left not in t.ADDITIVE and left != t.ANY:
            self.error("E302", f"'{expr.operator}' needs counts or quantities, but this is {t.describe(left)}",
                       expr.span)
            return t.ANY
        return left

    def bound_sum(self, expr: ast.Arithmetic) -> None:
        """A sum of fixed durations is bounded like the durations it adds (each of them already is)."""
        parts = self.fixed_duration(expr)
        sides = (self.fixed_duration(expr.left), self.fixed_duration(expr.right))
        if parts is not None and not _within_bounds(parts) and all(p is not None and _within_bounds(p) for p in sides):
            self.duration_too_long(expr.span, f"{parts[0]:,} months and {parts[1]:,} days")

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
        body = self.expression(expr.body, inner)
        if expr.kind in AGGREGATES:
            if body not in t.ADDITIVE and body != t.ANY:
                self.error("E302", f"'{expr.kind}' adds up or compares counts or quantities, but this is "
                                   f"{t.describe(body)}", expr.body.span)
                return t.ANY
            return body
        self.expect_condition(body, expr.body, f"what '{expr.kind}' checks")
        return t.BOOL

    def selection(self, expr: ast.Selection, scope: _Scope) -> t.Type:
        domain = self.expression(expr.domain, scope)
        if domain == t.ANY:
            element: t.Type = t.ANY
        elif isinstance(domain, t.ListOf):
            element = domain.element
        else:
            self.error("E301", f"'each' goes over a list, but this is {t.describe(domain)}", expr.domain.span)
            return t.ANY
        self.expect_condition(self.expression(expr.where, scope.with_name(expr.variable, element)), expr.where,
                              "the filter after 'where'")
        return domain

    def extreme(self, expr: ast.Call, found: list[t.Type]) -> t.Type:
        """`min(a, b, ...)` and `max(a, b, ...)`: caps and floors over values of one ordered kind."""
        if len(found) < 2:
            self.error("E202", f"'{expr.function}' takes two or more values", expr.span)
            return t.ANY
        result: t.Type = t.ANY
        for argument, kind in zip(expr.arguments, found):
            result = self.unify(result, kind, argument.span, f"the values of '{expr.function}'")
        if result not in t.ORDERED and result != t.ANY:
            self.error("E302", f"'{expr.function}' needs quantities that have an order, but this is "
                               f"{t.describe(result)}", expr.span)
            return t.ANY
        return result

    def lookup(self, expr: ast.Lookup, scope: _Scope) -> t.Type:
        key_types = [self.expression(k, scope) for k in expr.keys]
        table = self.value_tables.get(expr.table)
        if table is None:
            if expr.table in self.tables:
                self.error("E207", f"'{expr.table}' is an occupation list, not a table", expr.span,
                           suggestion=f"write: code in {expr.table}")
            else:
                self.unknown(expr.table, expr.span, scope)
            return t.ANY
        self.note_reference(expr.table)
        if len(key_types) != len(table.key_columns):
            self.error("E208", f"table '{table.name}' has {len(table.key_columns)} key column(s) "
                               f"({', '.join(c.name for c in table.key_columns)}), but {len(key_types)} key(s) "
                               f"were given", expr.span)
            return t.ANY
        for column, kind, key in zip(table.key_columns, key_types, expr.keys):
            want = self.column_type(column)
            if t.measures_clash(want, kind) and self.measures_clash(
                    want, kind, key.span, f"the key '{column.name}' of table '{table.name}' is {t.describe(want)}, "
                                          f"but this is {t.describe(kind)}"):
                continue
            if not t.same_family(want, kind):
                self.error("E301", f"the key '{column.name}' of table '{table.name}' is {t.describe(want)}, but "
                                   f"this is {t.describe(kind)}", key.span, suggestion=_unit_hint(want, kind))
        names = [c.name for c in table.value_columns]
        column_name = expr.column
        if column_name is None:
            if len(names) == 1:
                return self.column_type(table.value_columns[0])
            self.error("E208", f"table '{table.name}' has several value columns; say which", expr.span,
                       suggestion=f"write: {table.name}[...].{names[0]}")
            return t.ANY
        for column in table.value_columns:
            if column.name == column_name:
                return self.column_type(column)
        self.error("E203", f"table '{table.name}' has no column '{column_name}'", expr.span,
                   suggestion=did_you_mean(column_name, names) or "its columns: " + ", ".join(names))
        return t.ANY

    def column_type(self, column: ast.Column) -> t.Type:
        return self.prelude.parameter_type(column.type_name) or t.ANY

    # tables and scores

    def check_value_table(self, table: ast.Table) -> None:
        for column in (*table.key_columns, *table.value_columns):
            if self.prelude.parameter_type(column.type_name) is None:
                self.error("E204", f"'{column.type_name}' is not a type", column.span,
                           suggestion=did_you_mean(column.type_name, t.PARAMETER_TYPES) or
                           "types: " + ", ".join(sorted(t.PARAMETER_TYPES)))
        width = len(table.key_columns) + len(table.value_columns)
        if not table.rows:
            self.error("E115", f"table '{table.name}' has no rows", table.span)
        for row in table.rows:
            if len(row.keys) + len(row.values) != width:
                self.error("E114", f"a row of '{table.name}' has {len(row.keys) + len(row.values)} cells; the "
                                   f"table has {width} columns", row.span)
                continue
            for column, cell in zip(table.key_columns, row.keys):
                self.check_cell(column, cell, ranges=True)
            for column, cell in zip(table.value_columns, row.values):
                self.check_cell(column, cell, ranges=False)

    def check_cell(self, column: ast.Column, cell: ast.Cell, ranges: bool) -> None:
        want = self.column_type(column)
        if cell.kind != "exact" and not ranges:
            self.error("E116", f"the value column '{column.name}' holds single values, not ranges", cell.span)
            return
        if cell.kind != "exact" and want not in t.ORDERED and want != t.ANY:
            self.error("E116", f"'{column.name}' is {t.describe(want)}, which has no ranges", cell.span)
            return
        for value in (cell.low, cell.high):
            if value is None:
                continue
            found = self.expression(value, _Scope())
            if found == t.INT and want in (t.POINTS, t.HOURS, t.SCORE):
                continue  # a bare number in a column whose unit the header gives
            if t.measures_clash(want, found) and self.measures_clash(
                    want, found, value.span, f"column '{column.name}' holds {t.describe(want)}, but this is "
                                             f"{t.describe(found)}"):
                continue
            if not t.same_family(want, found):
                self.error("E301", f"column '{column.name}' holds {t.describe(want)}, but this is "
                                   f"{t.describe(found)}", value.span, suggestion=_unit_hint(want, found))
            self.check_choice_literal(want, value)
        if cell.kind == "range" and cell.low is not None and cell.high is not None:
            low, high = _literal_number(cell.low), _literal_number(cell.high)
            if low is not None and high is not None and high < low:
                self.error("E117", "a range must run from the lower value to the higher", cell.span)

    def check_score(self, score: ast.Score) -> None:
        if score.in_force_until is not None and score.in_force_until < score.in_force_from:
            self.error("E132", f"the in-force period ends ({score.in_force_until}) before it starts "
                               f"({score.in_force_from})", score.span)
        seen: set[str] = set()
        for section in score.sections:
            if section.name in seen:
                self.error("E101", f"section '{section.name}' is declared twice in score '{score.name}'",
                           section.span)
            seen.add(section.name)
            self.current = None
            found = self.expression(section.value, _Scope())
            if found not in (t.POINTS, t.ANY):
                self.error("E301", f"a section of a score must be points, but this is {t.describe(found)}",
                           section.value.span)

    def check_pending(self, pending: ast.Pending) -> None:
        """A pending rule names whom it could reach with a condition, and some score is in force on its date: the
        score it leaves incomplete."""
        self.current = None
        found = self.expression(pending.reaches, _Scope())
        self.expect_condition(found, pending.reaches, f"whom pending rule '{pending.name}' reaches")
        if self.scores and not any(s.in_force_from <= pending.in_force_from and
                                   (s.in_force_until is None or pending.in_force_from <= s.in_force_until)
                                   for s in self.scores.values()):
            self.error("E155", f"pending rule '{pending.name}' is in force from {pending.in_force_from}, when no "
                               f"score is in force", pending.span,
                       suggestion="a pending rule leaves a score incomplete: declare the score in force on its date")

    # pass 4: cycles
    # pass 4: rounds of invitations

    def check_round(self, round_: ast.Round, header: ast.RulebookHeader | None) -> None:
        """A round names a grouping that exists, sane numbers, and, for a category round, a date when the category
        was in force (or the instructions it was held under)."""
        if round_.grouping == "category" and round_.target not in self.categories:
            self.error("E150", f"round {round_.name} draws from category '{round_.target}', which this rulebook does "
                               f"not declare", round_.span,
                       suggestion=did_you_mean(str(round_.target), self.categories) or
                       "categories: " + ", ".join(self.categories))
        if round_.grouping == "program" and round_.target not in self.prelude.round_programs:
            self.error("E151", f"round {round_.name} draws from program '{round_.target}', which is not a program",
                       round_.span, suggestion=did_you_mean(str(round_.target), self.prelude.round_programs) or
                       "programs: " + ", ".join(self.prelude.round_programs))
        if round_.invitations < 1:
            self.error("E152", f"round {round_.name} issues {round_.invitations} invitations; a round issues at "
                               f"least one", round_.span)
        scores = self.prelude.round_scores
        if round_.lowest_crs is not None and scores is not None and not scores[0] <= round_.lowest_crs <= scores[1]:
            self.error("E153", f"round {round_.name} gives a lowest score of {round_.lowest_crs}; {scores[2]} run "
                               f"from {scores[0]} to {scores[1]}", round_.span)
        held_day = round_.held.date() if isinstance(round_.held, datetime) else round_.held
        if round_.tie_break is not None and round_.tie_break.date() > held_day:
            self.error("E154", f"round {round_.name}'s tie-break ({round_.tie_break:%Y-%m-%dT%H:%M:%SZ}) is after "
                               f"the round was held ({held_day})", round_.span,
                       suggestion="the tie-break is the submission time of the last profile invited")
        if header is None or round_.grouping != "category" or round_.instructions is not None:
            return
        if not header.in_force_from <= held_day <= header.in_force_until:
            self.warn("W150", f"round {round_.name} is a '{round_.target}' round held on {held_day}, outside this "
                              f"rulebook's in-force period ({header.in_force_from} to {header.in_force_until})",
                      round_.span, suggestion='name the category instructions it was held under: '
                                              'instructions "2024-1"')

    # pass 5: cycles

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


def _uses_in(expr: ast.Expr, uses: Uses) -> list[str]:
    return sorted({name for name in references(expr, frozenset()) if name in uses.bodies})


EXTREMES = frozenset({"min", "max"})
_LITERALS = (ast.Integer, ast.Quantity, ast.Level, ast.Decimal, ast.Text, ast.DateLiteral, ast.DateTimeLiteral,
             ast.Boolean)
_MONTHS_PER_UNIT = {"years": 12, "months": 1}
_DAYS_PER_UNIT = {"weeks": 7, "days": 1}


def _duration_parts(expr: ast.Quantity) -> tuple[int, int] | None:
    """A whole duration as (months, days); None for other quantities."""
    if isinstance(expr.amount, decimal.Decimal):
        return None
    if expr.unit in _MONTHS_PER_UNIT:
        return expr.amount * _MONTHS_PER_UNIT[expr.unit], 0
    if expr.unit in _DAYS_PER_UNIT:
        return 0, expr.amount * _DAYS_PER_UNIT[expr.unit]
    return None


def _within_bounds(parts: tuple[int, int]) -> bool:
    return abs(parts[0]) <= MAX_MONTHS and abs(parts[1]) <= MAX_DAYS


def _whole_number_hint(expr: ast.Quantity) -> str:
    """`1.5 years` is 18 months; `1.5 weeks` is 10.5 days, which no whole unit says."""
    amount = decimal.Decimal(expr.amount)
    smaller = {"years": (12, "months"), "weeks": (7, "days")}.get(expr.unit)
    if smaller is not None and (amount * smaller[0]) == (amount * smaller[0]).to_integral_value():
        return f"write {int(amount * smaller[0])} {smaller[1]}"
    if expr.unit == "points":
        return "points are whole: write the number of points without a fraction"
    return f"write a whole number of {expr.unit}, or use a smaller unit"
AGGREGATES = frozenset({"total", "highest"})


def _literal_number(expr: ast.Expr) -> float | None:
    if isinstance(expr, (ast.Integer, ast.Level)):
        return expr.value
    if isinstance(expr, ast.Quantity):
        return float(expr.amount)
    if isinstance(expr, ast.Decimal):
        return float(expr.text)
    return None


def _kind_of(declaration: ast.Declaration) -> str:
    return {
        ast.Table: "table",
        ast.Program: "program",
        ast.Score: "score",
        ast.Source: "source",
        ast.OccupationTable: "occupation list",
        ast.Define: "definition",
        ast.Category: "category",
        ast.Constant: "constant",
        ast.RulebookHeader: "rulebook",
        ast.Round: "round",
        ast.Pending: "pending rule",
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
