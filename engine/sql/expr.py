"""The SQL expression tree: what the rule tree compiles to before it is rendered as text for one dialect.

A small typed tree of our own rather than sqlglot's: the backend needs two dozen node kinds, rendered exactly as the
queries were tuned (the same text, so the same plans in DuckDB and Spark), shared between the places that read them
(a node is built once and referenced, never copied as text), and walked by the analyses that decide how a query is
built (which pool columns it reads, whether a guard holds a list lambda) without reading any SQL text back. sqlglot
would re-print every node in its own way and re-normalise what the planner sees, and its tree is built for parsing
SQL we never parse.

Nodes are immutable and compare by identity: a node built once and read in two places is one object (see `size`,
which counts what rendering will write, and `engine.sql.render`, which renders each object once). Each node knows,
from its construction, how many nodes its text holds and what kinds of node it holds (`flags`), so the compiler's
questions about a subtree cost nothing however large it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ListFunction = Literal["list_max", "list_min", "distinct", "sort", "length", "contains", "map_get", "add_days",
                       "days_between", "add_months", "collect", "explode", "list_sum"]
LambdaFunction = Literal["transform", "filter", "bind"]


# What a subtree holds (`Expr.flags`).
HOLDS_LAMBDA = 1  # a list lambda
HOLDS_SUM = 2  # a list's sum (Spark writes it with a lambda)
HOLDS_NEEDED = 4  # a placeholder for where a definition's column is needed
HOLDS_RULE_COLUMN = 8  # a definition's column


@dataclass(frozen=True, slots=True, eq=False)
class Expr:
    """A SQL expression. `nodes`: how many nodes its text holds (a node read twice counts twice); `flags`: the kinds
    of node below it (the `HOLDS_` bits)."""

    nodes: int = field(init=False, repr=False)
    flags: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        nodes, flags = 1, self.own_flags()
        for child in self.children():
            nodes += child.nodes
            flags |= child.flags
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "flags", flags)

    def children(self) -> tuple[Expr, ...]:
        return ()

    def own_flags(self) -> int:
        return 0


@dataclass(frozen=True, slots=True, eq=False)
class Token(Expr):
    """A keyword or a number, written as is (`TRUE`, `NULL`, `2`, `*`)."""

    text: str


@dataclass(frozen=True, slots=True, eq=False)
class Text(Expr):
    value: str


@dataclass(frozen=True, slots=True, eq=False)
class DateValue(Expr):
    value: date


@dataclass(frozen=True, slots=True, eq=False)
class TimestampValue(Expr):
    value: datetime


@dataclass(frozen=True, slots=True, eq=False)
class Double(Expr):
    value: float


@dataclass(frozen=True, slots=True, eq=False)
class Column(Expr):
    """A column of a row of the query (`p.crs`, `k.noc`); `quoted` names (the profile's facts) are identifiers of
    the dialect."""

    table: str
    name: str
    quoted: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class RuleColumn(Expr):
    """The column holding a definition's value, computed once per profile in a layer of the query."""

    alias: str

    def own_flags(self) -> int:
        return HOLDS_RULE_COLUMN


@dataclass(frozen=True, slots=True, eq=False)
class Var(Expr):
    """A lambda's variable or a row alias (`x3_`, `j`)."""

    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Field(Expr):
    subject: Expr
    name: str

    def children(self) -> tuple[Expr, ...]:
        return (self.subject,)


@dataclass(frozen=True, slots=True, eq=False)
class ElementField(Expr):
    """A field computed once per element of a list with derived fields (see `engine.sql.elements`)."""

    variable: str
    alias: str


@dataclass(frozen=True, slots=True, eq=False)
class Paren(Expr):
    inner: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.inner,)


@dataclass(frozen=True, slots=True, eq=False)
class Infix(Expr):
    """Operands joined by one operator (`a AND b AND c`, `(x = 2)`)."""

    operator: str
    operands: tuple[Expr, ...]
    parens: bool = True

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(frozen=True, slots=True, eq=False)
class Not(Expr):
    operand: Expr
    parens: bool = True

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class IsNull(Expr):
    operand: Expr
    negated: bool = False

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class Call(Expr):
    """A function both dialects spell the same (`coalesce`, `least`, `year`, `bool_or`)."""

    function: str
    arguments: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.arguments


