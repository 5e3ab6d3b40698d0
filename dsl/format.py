"""The formatter: one canonical layout for rule files, comments kept.

The layout is computed from the AST alone, so two files that mean the same thing format the same way and formatting
is idempotent. The grammar drops comments, so they are recovered from the source text by position and woven back in:
a comment on its own line goes before the first output line that holds something written after it in the source; a
comment after code goes at the end of the output line that holds the code before it.

Expressions are written on one line when they fit in `WIDTH` columns, else broken at their loosest operator (`or`,
then `and`), with operators leading the continuation lines. Parentheses are written only where the grammar needs
them, plus around a quantifier, `otherwise` or `if` that is not last in its expression: their bodies run to the end of
the expression, so anything written after them would be read as part of them.

A declaration kind the formatter does not know yet raises a diagnostic (E090), never a wrong layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from dsl import ast
from dsl.diagnostics import Diagnostic, RuleErrors
from dsl.parser import parse

WIDTH = 120
INDENT = "  "

Position = tuple[int, int]

# Strings first, so that a '#' inside a string is not taken for a comment.
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*')
_IN_FORCE = re.compile(r"\bin\s+force\b")

# How tightly each kind of expression binds, after the grammar: expr < or < and < not < comparison < sum < postfix.
_LOOSEST, _OR, _AND, _NOT, _COMPARISON, _SUM, _POSTFIX, _ATOM = range(8)


def format_source(text: str, path: str) -> str:
    """The canonical form of one rule file. Raises `RuleErrors` when the text does not parse."""
    module = parse(text, path)
    return _Formatter(path, text, module).render()


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    column: int
    text: str
    trailing: bool
    blank_before: bool

    @property
    def position(self) -> Position:
        return (self.line, self.column)


def scan_comments(text: str) -> list[Comment]:
    """Every `#` comment of a text that parsed, with its place and whether code precedes it on its line."""
    comments = []
    lines = text.split("\n")
    for match in _STRING_OR_COMMENT.finditer(text):
        if not match.group().startswith("#"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        line_start = text.rfind("\n", 0, match.start()) + 1
        trailing = bool(text[line_start:match.start()].strip())
        blank_before = line > 1 and not lines[line - 2].strip()
        comments.append(Comment(line, match.start() - line_start + 1, match.group().rstrip(), trailing, blank_before))
    return comments


@dataclass
class _Line:
    """One output line: its text (with indentation) and the source positions of the nodes written on it."""

    text: str
    leaves: list[Position] = field(default_factory=list)

    @property
    def indent(self) -> str:
        return self.text[: len(self.text) - len(self.text.lstrip())]


def _start(node: ast.Node) -> Position:
    return (node.span.line, node.span.column)


def _end(node: ast.Node) -> Position:
    return (node.span.end_line, node.span.end_column)


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrap_string(value: str, first_column: int, continuation: str) -> list[str]:
    """A string literal broken at spaces to fit `WIDTH`; the parser folds the line breaks back into single spaces."""
    words = quote(value).split(" ")
    lines: list[str] = []
    current = words[0]
    column = first_column
    for word in words[1:]:
        if column + len(current) + 1 + len(word) > WIDTH:
            lines.append(current)
            current = continuation + word
            column = 0
        else:
            current += " " + word
    lines.append(current)
    return lines


def _unknown(node: ast.Node, what: str) -> RuleErrors:
    return RuleErrors([Diagnostic("E090", f"the formatter does not know how to lay out {what} "
                                          f"'{type(node).__name__}' yet", node.span,
                                  suggestion="teach dsl/format.py this kind of node")], {})


# Expressions ---------------------------------------------------------------------------------------------------------


def _precedence(expr: ast.Expr) -> int:
    if isinstance(expr, (ast.Otherwise, ast.Conditional)):
        return _LOOSEST
    if isinstance(expr, ast.AnyOf):
        return _OR
    if isinstance(expr, ast.AllOf):
        return _AND
    if isinstance(expr, (ast.Not, ast.Quantifier, ast.Selection)):
        return _NOT
    if isinstance(expr, (ast.Compare, ast.Membership)):
        return _COMPARISON
    if isinstance(expr, ast.Arithmetic):
        return _SUM
    if isinstance(expr, (ast.Field, ast.Call, ast.Lookup)):
        return _POSTFIX
    return _ATOM


def _needs_parentheses(expr: ast.Expr, level: int, last: bool) -> bool:
    """`level`: the loosest binding the context accepts; `last`: nothing follows in the enclosing expression."""
    open_ended = isinstance(expr, (ast.Quantifier, ast.Otherwise, ast.Conditional, ast.Selection))
    return _precedence(expr) < level or (open_ended and not last)


def _quantity(expr: ast.Quantity) -> str:
    unit = expr.unit[:-1] if expr.amount == 1 and expr.unit.endswith("s") else expr.unit
    return f"{expr.amount} {unit}"


def _atom(expr: ast.Expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.name
    if isinstance(expr, ast.Integer):
        return str(expr.value)
    if isinstance(expr, ast.Quantity):
        return _quantity(expr)
    if isinstance(expr, ast.Level):
        return f"{expr.scale} {expr.value}"
    if isinstance(expr, ast.Text):
        return quote(expr.value)
    if isinstance(expr, ast.DateLiteral):
        return expr.value.isoformat()
    if isinstance(expr, ast.DateTimeLiteral):
        return expr.value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(expr, ast.Boolean):
        return "true" if expr.value else "false"
    if isinstance(expr, ast.Decimal):
        return expr.text
    return None


def flat(expr: ast.Expr, level: int = _LOOSEST, last: bool = True) -> str:
    """An expression on one line, parenthesised for a context of binding `level`."""
    if _needs_parentheses(expr, level, last):
        return "(" + flat(expr) + ")"
    atom = _atom(expr)
    if atom is not None:
        return atom
    if isinstance(expr, (ast.AnyOf, ast.AllOf)):
        word, inner = (" or ", _AND) if isinstance(expr, ast.AnyOf) else (" and ", _NOT)
        count = len(expr.operands)
        return word.join(flat(o, inner, last and i == count - 1) for i, o in enumerate(expr.operands))
    if isinstance(expr, ast.Not):
        return "not " + flat(expr.operand, _NOT, last)
    if isinstance(expr, ast.Compare):
        return f"{flat(expr.left, _SUM, False)} {expr.operator} {flat(expr.right, _SUM, last)}"
    if isinstance(expr, ast.Membership):
        word = " not in " if expr.negated else " in "
        return flat(expr.item, _SUM, False) + word + flat(expr.collection, _SUM, last)
    if isinstance(expr, ast.Arithmetic):
        return f"{flat(expr.left, _SUM, False)} {expr.operator} {flat(expr.right, _POSTFIX, last)}"
    if isinstance(expr, ast.Field):
        return f"{flat(expr.subject, _POSTFIX, False)}.{expr.name}"
    if isinstance(expr, ast.Call):
        return f"{expr.function}({', '.join(flat(a) for a in expr.arguments)})"
    if isinstance(expr, ast.Lookup):
        column = f".{expr.column}" if expr.column is not None else ""
        return f"{expr.table}[{', '.join(flat(k) for k in expr.keys)}]{column}"
    if isinstance(expr, ast.Selection):
        return f"each {expr.variable} in {flat(expr.domain, _POSTFIX, False)} where {flat(expr.where, _OR, last)}"
    if isinstance(expr, ast.ListLiteral):
        return f"[{', '.join(flat(i) for i in expr.items)}]"
    if isinstance(expr, ast.Window):
        return f"within {flat(expr.length, _ATOM, False)} before {flat(expr.anchor, _ATOM, last)}"
    if isinstance(expr, ast.Quantifier):
        return _quantifier_head(expr) + " " + flat(expr.body)
    if isinstance(expr, ast.Otherwise):
        return f"{flat(expr.first, _OR, False)} otherwise {flat(expr.fallback)}"
    if isinstance(expr, ast.Conditional):
        return f"if {flat(expr.condition, _OR, False)} then {flat(expr.then, _LOOSEST, False)} else " \
               f"{flat(expr.otherwise)}"
    raise _unknown(expr, "the expression")


def _quantifier_head(expr: ast.Quantifier) -> str:
    where = f" where {flat(expr.where, _OR, False)}" if expr.where is not None else ""
    return f"{expr.kind} {expr.variable} in {flat(expr.domain, _POSTFIX, False)}{where}:"


def _starts(expr: ast.Node) -> list[Position]:
    return [_start(node) for node in expr.walk()]


def lay_out(expr: ast.Expr, column: int, level: int = _LOOSEST, last: bool = True) -> list[_Line]:
    """An expression starting at `column`: the first line without indentation, the others with it."""
    one_line = flat(expr, level, last)
    if column + len(one_line) <= WIDTH:
        return [_Line(one_line, _starts(expr))]
    if _needs_parentheses(expr, level, last):
        inner = lay_out(expr, column + 1)
        inner[0].text = "(" + inner[0].text
        inner[-1].text += ")"
        return inner
    if isinstance(expr, (ast.AnyOf, ast.AllOf)):
        return _lay_out_operands(expr, column, last)
    if isinstance(expr, ast.Quantifier):
        body = lay_out(expr.body, column + 2)
        body[0].text = " " * (column + 2) + body[0].text
        head = [_start(expr), *_starts(expr.domain), *(_starts(expr.where) if expr.where is not None else [])]
        return [_Line(_quantifier_head(expr), head), *body]
    if isinstance(expr, ast.Otherwise):
        first = lay_out(expr.first, column, _OR, False)
        return first + _continue(column, "otherwise ", lay_out(expr.fallback, column + 10))
    if isinstance(expr, ast.Conditional):
        condition = lay_out(expr.condition, column + 3, _OR, False)
        condition[0].text = "if " + condition[0].text
        condition[0].leaves.insert(0, _start(expr))
        then = _continue(column, "then ", lay_out(expr.then, column + 5, _LOOSEST, False))
        return condition + then + _continue(column, "else ", lay_out(expr.otherwise, column + 5))
    if isinstance(expr, (ast.Call, ast.ListLiteral)):
        return _lay_out_items(expr, column)
    return [_Line(one_line, _starts(expr))]


def _fill(items: Sequence[ast.Expr], column: int) -> list[_Line]:
    """Short values (codes, numbers, names) side by side, as many to a line as fit."""
    lines: list[_Line] = []
    for index, item in enumerate(items):
        text = (_atom(item) or "") + ("," if index < len(items) - 1 else "")
        if lines and len(lines[-1].text) + 1 + len(text) <= WIDTH:
            lines[-1].text += " " + text
            lines[-1].leaves.append(_start(item))
        else:
            lines.append(_Line(" " * column + text, [_start(item)]))
    return lines


def _continue(column: int, word: str, lines: list[_Line]) -> list[_Line]:
    lines[0].text = " " * column + word + lines[0].text
    return lines


def _lay_out_operands(expr: ast.AnyOf | ast.AllOf, column: int, last: bool) -> list[_Line]:
    word, inner = ("or ", _AND) if isinstance(expr, ast.AnyOf) else ("and ", _NOT)
    count = len(expr.operands)
    lines: list[_Line] = []
    for index, operand in enumerate(expr.operands):
        is_last = last and index == count - 1
        if index == 0:
            lines.extend(lay_out(operand, column, inner, is_last))
        else:
            lines.extend(_continue(column, word, lay_out(operand, column + len(word), inner, is_last)))
    return lines


def _lay_out_items(expr: ast.Call | ast.ListLiteral, column: int) -> list[_Line]:
    opening, closing, items = (f"{expr.function}(", ")", expr.arguments) if isinstance(expr, ast.Call) else \
        ("[", "]", expr.items)
    lines = [_Line(opening, [_start(expr)])]
    if isinstance(expr, ast.ListLiteral) and all(_atom(item) is not None for item in items):
        return lines + _fill(items, column + 2) + [_Line(" " * column + closing)]
    for index, item in enumerate(items):
        item_lines = lay_out(item, column + 2)
        item_lines[0].text = " " * (column + 2) + item_lines[0].text
        if index < len(items) - 1:
            item_lines[-1].text += ","
        lines.extend(item_lines)
    lines.append(_Line(" " * column + closing))
    return lines


# Declarations --------------------------------------------------------------------------------------------------------


def _cite_text(cites: Sequence[ast.Citation]) -> str:
    return "cite " + ", ".join(c.source for c in cites)


def _cite_line(cites: Sequence[ast.Citation]) -> list[_Line]:
    if not cites:
        return []
    return [_Line(INDENT + _cite_text(cites), [_start(c) for c in cites])]


def _body(prefix: str, expr: ast.Expr) -> list[_Line]:
    lines = lay_out(expr, len(prefix))
    lines[0].text = prefix + lines[0].text
    return lines


def _rulebook(header: ast.RulebookHeader, in_force_at: list[Position]) -> list[_Line]:
    return [
        _Line(f"rulebook {header.name} {quote(header.title)}", [_start(header)]),
        _Line(f"{INDENT}in force {header.in_force_from.isoformat()} until {header.in_force_until.isoformat()}"
              + ("" if header.end_known else " or later"),
              list(in_force_at)),
        *_cite_line(header.cites),
    ]


def _import(declaration: ast.Import) -> list[_Line]:
    return [_Line(f"import {quote(declaration.name)}", [_start(declaration)])]


def _source(source: ast.Source) -> list[_Line]:
    """One line, as a source has always been written: its standing and confidence, when given, follow the address
    (so adding them moves no line of a rule file, and no `file:line` an explanation cites)."""
    standing = ""
    if source.standing is not None:
        standing = f" {source.standing}" + (f" confidence {source.confidence}" if source.confidence is not None else "")
    return [_Line(f"source {source.name} {quote(source.title)} {quote(source.url)}{standing}", [_start(source)])]


def _constant(constant: ast.Constant, described_at: list[Position]) -> list[_Line]:
    head = f"constant {constant.name}"
    lines = [_Line(head, [_start(constant)])]
    if constant.description is not None:
        text = wrap_string(constant.description, len(head) + 1, INDENT + " ")
        lines[0].text += " " + text[0]
        lines.extend(_Line(t, list(described_at)) for t in text[1:])
    return [*lines, *_cite_line(constant.cites), *_body(INDENT + "= ", constant.value)]


def _occupations(table: ast.OccupationTable) -> list[_Line]:
    cites = " " + _cite_text(table.cites) if table.cites else ""
    head = _Line(f"occupations {table.name} {quote(table.title)}{cites} {{", [_start(table)])
    if not table.rows:
        head.text += "}"
        return [head]
    width = max(len(quote(row.title)) for row in table.rows)
    rows = [_Line(f"{INDENT}{row.code} {quote(row.title).ljust(width)} teer {row.teer}", [_start(row)])
            for row in table.rows]
    return [head, *rows, _closing(table)]


def _define(definition: ast.Define, described_at: list[Position]) -> list[_Line]:
    parameters = ", ".join(f"{p.name}: {p.type_name}" for p in definition.parameters)
    head = f"define {definition.name}" + (f"({parameters})" if parameters else "")
    lines = [_Line(head, [_start(definition), *(_start(p) for p in definition.parameters)])]
    if definition.description is not None:
        text = wrap_string(definition.description, len(INDENT), INDENT + " ")
        lines.extend(_Line(t, list(described_at)) for t in [INDENT + text[0], *text[1:]])
    return [*lines, *_cite_line(definition.cites), *_body(INDENT + "= ", definition.body)]


def _category(category: ast.Category) -> list[_Line]:
    cites = " " + _cite_text(category.cites) if category.cites else ""
    confidence = f" confidence {category.confidence}" if category.confidence is not None else ""
    head = _Line(f"category {category.name} {quote(category.title)}{cites}{confidence} {{", [_start(category)])
    return [head, *_body(INDENT + "eligible when ", category.condition), _closing(category)]


def _program(program: ast.Program) -> list[_Line]:
    cites = " " + _cite_text(program.cites) if program.cites else ""
    head = _Line(f"program {program.name} {quote(program.title)}{cites} {{", [_start(program)])
    return [head, *_body(INDENT + "eligible when ", program.condition), _closing(program)]


def _round(round_: ast.Round, field_at: Mapping[str, Position] | None = None) -> list[_Line]:
    """`field_at` says where each field (`held`, `invitations`...) stands in the source, so that comments written
    beside a field stay beside it."""
    cites = " " + _cite_text(round_.cites) if round_.cites else ""
    held = round_.held.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(round_.held, datetime) else \
        round_.held.isoformat()
    grouping = "all" if round_.grouping == "all" else f"{round_.grouping} {round_.target}"
    fields = field_at or {}

    def field(keyword: str, value: str) -> _Line:
        return _Line(f"{INDENT}{keyword} {value}", [fields[keyword]] if keyword in fields else [])

    lines = [_Line(f"round {round_.name} {quote(round_.title)}{cites} {{", [_start(round_)]),
             field("held", held), field("grouping", grouping)]
    if round_.instructions is not None:
        lines.append(field("instructions", quote(round_.instructions)))
    lines.append(field("invitations", str(round_.invitations)))
    if round_.lowest_crs is not None and round_.tie_break is not None:
        lines.append(field("lowest_crs", str(round_.lowest_crs)))
        lines.append(field("tie_break", f"{round_.tie_break:%Y-%m-%dT%H:%M:%SZ}"))
    return [*lines, _closing(round_)]


_ROUND_FIELD = re.compile(r"\b(held|grouping|instructions|invitations|lowest_crs|tie_break)\b")


def _cell(cell: ast.Cell) -> str:
    low = _atom(cell.low) if cell.low is not None else None
    high = _atom(cell.high) if cell.high is not None else None
    if cell.kind == "range":
        return f"{low} to {high}"
    if cell.kind == "at_least":
        return f"{low} or more"
    if cell.kind == "at_most":
        return f"{high} or less"
    if cell.kind == "below":
        return f"below {high}"
    return low or ""


def _columns(word: str, columns: Sequence[ast.Column]) -> _Line:
    return _Line(f"{INDENT}{word} " + ", ".join(f"{c.name}: {c.type_name}" for c in columns),
                 [_start(c) for c in columns])


def _table(table: ast.Table) -> list[_Line]:
    """Rows as aligned columns of cells separated by `|`."""
    cites = " " + _cite_text(table.cites) if table.cites else ""
    head = _Line(f"table {table.name} {quote(table.title)}{cites} {{", [_start(table)])
    cells = [[_cell(c) for c in (*row.keys, *row.values)] for row in table.rows]
    widths = [max((len(r[i]) for r in cells if i < len(r)), default=0) for i in range(max(map(len, cells), default=0))]
    keys = len(table.key_columns)
    rows = [_Line((INDENT + " | ".join(_aligned(text, widths[i], i >= keys) for i, text in enumerate(r))).rstrip(),
                  [_start(row)]) for r, row in zip(cells, table.rows)]
    return [head, _columns("key", table.key_columns), _columns("value", table.value_columns), *rows,
            _closing(table)]


def _aligned(text: str, width: int, value: bool) -> str:
    """Numbers in value columns to the right, so that units and tens line up; everything else to the left."""
    return text.rjust(width) if value and _NUMBER.fullmatch(text) else text.ljust(width)


_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


def _score(score: ast.Score, in_force_at: list[Position]) -> list[_Line]:
    period = f"in force {score.in_force_from.isoformat()}" + \
        (f" until {score.in_force_until.isoformat()}" if score.in_force_until is not None else "")
    lines = [_Line(f"score {score.name} {quote(score.title)}", [_start(score)]), *_cite_line(score.cites),
             _Line(f"{INDENT}{period} {{", list(in_force_at))]
    for section in score.sections:
        head = f"{INDENT}section {section.name} {quote(section.title)}"
        one_line = f"{head} = {flat(section.value)}"
        if len(one_line) <= WIDTH:
            lines.append(_Line(one_line, [_start(section), *_starts(section.value)]))
        else:
            lines.append(_Line(head, [_start(section)]))
            lines.extend(_body(INDENT * 2 + "= ", section.value))
    return [*lines, _closing(score)]


def _pending(pending: ast.Pending, in_force_at: list[Position]) -> list[_Line]:
    return [_Line(f"pending {pending.name} {quote(pending.title)}", [_start(pending)]), *_cite_line(pending.cites),
            _Line(f"{INDENT}in force {pending.in_force_from.isoformat()} {{", list(in_force_at)),
            *_body(INDENT + "reaches when ", pending.reaches), _closing(pending)]


def _closing(declaration: ast.Declaration) -> _Line:
    return _Line("}", [(declaration.span.end_line, declaration.span.end_column - 1)])


_LAYOUTS: dict[type, Callable[..., list[_Line]]] = {
    ast.RulebookHeader: _rulebook,
    ast.Import: _import,
    ast.Source: _source,
    ast.Constant: _constant,
    ast.OccupationTable: _occupations,
    ast.Define: _define,
    ast.Category: _category,
    ast.Table: _table,
    ast.Program: _program,
    ast.Score: _score,
    ast.Round: _round,
    ast.Pending: _pending,
}


# Declarations with a part the AST keeps no position for: a description, an in-force period.
_UNPLACED_PART = (ast.Constant, ast.Define, ast.RulebookHeader, ast.Score, ast.Pending)


def layout_of(declaration: ast.Declaration, part_at: Position | None = None,
              field_at: Mapping[str, Position] | None = None) -> list[_Line]:
    """The lines of a declaration. `part_at` is where its description or in-force period starts in the source, so
    that comments around it stay around it."""
    layout = _LAYOUTS.get(type(declaration))
    if layout is None:
        raise _unknown(declaration, "the declaration")
    if isinstance(declaration, _UNPLACED_PART):
        return layout(declaration, [part_at] if part_at else [])
    if isinstance(declaration, ast.Round):
        return _round(declaration, field_at)
    return layout(declaration)


# Weaving comments back ----------------------------------------------------------------------------------------------


def _weave(lines: list[_Line], comments: Iterable[Comment]) -> list[str]:
    """Put each comment of a declaration next to what it was written next to (see the module docstring)."""
    before: dict[int, list[str]] = {}
    trailing: dict[int, str] = {}
    after: list[str] = []
    last_with_leaves = max((i for i, line in enumerate(lines) if line.leaves), default=len(lines) - 1)
    for comment in comments:
        position = comment.position
        if comment.trailing:
            target = max((i for i, line in enumerate(lines) if any(p < position for p in line.leaves)), default=0)
            if target not in trailing:
                trailing[target] = comment.text
                continue
        following = next((i for i, line in enumerate(lines) if any(p > position for p in line.leaves)), None)
        if following is None:
            after.append(lines[last_with_leaves].indent + comment.text)
        else:
            inside_braces = lines[following].text == "}" and following > 0
            indent = lines[following - 1 if inside_braces else following].indent
            before.setdefault(following, []).append(indent + comment.text)
    out: list[str] = []
    for index, line in enumerate(lines):
        out.extend(before.get(index, []))
        out.append(line.text + ("  " + trailing[index] if index in trailing else ""))
        if index == last_with_leaves:
            out.extend(after)
    return out


class _Formatter:
    def __init__(self, path: str, text: str, module: ast.Module) -> None:
        self.path = path
        self.text = text
        self.module = module
        self.comments = scan_comments(text)
        self.strings = [(self.position(m.start()), self.position(m.end())) for m in _STRING_OR_COMMENT.finditer(text)
                        if m.group().startswith('"')]

    def render(self) -> str:
        declarations = self.module.declarations
        pending = list(self.comments)
        out: list[str] = []
        previous: ast.Declaration | None = None
        for declaration in declarations:
            start, end = _start(declaration), _end(declaration)
            leading = [c for c in pending if c.position < start]
            inside = [c for c in pending if start <= c.position and (c.position <= end or
                                                                       (c.trailing and c.line == end[0]))]
            pending = [c for c in pending if c not in leading and c not in inside]
            if previous is not None and (leading or not _grouped(previous, declaration)):
                out.append("")
            out.extend(self.comment_block(leading))
            if leading and self.blank_between(leading[-1], declaration):
                out.append("")
            fields = self.round_fields(declaration) if isinstance(declaration, ast.Round) else None
            out.extend(_weave(layout_of(declaration, self.unplaced_part(declaration), fields), inside))
            previous = declaration
        if pending:
            if out and pending[0].blank_before:
                out.append("")
            out.extend(self.comment_block(pending))
        return "\n".join(out) + "\n" if out else ""

    def unplaced_part(self, declaration: ast.Declaration) -> Position | None:
        """Where the description of a constant or definition (its first string), or the in-force period of a header
        (after its title, the first string), starts in the source."""
        start = _start(declaration)
        first_string = next(((begin, end) for begin, end in self.strings if begin > start), None)
        if first_string is None:
            return None
        if isinstance(declaration, (ast.RulebookHeader, ast.Score, ast.Pending)):
            offset = self.offset(first_string[1])
            found = _IN_FORCE.search(self.text, offset)
            return self.position(found.start()) if found else None
        return first_string[0] if getattr(declaration, "description", None) is not None else None

    def offset(self, position: Position) -> int:
        line_start = 0
        for _ in range(position[0] - 1):
            line_start = self.text.index("\n", line_start) + 1
        return line_start + position[1] - 1

    def round_fields(self, round_: ast.Round) -> dict[str, Position]:
        """Where each field keyword of a round stands in the source (outside texts and comments)."""
        lines = self.text.split("\n")
        first = sum(len(line) + 1 for line in lines[:round_.span.line - 1]) + round_.span.column - 1
        last = sum(len(line) + 1 for line in lines[:round_.span.end_line - 1]) + round_.span.end_column - 1
        masked = _STRING_OR_COMMENT.sub(lambda m: " " * len(m.group()), self.text[first:last])
        found: dict[str, Position] = {}
        for match in _ROUND_FIELD.finditer(masked):
            found.setdefault(match.group(1), self.position(first + match.start()))
        return found

    def position(self, offset: int) -> Position:
        line_start = self.text.rfind("\n", 0, offset) + 1
        return (self.text.count("\n", 0, offset) + 1, offset - line_start + 1)

    def comment_block(self, comments: list[Comment]) -> list[str]:
        out: list[str] = []
        for index, comment in enumerate(comments):
            if index > 0 and comment.blank_before:
                out.append("")
            out.append(comment.text)
        return out

    def blank_between(self, comment: Comment, declaration: ast.Declaration) -> bool:
        lines = self.text.split("\n")
        return any(not lines[i].strip() for i in range(comment.line, declaration.span.line - 1))


def _grouped(previous: ast.Declaration, declaration: ast.Declaration) -> bool:
    """Consecutive imports stay together; every other pair of declarations is separated by a blank line."""
    return isinstance(previous, ast.Import) and isinstance(declaration, ast.Import)
