"""What every part of the compiler shares: the rulebook, the dialect, the state gathered so far, and how a node is
compiled in an environment of variables.

The compiler is a chain of classes, one concern each, each building on the one before: `context` (this), `guards`
(where a value is needed, definition columns, hoisting), `elements` (values computed once per element of a list),
`work` (reading the work history), `lists` (quantifiers and aggregates over lists), and `nodes`, the visitor of the
rule tree that gives each node kind its SQL.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date

from engine import ir
from engine.sql import expr as x
from engine.sql.analyses import has_lambda
from engine.sql.dialect import Dialect
from engine.sql.render import Renderer
from engine.sql.state import CompileState
from engine.sql.values import SqlUnsupported, Value, as_sql

# Past this many characters, a value read twice by one expression (a NULL test and the value) is bound once instead.
BIND_LENGTH = 2_000
# Past this many characters, a guard is not repeated before each operand (repeating it costs more than it saves).
CHEAP_GUARD_LENGTH = 300
# The most nodes the rendered SQL may hold (each shared node counted once per place it is written): past it the rules
# are refused by the SQL backend (the evaluator still runs them) rather than written out as statements too large to
# plan. The shipped rulebooks compile to about 9,300.
MAX_SQL_NODES = 200_000


class SqlTooLarge(SqlUnsupported):
    """The compiled SQL would hold more nodes than `MAX_SQL_NODES`."""


class CompilerBase(ABC):
    def __init__(self, rulebook: ir.Rulebook, as_of: date, dialect: Dialect, pool: str,
                 uses: dict[str, int]) -> None:
        self.rulebook = rulebook
        self.as_of = as_of
        self.d = dialect
        self.pool = pool
        self.state = CompileState(uses=uses)
        self.text = Renderer(dialect)  # provisional text: the keys of shared expressions, and their lengths
        self.env: Mapping[str, Value] = {}

    @abstractmethod
    def dispatch(self, node: ir.Node) -> Value:
        """The node's value in the environment `self.env` (the visitor's method for its kind)."""

    def value(self, node: ir.Node, env: Mapping[str, Value]) -> Value:
        saved, self.env = self.env, env
        try:
            return self.dispatch(node)
        finally:
            self.env = saved

    def sql(self, node: ir.Node, env: Mapping[str, Value]) -> x.Expr:
        return as_sql(self.value(node, env), node)

    def key(self, sql: x.Expr) -> str:
        """What identifies an expression among those the query shares: its provisional text."""
        return self.text(sql)

    def size(self, sql: x.Expr) -> int:
        """How many nodes the expression's text holds; counted without writing the text."""
        return x.size(sql)

    def check_size(self, sql: x.Expr, what: str) -> None:
        """Refuses SQL larger than the limit, counted on the tree before a character of it is written. A definition
        with parameters is copied where it is called (its SQL reads its arguments), so a chain of definitions each
        calling the one before twice doubles at each level: each call is measured, and the first copy past the limit
        stops the compiler (its work is at most twice the limit)."""
        nodes = self.size(sql)
        if nodes > MAX_SQL_NODES:
            raise SqlTooLarge(f"{what} {nodes:,} nodes; the limit on compiled SQL (MAX_SQL_NODES) is "
                              f"{MAX_SQL_NODES:,}")

    def width(self, sql: x.Expr, limit: int) -> int:
        """The length of the expression's text, or `limit + 1` when it is longer than `limit`: every node writes at
        least one character, so an expression of more nodes than `limit` is never written out to be measured."""
        return limit + 1 if self.size(sql) > limit else min(len(self.text(sql)), limit + 1)

    def cheap(self, sql: x.Expr) -> bool:
        """An expression cheap enough to repeat as a guard: short, and no list lambda."""
        return self.width(sql, CHEAP_GUARD_LENGTH) < CHEAP_GUARD_LENGTH and not has_lambda(sql, self.d.is_spark)

    def unique(self, sqls: list[x.Expr]) -> list[x.Expr]:
        """The expressions, each text once, in order."""
        seen: dict[str, x.Expr] = {}
        for sql in sqls:
            seen.setdefault(self.key(sql), sql)
        return list(seen.values())

    @staticmethod
    def element(kind: str, where: x.Expr | None, body: x.Expr) -> x.Expr:
        """One element's value: a `where` that is false leaves the element out (false for `any`, true for `all`)."""
        if where is None:
            return body
        if kind == "any":
            return x.Infix("AND", (where, body))
        return x.Case(((x.Not(x.Call("coalesce", (where, x.Token("true"))), parens=False), x.TRUE),),
                      x.Infix("AND", (where, body)))
