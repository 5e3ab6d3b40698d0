"""Rule text to AST through Lark (LALR): the parse tree is turned at once into frozen dataclasses, so no later stage
sees Lark.

Imported only when a file is not in the parse cache (`dsl.ast_cache`): a command whose rule files are all cached
never loads Lark or builds its parser.
"""

from __future__ import annotations

import decimal
import functools
import re
from datetime import UTC, date, datetime
from importlib.resources import files

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.tree import Meta

from dsl import ast
from dsl.diagnostics import Diagnostic, RuleErrors
from dsl.syntax_errors import describe_syntax_error

MAX_NESTING = 100
MAX_DIGITS = 9  # no count, duration, level or score in a rulebook comes near a billion

UNIT_PLURALS = {
    "month": "months",
    "year": "years",
    "week": "weeks",
    "day": "days",
    "hour": "hours",
    "point": "points",
}


@functools.cache
def _lark() -> Lark:
    grammar = files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=True)


def parse_text(text: str, path: str) -> ast.Module:
    """Parse one file with Lark. Raises `RuleErrors` with located diagnostics when the text is not valid."""
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise RuleErrors([_syntax_diagnostic(error, text, path)], {path: text}) from None
    depth, deepest = _depth(tree)
    if depth > MAX_NESTING:
        span = _span(path, deepest.meta)
        raise RuleErrors([Diagnostic("E004", f"the rules are nested {depth} levels deep; the limit is {MAX_NESTING}",
                                     span, suggestion="split the condition into named definitions")], {path: text})
    too_long = [_number_too_large(token, path) for token in tree.scan_values(_is_number) if _digits(token) > MAX_DIGITS]
    if too_long:
        raise RuleErrors(too_long, {path: text})
    builder = _ToAst(path)
    module = builder.build(tree)
    if builder.diagnostics:
        raise RuleErrors(builder.diagnostics, {path: text})
    assert isinstance(module, ast.Module)
    return module


def _is_number(value: object) -> bool:
    return isinstance(value, Token) and value.type in ("INT", "DECIMAL")


def _digits(token: Token) -> int:
    """Significant digits before the point, or after it: either side past the limit is too long."""
    whole, _, fraction = str(token).partition(".")
    return max(len(whole.lstrip("0")), len(fraction))


def _number_too_large(token: Token, path: str) -> Diagnostic:
    shown = str(token) if len(token) <= 20 else f"{str(token)[:12]}... ({len(token)} digits)"
    whole = str(token).partition(".")[0]
    if len(whole.lstrip("0")) <= MAX_DIGITS:
        return Diagnostic("E007", f"the number {shown} has too many digits after the point; numbers in rules have at "
                                  f"most {MAX_DIGITS}", _token_span(path, token),
                          suggestion="check for a typo, or a missing unit or separator")
    return Diagnostic("E007", f"the number {shown} is too large; numbers in rules have at most {MAX_DIGITS} digits",
                      _token_span(path, token), suggestion="check for a typo, or a missing unit or separator")


def _depth(tree: Tree[Token]) -> tuple[int, Tree[Token]]:
    """How deep the tree goes, and the first node at the limit (where a diagnostic points)."""
    deepest = 0
    at = tree
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
        if level == MAX_NESTING + 1:
            at = node
        stack.extend((c, level + 1) for c in node.children if isinstance(c, Tree))
    return deepest, at


def _syntax_diagnostic(error: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    if not isinstance(line, int) or line < 1:
        line, column = _end_position(text)
    assert isinstance(column, int)
    width = 1
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedToken) and isinstance(token, Token) and token.type != "$END":
        width = max(1, len(str(token).splitlines()[0]) if str(token) else 1)
    span = ast.Span(path, line, column, line, column + width)
    if isinstance(error, UnexpectedEOF) or (isinstance(token, Token) and token.type == "$END"):
        line, column = _end_position(text)
        span = ast.Span(path, line, column, line, column + 1)
    problem = describe_syntax_error(error, text, _lark())
    code = problem.code or ("E001" if isinstance(error, UnexpectedCharacters) else "E002")
    if problem.at is not None:
        span = _offsets_span(path, text, *problem.at)
    return Diagnostic(code, problem.message, span, suggestion=problem.suggestion)


