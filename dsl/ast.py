"""The abstract syntax tree of the rules language.

Every node is a frozen dataclass that carries the span of source text it came from, so that any later stage (checker,
compiler, evaluator, explanation) can point back at `file:line:col`. The tree is plain data: passes read it and build
new values, they never mutate it.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from dsl.fields_repr import FieldsRepr
from dsl.span import Span as Span  # where every stage finds it; its own module so the rule tree needs no AST


@dataclass(frozen=True, slots=True, repr=False)
class Node(FieldsRepr):
    span: Span = field(compare=False, repr=False, kw_only=True)

    def children(self) -> Iterator[Node]:
        """The direct child nodes, in source order: the one traversal every pass shares."""
        return iter(self.child_list())

    def child_list(self) -> list[Node]:
        """`children`, as a new list: what a walk pushes, without a generator per node."""
        found: list[Node] = []
        for name in node_fields(type(self)):  # type: ignore[arg-type]  # a class hashes; mypy reads its instances'
            value = getattr(self, name)
            if isinstance(value, Node):
                found.append(value)
            elif isinstance(value, tuple):
                found.extend([item for item in value if isinstance(item, Node)])
        return found

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            below = node.child_list()
            below.reverse()
            stack.extend(below)


@cache
def node_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node class but its span, in declaration order: those that may hold child nodes, and the
    constructor's positional arguments (the span is keyword-only). Read once per class, from the class attribute:
    `dataclasses.fields` took a tenth of checking."""
    return tuple(name for name in kind.__dict__["__dataclass_fields__"] if name != "span")


# Expressions ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class Expr(Node):
    pass


@dataclass(frozen=True, slots=True, repr=False)
class Name(Expr):
    name: str


@dataclass(frozen=True, slots=True, repr=False)
class Integer(Expr):
    value: int


@dataclass(frozen=True, slots=True, repr=False)
class Quantity(Expr):
    """A number with a unit: `6 months`, `780 hours`, `100 points`, `30.5 hours`. A number written with a fractional
    part is kept as a `decimal.Decimal`, exactly as written (`30.50` stays `30.50`); a whole number as an `int`."""

    amount: int | decimal.Decimal
    unit: str


@dataclass(frozen=True, slots=True, repr=False)
class Level(Expr):
    """A language level on the Canadian benchmark scales: `clb 7`, `nclc 7`."""

    scale: str
    value: int


@dataclass(frozen=True, slots=True, repr=False)
class Decimal(Expr):
    """A number with a fractional part, such as a test score: `6.5`. Kept as written so `6.50` is not rounded."""

    text: str


@dataclass(frozen=True, slots=True, repr=False)
class Text(Expr):
    value: str


@dataclass(frozen=True, slots=True, repr=False)
class DateLiteral(Expr):
    value: date


@dataclass(frozen=True, slots=True, repr=False)
class DateTimeLiteral(Expr):
    value: datetime


@dataclass(frozen=True, slots=True, repr=False)
class Boolean(Expr):
    value: bool


@dataclass(frozen=True, slots=True, repr=False)
class ListLiteral(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Window(Expr):
    """`within 3 years before as_of`: the period of that length that ends on (and includes) the anchor date."""

    length: Expr
    anchor: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Field(Expr):
    subject: Expr
    name: str


@dataclass(frozen=True, slots=True, repr=False)
class Call(Expr):
    function: str
    arguments: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Lookup(Expr):
    """`table[key, ...].column`: the value of `column` in the first row whose key cells match the keys."""

    table: str
    keys: tuple[Expr, ...]
    column: str | None


@dataclass(frozen=True, slots=True, repr=False)
class Selection(Expr):
    """`each x in xs where condition`: the elements of a list that meet a condition."""

    variable: str
    domain: Expr
    where: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Compare(Expr):
    operator: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Membership(Expr):
    item: Expr
    collection: Expr
    negated: bool


@dataclass(frozen=True, slots=True, repr=False)
class Arithmetic(Expr):
    operator: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, repr=False)
