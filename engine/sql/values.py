"""What a rule-tree node compiles to: a SQL expression, or a value known when compiling, and how values become SQL.

Values map to SQL values (a missing fact is NULL, so SQL's AND/OR/NOT are exactly Kleene's); quantities become
numbers (a duration is `months * 100000 + days`, which orders as the evaluator orders durations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine import ir
from engine.model.quantities import Duration, Hours, LanguageLevel, Points, Score
from engine.sql import expr as x

DURATION_SCALE = 100_000
ELEMENT = "el_"


class SqlUnsupported(Exception):
    """A rule uses a construct the SQL backend does not compile; the single-profile evaluator still handles it."""


class NotPerCode(Exception):
    """A quantifier's body reads more than its occupation's time: it runs as a list lambda instead."""


@dataclass(frozen=True, slots=True)
class Static:
    """A value known when compiling: an occupation list, a period, a list of literal values."""

    value: Any


@dataclass(frozen=True, slots=True)
class Code:
    """A quantifier variable that ranges over occupation codes taken from the lists (safe to prune jobs by)."""

    sql: x.Expr


@dataclass(frozen=True, slots=True)
class ThisCode:
    """The variable of a quantifier over worked occupations, evaluated one row per (profile, occupation)."""


@dataclass(frozen=True, slots=True)
class Element:
    """The variable of a quantifier over a list whose elements carry derived fields: each element is a struct of the
    original element (`r`) and the values of definitions computed once per element (see `engine.sql.elements`)."""

    variable: str
    derived: int

    @property
    def sql(self) -> x.Expr:
        return x.Field(x.Var(self.variable), "r")


Value = x.Expr | Static | Code | ThisCode | Element

THIS_CODE = x.Column("k", "noc")  # the occupation of the row, in a quantifier over the occupations worked


def literal(value: Any, node: ir.Node) -> x.Expr:  # noqa: C901 - one case per value kind
    """A value known when compiling, as SQL."""
    if isinstance(value, bool):
        return x.TRUE if value else x.FALSE
    if isinstance(value, int):
        return x.number(value)
    if isinstance(value, Points):
        return x.Token(str(value.amount))
    if isinstance(value, LanguageLevel):
        return x.Token(str(value.value))
    if isinstance(value, (Hours, Score)):
        return x.Double(value.amount)
    if isinstance(value, Duration):
        return x.number(value.months * DURATION_SCALE + value.days)
    if isinstance(value, str):
        return x.Text(value)
    if isinstance(value, datetime):
        return x.TimestampValue(value)
    if isinstance(value, date):
        return x.DateValue(value)
    if isinstance(value, ir.OccupationList):
        return x.Array(tuple(x.Text(c) for c in sorted(value.codes)))
    if isinstance(value, tuple):
        return x.Array(tuple(literal(v, node) for v in value))
    raise SqlUnsupported(f"{node.span.short}: no SQL for the value {value!r}")


def as_sql(value: Value, node: ir.Node) -> x.Expr:
    """The SQL of a compiled value."""
    if isinstance(value, Static):
        return literal(value.value, node)
    if isinstance(value, Code):
        return value.sql
    if isinstance(value, ThisCode):
        return THIS_CODE
    if isinstance(value, Element):
        return value.sql
    return value