def _offsets_span(path: str, text: str, start: int, end: int) -> ast.Span:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return ast.Span(path, line, column, line, column + max(1, end - start))


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1


def _span(path: str, meta: Meta) -> ast.Span:
    if getattr(meta, "empty", True):
        return ast.Span(path, 1, 1, 1, 1)
    return ast.Span(path, meta.line, meta.column, meta.end_line, meta.end_column)


def _token_span(path: str, token: Token) -> ast.Span:
    line = token.line or 1
    column = token.column or 1
    end_line = token.end_line or line
    end_column = token.end_column or column + len(token)
    return ast.Span(path, line, column, end_line, end_column)


_ESCAPE = re.compile(r"\\(.)")


def _amount(token: Token) -> int | decimal.Decimal:
    """A quantity's number: whole as an `int`, with a fractional part as the `Decimal` written."""
    return decimal.Decimal(str(token)) if token.type == "DECIMAL" else int(str(token))


def _string_value(token: Token) -> str:
    """The text of a quoted string: escapes resolved, and line breaks and runs of spaces folded into one space."""
    inner = _ESCAPE.sub(r"\1", str(token)[1:-1])
    return " ".join(inner.split())


class _ToAst:
    """Lark parse tree -> AST, bottom up. Each `rule_*` method is named after the grammar rule it builds."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def build(self, tree: Tree[Token]) -> object:
        children = [self.build(c) if isinstance(c, Tree) else c for c in tree.children]
        method = getattr(self, f"rule_{tree.data}")
        return method(children, tree.meta)

    # helpers

    def _span(self, meta: Meta) -> ast.Span:
        return _span(self.path, meta)

    def _date(self, token: Token) -> date:
        try:
            return date.fromisoformat(str(token))
        except ValueError:
            self.diagnostics.append(
                Diagnostic("E003", f"'{token}' is not a date on the calendar", _token_span(self.path, token),
                           suggestion="write dates as YYYY-MM-DD, for example 2025-02-27")
            )
            return date(1, 1, 1)

    def _datetime(self, token: Token) -> datetime:
        try:
            return datetime.strptime(str(token), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            self.diagnostics.append(Diagnostic("E003", f"'{token}' is not a date and time on the calendar",
                                               _token_span(self.path, token),
                                               suggestion="write date-times as YYYY-MM-DDTHH:MM:SSZ (UTC)"))
            return datetime(1, 1, 1, tzinfo=UTC)

    def _cites(self, item: object) -> tuple[ast.Citation, ...]:
        return item if isinstance(item, tuple) else ()

    # declarations

    def rule_start(self, children: list[object], meta: Meta) -> ast.Module:
        declarations = tuple(c for c in children if isinstance(c, ast.Declaration))
        return ast.Module(self.path, declarations, span=self._span(meta))

    def rule_rulebook_decl(self, children: list[object], meta: Meta) -> ast.RulebookHeader:
        year, title, period, cites = children
        assert isinstance(year, Token) and isinstance(title, Token) and isinstance(period, tuple)
        start, until, end_known = period
        return ast.RulebookHeader(str(year), _string_value(title), start, until, self._cites(cites), end_known,
                                  span=self._span(meta))

    def rule_in_force(self, children: list[object], meta: Meta) -> tuple[date, date, bool]:
        start, until, later = children
        assert isinstance(start, Token) and isinstance(until, Token)
        return self._date(start), self._date(until), later is None

    def rule_import_decl(self, children: list[object], meta: Meta) -> ast.Import:
        (path,) = children
        assert isinstance(path, Token)
        return ast.Import(_string_value(path), span=self._span(meta))

    def rule_source_decl(self, children: list[object], meta: Meta) -> ast.Source:
        name, title, url, standing = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(url, Token)
        if not isinstance(standing, tuple):
            return ast.Source(str(name), _string_value(title), _string_value(url), span=self._span(meta))
        word, level = standing
        return ast.Source(str(name), _string_value(title), _string_value(url), str(word),
                          str(level) if level is not None else None, _token_span(self.path, word),
                          _token_span(self.path, level) if level is not None else None, span=self._span(meta))

    def rule_source_standing(self, children: list[object], meta: Meta) -> tuple[Token, Token | None]:
        word, level = children
        assert isinstance(word, Token) and (level is None or isinstance(level, Token))
        return word, level

    def rule_pending_decl(self, children: list[object], meta: Meta) -> ast.Pending:
        name, title, cites, start, reaches = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(start, Token)
        assert isinstance(reaches, ast.Expr)
        return ast.Pending(str(name), _string_value(title), self._cites(cites), self._date(start), reaches,
                           span=self._span(meta))

    def rule_cite_clause(self, children: list[object], meta: Meta) -> tuple[ast.Citation, ...]:
        return tuple(ast.Citation(str(t), span=_token_span(self.path, t)) for t in children if isinstance(t, Token))

    def rule_constant_decl(self, children: list[object], meta: Meta) -> ast.Constant:
        name, description, cites, value = children
        assert isinstance(name, Token) and isinstance(value, ast.Expr)
        text = _string_value(description) if isinstance(description, Token) else None
        return ast.Constant(str(name), text, self._cites(cites), value, span=self._span(meta))

    def rule_occupations_decl(self, children: list[object], meta: Meta) -> ast.OccupationTable:
        name, title, cites, *rows = children
        assert isinstance(name, Token) and isinstance(title, Token)
        table_rows = tuple(r for r in rows if isinstance(r, ast.OccupationRow))
        return ast.OccupationTable(str(name), _string_value(title), self._cites(cites), table_rows,
                                   span=self._span(meta))

    def rule_occupation_row(self, children: list[object], meta: Meta) -> ast.OccupationRow:
        code, title, teer = children
        assert isinstance(code, Token) and isinstance(title, Token) and isinstance(teer, Token)
        return ast.OccupationRow(str(code), _string_value(title), int(teer), span=self._span(meta))

    def rule_define_decl(self, children: list[object], meta: Meta) -> ast.Define:
        name, parameters, description, cites, body = children
        assert isinstance(name, Token) and isinstance(body, ast.Expr)
        params = parameters if isinstance(parameters, tuple) else ()
        text = _string_value(description) if isinstance(description, Token) else None
        return ast.Define(str(name), params, text, self._cites(cites), body, span=self._span(meta))

    def rule_parameters(self, children: list[object], meta: Meta) -> tuple[ast.Parameter, ...]:
        return tuple(c for c in children if isinstance(c, ast.Parameter))

    def rule_parameter(self, children: list[object], meta: Meta) -> ast.Parameter:
        name, type_name = children
        assert isinstance(name, Token) and isinstance(type_name, Token)
        return ast.Parameter(str(name), str(type_name), span=self._span(meta))

    def rule_category_decl(self, children: list[object], meta: Meta) -> ast.Category:
        name, title, cites, level, condition = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(condition, ast.Expr)
        if not isinstance(level, Token):
            return ast.Category(str(name), _string_value(title), self._cites(cites), condition, span=self._span(meta))
        return ast.Category(str(name), _string_value(title), self._cites(cites), condition, str(level),
                            _token_span(self.path, level), span=self._span(meta))

    def rule_confidence_clause(self, children: list[object], meta: Meta) -> Token:
        (level,) = children
        assert isinstance(level, Token)
        return level

    def rule_round_decl(self, children: list[object], meta: Meta) -> ast.Round:
        number, title, cites, held, grouping, instructions, invitations, outcome = children
        assert isinstance(number, Token) and isinstance(title, Token) and isinstance(grouping, tuple)
        assert isinstance(held, (date, datetime)) and isinstance(invitations, int)
        lowest, tie_break = outcome if isinstance(outcome, tuple) else (None, None)
        return ast.Round(str(number), _string_value(title), self._cites(cites), held, grouping[0], grouping[1],
                         instructions if isinstance(instructions, str) else None, invitations, lowest, tie_break,
                         span=self._span(meta))

    def rule_round_held(self, children: list[object], meta: Meta) -> date | datetime:
        (token,) = children
        assert isinstance(token, Token)
        return self._datetime(token) if token.type == "DATETIME" else self._date(token)

    def rule_grouping_all(self, children: list[object], meta: Meta) -> tuple[str, str | None]:
        return "all", None

    def rule_grouping_program(self, children: list[object], meta: Meta) -> tuple[str, str | None]:
        (name,) = children
        return "program", str(name)

    def rule_grouping_category(self, children: list[object], meta: Meta) -> tuple[str, str | None]:
        (name,) = children
        return "category", str(name)

    def rule_round_instructions(self, children: list[object], meta: Meta) -> str:
        (label,) = children
        assert isinstance(label, Token)
        return _string_value(label)

    def rule_round_invitations(self, children: list[object], meta: Meta) -> int:
        (count,) = children
        return int(str(count))

    def rule_round_outcome(self, children: list[object], meta: Meta) -> tuple[int, datetime]:
        lowest, tie_break = children
        assert isinstance(tie_break, Token)
        return int(str(lowest)), self._datetime(tie_break)

    # expressions

    def rule_name(self, children: list[object], meta: Meta) -> ast.Name:
        (token,) = children
        return ast.Name(str(token), span=self._span(meta))

    def rule_integer(self, children: list[object], meta: Meta) -> ast.Integer:
        (token,) = children
        return ast.Integer(int(str(token)), span=self._span(meta))

    def rule_quantity(self, children: list[object], meta: Meta) -> ast.Quantity:
        amount, unit = children
        assert isinstance(amount, Token)
        text = str(unit)
        return ast.Quantity(_amount(amount), UNIT_PLURALS.get(text, text), span=self._span(meta))

    def rule_level(self, children: list[object], meta: Meta) -> ast.Level:
        scale, value = children
        return ast.Level(str(scale), int(str(value)), span=self._span(meta))

    def rule_text(self, children: list[object], meta: Meta) -> ast.Text:
        (token,) = children
        assert isinstance(token, Token)
        return ast.Text(_string_value(token), span=self._span(meta))

    def rule_date(self, children: list[object], meta: Meta) -> ast.DateLiteral:
        (token,) = children
        assert isinstance(token, Token)
        return ast.DateLiteral(self._date(token), span=self._span(meta))

    def rule_datetime(self, children: list[object], meta: Meta) -> ast.DateTimeLiteral:
        (token,) = children
        assert isinstance(token, Token)
        return ast.DateTimeLiteral(self._datetime(token), span=self._span(meta))

    def rule_boolean(self, children: list[object], meta: Meta) -> ast.Boolean:
        (token,) = children
        return ast.Boolean(str(token) == "true", span=self._span(meta))

    def rule_list_literal(self, children: list[object], meta: Meta) -> ast.ListLiteral:
        return ast.ListLiteral(tuple(c for c in children if isinstance(c, ast.Expr)), span=self._span(meta))

    def rule_window(self, children: list[object], meta: Meta) -> ast.Window:
        length, anchor = children
        assert isinstance(length, ast.Expr) and isinstance(anchor, ast.Expr)
        return ast.Window(length, anchor, span=self._span(meta))

    def rule_field(self, children: list[object], meta: Meta) -> ast.Expr:
        subject, name = children
        assert isinstance(subject, ast.Expr)
        if isinstance(subject, ast.Lookup) and subject.column is None:
            return ast.Lookup(subject.table, subject.keys, str(name), span=self._span(meta))
        return ast.Field(subject, str(name), span=self._span(meta))

    def rule_call(self, children: list[object], meta: Meta) -> ast.Call:
        function, *arguments = children
        args = tuple(a for a in arguments if isinstance(a, ast.Expr))
        return ast.Call(str(function), args, span=self._span(meta))

    def rule_compare(self, children: list[object], meta: Meta) -> ast.Compare:
        left, operator, right = children
        assert isinstance(left, ast.Expr) and isinstance(right, ast.Expr)
        return ast.Compare(str(operator), left, right, span=self._span(meta))

    def rule_member_of(self, children: list[object], meta: Meta) -> ast.Membership:
        item, collection = children
        assert isinstance(item, ast.Expr) and isinstance(collection, ast.Expr)
        return ast.Membership(item, collection, negated=False, span=self._span(meta))

    def rule_not_member_of(self, children: list[object], meta: Meta) -> ast.Membership:
        item, collection = children
        assert isinstance(item, ast.Expr) and isinstance(collection, ast.Expr)
        return ast.Membership(item, collection, negated=True, span=self._span(meta))

    def rule_arithmetic(self, children: list[object], meta: Meta) -> ast.Arithmetic:
        left, operator, right = children
        assert isinstance(left, ast.Expr) and isinstance(right, ast.Expr)
        return ast.Arithmetic(str(operator), left, right, span=self._span(meta))

    def rule_all_of(self, children: list[object], meta: Meta) -> ast.AllOf:
        return ast.AllOf(tuple(c for c in children if isinstance(c, ast.Expr)), span=self._span(meta))

    def rule_any_of(self, children: list[object], meta: Meta) -> ast.AnyOf:
        return ast.AnyOf(tuple(c for c in children if isinstance(c, ast.Expr)), span=self._span(meta))

    def rule_negation(self, children: list[object], meta: Meta) -> ast.Not:
        (operand,) = children
        assert isinstance(operand, ast.Expr)
        return ast.Not(operand, span=self._span(meta))

    def rule_quantifier(self, children: list[object], meta: Meta) -> ast.Quantifier:
        kind, variable, domain, where, body = children
        assert isinstance(domain, ast.Expr) and isinstance(body, ast.Expr)
        condition = where if isinstance(where, ast.Expr) else None
        return ast.Quantifier(str(kind), str(variable), domain, condition, body, span=self._span(meta))

    def rule_where_clause(self, children: list[object], meta: Meta) -> ast.Expr:
        (condition,) = children
        assert isinstance(condition, ast.Expr)
        return condition

    def rule_otherwise(self, children: list[object], meta: Meta) -> ast.Otherwise:
        first, fallback = children
        assert isinstance(first, ast.Expr) and isinstance(fallback, ast.Expr)
        return ast.Otherwise(first, fallback, span=self._span(meta))

    def rule_conditional(self, children: list[object], meta: Meta) -> ast.Conditional:
        condition, then, otherwise = children
        assert isinstance(condition, ast.Expr) and isinstance(then, ast.Expr) and isinstance(otherwise, ast.Expr)
        return ast.Conditional(condition, then, otherwise, span=self._span(meta))

    def rule_decimal(self, children: list[object], meta: Meta) -> ast.Decimal:
        (token,) = children
        return ast.Decimal(str(token), span=self._span(meta))

    def rule_lookup(self, children: list[object], meta: Meta) -> ast.Lookup:
        table, *keys = children
        return ast.Lookup(str(table), tuple(k for k in keys if isinstance(k, ast.Expr)), None, span=self._span(meta))

    def rule_selection(self, children: list[object], meta: Meta) -> ast.Selection:
        variable, domain, where = children
        assert isinstance(domain, ast.Expr) and isinstance(where, ast.Expr)
        return ast.Selection(str(variable), domain, where, span=self._span(meta))

    # tables, programs, scores

    def rule_table_decl(self, children: list[object], meta: Meta) -> ast.Table:
        name, title, cites, keys, values, *rows = children
        assert isinstance(name, Token) and isinstance(title, Token)
        assert isinstance(keys, tuple) and isinstance(values, tuple)
        width = len(keys)
        table_rows = []
        for row in rows:
            assert isinstance(row, tuple)
            cells, span = row
            all_cells = tuple(c for c in cells if isinstance(c, ast.Cell))
            table_rows.append(ast.TableRow(all_cells[:width], all_cells[width:], span=span))
        return ast.Table(str(name), _string_value(title), self._cites(cites), keys, values, tuple(table_rows),
                         span=self._span(meta))

    def rule_key_columns(self, children: list[object], meta: Meta) -> tuple[ast.Column, ...]:
        return tuple(c for c in children if isinstance(c, ast.Column))

    def rule_value_columns(self, children: list[object], meta: Meta) -> tuple[ast.Column, ...]:
        return tuple(c for c in children if isinstance(c, ast.Column))

    def rule_column(self, children: list[object], meta: Meta) -> ast.Column:
        name, type_name = children
        return ast.Column(str(name), str(type_name), span=self._span(meta))

    def rule_table_row(self, children: list[object], meta: Meta) -> tuple[tuple[object, ...], ast.Span]:
        return tuple(children), self._span(meta)

    def rule_cell_value(self, children: list[object], meta: Meta) -> ast.Expr:
        span = self._span(meta)
        first = children[0]
        assert isinstance(first, Token)
        if first.type in ("INT", "DECIMAL"):
            unit = children[1] if len(children) > 1 else None
            if isinstance(unit, Token):
                return ast.Quantity(_amount(first), UNIT_PLURALS.get(str(unit), str(unit)), span=span)
            if first.type == "DECIMAL":
                return ast.Decimal(str(first), span=span)
            return ast.Integer(int(str(first)), span=span)
        if first.type == "LEVEL_SCALE":
            return ast.Level(str(first), int(str(children[1])), span=span)
        if first.type == "STRING":
            return ast.Text(_string_value(first), span=span)
        if first.type == "BOOLEAN":
            return ast.Boolean(str(first) == "true", span=span)
        return ast.DateLiteral(self._date(first), span=span)

    def rule_cell_exact(self, children: list[object], meta: Meta) -> ast.Cell:
        (value,) = children
        assert isinstance(value, ast.Expr)
        return ast.Cell("exact", value, None, span=self._span(meta))

    def rule_cell_range(self, children: list[object], meta: Meta) -> ast.Cell:
        low, high = children
        assert isinstance(low, ast.Expr) and isinstance(high, ast.Expr)
        return ast.Cell("range", low, high, span=self._span(meta))

    def rule_cell_at_most(self, children: list[object], meta: Meta) -> ast.Cell:
        (value,) = children
        assert isinstance(value, ast.Expr)
        return ast.Cell("at_most", None, value, span=self._span(meta))

    def rule_cell_at_least(self, children: list[object], meta: Meta) -> ast.Cell:
        (value,) = children
        assert isinstance(value, ast.Expr)
        return ast.Cell("at_least", value, None, span=self._span(meta))

    def rule_cell_below(self, children: list[object], meta: Meta) -> ast.Cell:
        (value,) = children
        assert isinstance(value, ast.Expr)
        return ast.Cell("below", None, value, span=self._span(meta))

    def rule_program_decl(self, children: list[object], meta: Meta) -> ast.Program:
        name, title, cites, condition = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(condition, ast.Expr)
        return ast.Program(str(name), _string_value(title), self._cites(cites), condition, span=self._span(meta))

    def rule_score_decl(self, children: list[object], meta: Meta) -> ast.Score:
        name, title, cites, start, until, *sections = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(start, Token)
        end = self._date(until) if isinstance(until, Token) else None
        return ast.Score(str(name), _string_value(title), self._cites(cites), self._date(start), end,
                         tuple(s for s in sections if isinstance(s, ast.ScoreSection)), span=self._span(meta))

    def rule_score_section(self, children: list[object], meta: Meta) -> ast.ScoreSection:
        name, title, value = children
        assert isinstance(name, Token) and isinstance(title, Token) and isinstance(value, ast.Expr)
        return ast.ScoreSection(str(name), _string_value(title), value, span=self._span(meta))