@dataclass(frozen=True, slots=True, eq=False)
class Cast(Expr):
    operand: Expr
    type_name: str

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class Case(Expr):
    """`CASE [subject] WHEN .. THEN .. [ELSE ..] END`, in parentheses unless `parens` is false."""

    whens: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr | None = None
    parens: bool = True
    subject: Expr | None = None

    def children(self) -> tuple[Expr, ...]:
        found = [self.subject] if self.subject is not None else []
        for condition, value in self.whens:
            found += [condition, value]
        return tuple(found + ([self.otherwise] if self.otherwise is not None else []))


@dataclass(frozen=True, slots=True, eq=False)
class In(Expr):
    item: Expr
    values: tuple[Expr, ...]
    parens: bool = True

    def children(self) -> tuple[Expr, ...]:
        return (self.item, *self.values)


@dataclass(frozen=True, slots=True, eq=False)
class Between(Expr):
    operand: Expr
    low: Expr
    high: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.operand, self.low, self.high)


@dataclass(frozen=True, slots=True, eq=False)
class Filtered(Expr):
    """An aggregate over the rows a condition keeps: `count(x) FILTER (WHERE c)`."""

    aggregate: Expr
    where: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.aggregate, self.where)


@dataclass(frozen=True, slots=True, eq=False)
class Needed(Expr):
    """Inside a definition's column, where that column is needed: known only once every rule is compiled (the
    renderer writes the guards of the places that read it)."""

    name: str

    def own_flags(self) -> int:
        return HOLDS_NEEDED


# What the dialects spell differently (see `engine.sql.dialect`).

@dataclass(frozen=True, slots=True, eq=False)
class Array(Expr):
    items: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.items


@dataclass(frozen=True, slots=True, eq=False)
class ListCall(Expr):
    """A function of lists or dates the dialects name differently: `list_max`, `list_min`, `distinct`, `sort`,
    `length`, `contains`, `map_get`, `add_days`, `days_between`, `add_months`, `collect`, `explode`, `list_sum` (the
    names of `engine.sql.dialect.Dialect`'s methods)."""

    function: ListFunction
    arguments: tuple[Expr, ...]

    def children(self) -> tuple[Expr, ...]:
        return self.arguments

    def own_flags(self) -> int:
        return HOLDS_SUM if self.function == "list_sum" else 0


@dataclass(frozen=True, slots=True, eq=False)
class Lambda(Expr):
    """A list function with a lambda: `transform`, `filter`, or `bind` (the body with the variable standing for one
    value, computed once)."""

    function: LambdaFunction
    values: Expr
    variable: str
    body: Expr

    def children(self) -> tuple[Expr, ...]:
        return (self.values, self.body)

    def own_flags(self) -> int:
        return HOLDS_LAMBDA


@dataclass(frozen=True, slots=True, eq=False)
class Struct(Expr):
    fields: tuple[tuple[str, Expr], ...]

    def children(self) -> tuple[Expr, ...]:
        return tuple(value for _, value in self.fields)


TRUE = Token("TRUE")
FALSE = Token("FALSE")
NULL = Token("NULL")


def number(value: int) -> Token:
    return Token(str(value))


def walk(expr: Expr) -> Iterator[Expr]:
    """The node and every node below it (a shared node once per place it is read)."""
    stack = [expr]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def walk_once(expr: Expr) -> Iterator[Expr]:
    """The node and every distinct node below it, each once however many places read it."""
    seen: set[int] = set()
    stack = [expr]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend(reversed(current.children()))


def size(expr: Expr) -> int:
    """How many nodes rendering writes: a node read in two places counts twice (it is written twice). Known from
    construction, so measuring a tree whose text would be exponentially long costs nothing."""
    return expr.nodes