class AllOf(Expr):
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, repr=False)
class AnyOf(Expr):
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Quantifier(Expr):
    """`any x in xs where filter: body` or `all x in xs: body`; `total` and `highest` add up, or take the largest of,
    a quantity over the elements (0 when there is none)."""

    kind: str
    variable: str
    domain: Expr
    where: Expr | None
    body: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Otherwise(Expr):
    """`a otherwise b`: the value of `a`, or of `b` when facts that `a` needs are missing."""

    first: Expr
    fallback: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Conditional(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr


# Declarations --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class Citation(Node):
    source: str


@dataclass(frozen=True, slots=True, repr=False)
class Declaration(Node):
    name: str


@dataclass(frozen=True, slots=True, repr=False)
class RulebookHeader(Declaration):
    """`rulebook 2025 "title" in force 2025-02-27 until 2026-02-17`; `name` is the year as text. With `until ... or
    later` (`end_known` false) the end is not known: `in_force_until` is the last day the facts were checked."""

    title: str
    in_force_from: date
    in_force_until: date
    cites: tuple[Citation, ...]
    end_known: bool = True


@dataclass(frozen=True, slots=True, repr=False)
class Import(Declaration):
    """`import "path"`; `name` is the path as written."""


@dataclass(frozen=True, slots=True, repr=False)
class Source(Declaration):
    """`source name "title" "url" [standing [confidence level]]`: `standing` is `official` or `third_party` and
    `confidence` one of `high`, `medium_high`, `medium`, `low` as written (the checker refuses other words); their
    spans let a diagnostic point at the word."""

    title: str
    url: str
    standing: str | None = None
    confidence: str | None = None
    standing_span: Span | None = field(default=None, compare=False, repr=False)
    confidence_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, repr=False)
class Constant(Declaration):
    description: str | None
    cites: tuple[Citation, ...]
    value: Expr


@dataclass(frozen=True, slots=True, repr=False)
class OccupationRow(Node):
    code: str
    title: str
    teer: int


@dataclass(frozen=True, slots=True, repr=False)
class OccupationTable(Declaration):
    title: str
    cites: tuple[Citation, ...]
    rows: tuple[OccupationRow, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Parameter(Node):
    name: str
    type_name: str


@dataclass(frozen=True, slots=True, repr=False)
class Define(Declaration):
    parameters: tuple[Parameter, ...]
    description: str | None
    cites: tuple[Citation, ...]
    body: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Category(Declaration):
    """`category name "title" cite ... [confidence level] { eligible when ... }`: `confidence`, when written, is how
    far the category as written can be trusted (one of the levels a source may give; the checker refuses others)."""

    title: str
    cites: tuple[Citation, ...]
    condition: Expr
    confidence: str | None = None
    confidence_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, repr=False)
class Cell(Node):
    """One key cell of a table row: `kind` is `exact`, `range` (`a to b`), `at_most`, `at_least` or `below`; `low`
    and `high` are literal expressions (one of them `None` for open ranges)."""

    kind: str
    low: Expr | None
    high: Expr | None


@dataclass(frozen=True, slots=True, repr=False)
class Column(Node):
    name: str
    type_name: str


@dataclass(frozen=True, slots=True, repr=False)
class TableRow(Node):
    keys: tuple[Cell, ...]
    values: tuple[Cell, ...]  # each `exact`; the checker says so otherwise


@dataclass(frozen=True, slots=True, repr=False)
class Table(Declaration):
    """A cited table with typed columns, such as a points grid or a test-score conversion chart."""

    title: str
    cites: tuple[Citation, ...]
    key_columns: tuple[Column, ...]
    value_columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Program(Declaration):
    """A program of the pool, reported with its own verdict: `program fsw "title" cite s { eligible when ... }`."""

    title: str
    cites: tuple[Citation, ...]
    condition: Expr


@dataclass(frozen=True, slots=True, repr=False)
class ScoreSection(Node):
    name: str
    title: str
    value: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Score(Declaration):
    """A points score in force for a period (`until` is `None` when open-ended); its total is the sum of sections."""

    title: str
    cites: tuple[Citation, ...]
    in_force_from: date
    in_force_until: date | None
    sections: tuple[ScoreSection, ...]


@dataclass(frozen=True, slots=True, repr=False)
class Pending(Declaration):
    """`pending name "title" cite ... in force DATE { reaches when condition }`: a rule known to be in force from a
    date whose content is not published. From that date the score is a lower bound for a profile the condition holds
    for (or cannot be decided for)."""

    title: str
    cites: tuple[Citation, ...]
    in_force_from: date
    reaches: Expr


@dataclass(frozen=True, slots=True, repr=False)
class Round(Declaration):
    """A round of invitations; `name` is its number as text.

    `grouping` is "all" (every candidate in the pool), "program" or "category", with `target` naming the program or
    category. `lowest_crs` and `tie_break` are the published outcome, absent for a round not yet held.
    `instructions` names the category instructions a round was held under, when not this rulebook's.
    """

    title: str
    cites: tuple[Citation, ...]
    held: date | datetime
    grouping: str
    target: str | None
    instructions: str | None
    invitations: int
    lowest_crs: int | None
    tie_break: datetime | None


@dataclass(frozen=True, slots=True, repr=False)
class Module(Node):
    """One parsed `.rules` file."""

    path: str
    declarations: tuple[Declaration, ...]
