"""What the compiler has gathered so far: the columns, views and per-element fields the query will need.

Expressions are keyed by their provisional text (`engine.sql.render`): two places that compile to the same SQL share
one column, one view or one field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.model.quantities import Period
from engine.sql import expr as x


@dataclass
class DerivedList:
    """A profile's list with, for each element, the derived fields the rules read (by the text of the field's SQL)."""

    domain: x.Expr
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    exprs: dict[str, x.Expr] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    names: dict[tuple[str, tuple[str | None, ...]], str] = field(default_factory=dict)

    def field(self, key: str, sql: x.Expr, level: int) -> str:
        """The name of the field computing `sql` (added at `level` when new)."""
        alias = self.fields.setdefault(key, f"v{len(self.fields)}")
        self.exprs.setdefault(alias, sql)
        self.levels.setdefault(alias, level)
        return alias


@dataclass
class Keyed:
    """Expressions by text, each with its alias or index, in the order first met."""

    entries: dict[str, tuple[str, x.Expr]] = field(default_factory=dict)

    def add(self, key: str, sql: x.Expr, alias: str) -> str:
        return self.entries.setdefault(key, (alias, sql))[0]

    def __len__(self) -> int:
        return len(self.entries)

    def items(self) -> list[tuple[str, x.Expr]]:
        return list(self.entries.values())


@dataclass
class WorkViews:
    """Views over the work history: sums of hours by selection of jobs and window (`where` by its text)."""

    entries: dict[tuple[str, Period], tuple[int, x.Expr]] = field(default_factory=dict)

    def add(self, key: str, where: x.Expr, period: Period) -> int:
        return self.entries.setdefault((key, period), (len(self.entries), where))[0]

    def __bool__(self) -> bool:
        return bool(self.entries)

    def indices(self) -> list[int]:
        return [index for index, _ in self.entries.values()]

    def items(self) -> list[tuple[int, x.Expr, Period]]:
        return [(index, where, period) for (_, period), (index, where) in self.entries.items()]


@dataclass
class CompileState:
    windows: dict[Period, int] = field(default_factory=dict)
    unlisted: set[int] = field(default_factory=set)
    variables: int = 0
    depth: int = 0
    hoisted: Keyed = field(default_factory=Keyed)
    per_code: bool = False
    maps: set[int] = field(default_factory=set)
    per_code_windows: set[int] = field(default_factory=set)
    longest: set[int] = field(default_factory=set)  # the windows whose longest run some rule reads
    reads: dict[str, list[x.Expr] | None] = field(default_factory=dict)
    per_code_columns: Keyed = field(default_factory=Keyed)
    hours_in: WorkViews = field(default_factory=WorkViews)
    hours_in_code: WorkViews = field(default_factory=WorkViews)
    rule_columns: dict[str, tuple[str, x.Expr, int]] = field(default_factory=dict)
    levels: list[int] = field(default_factory=list)
    uses: dict[str, int] = field(default_factory=dict)
    derived: list[DerivedList] = field(default_factory=list)
    derivable: dict[str, bool] = field(default_factory=dict)
    context: list[list[int]] = field(default_factory=list)
    guards: list[x.Expr] = field(default_factory=list)

    def fresh(self, prefix: str) -> str:
        """A new lambda variable."""
        self.variables += 1
        return f"{prefix}{self.variables}_"
