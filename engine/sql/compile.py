"""Rule trees to SQL: one query that gives every profile of a pool a verdict and a reason code per category.

The rule tree is compiled to a SQL expression tree (`engine.sql.expr`) by a visitor of the rule tree
(`engine.sql.nodes`), then rendered once for the dialect (`engine.sql.render`, `engine.sql.dialect`); the
statements are put together by `engine.sql.query`. This module is the entry point.
"""

from __future__ import annotations

import functools
from datetime import date

from engine import ir
from engine.sql.dialect import DUCKDB, Dialect
from engine.sql.query import Assembly, CompiledRulebook
from engine.sql.values import SqlUnsupported

POOL = "pool"

__all__ = ["POOL", "CompiledRulebook", "SqlUnsupported", "compile_rulebook"]


@functools.lru_cache(maxsize=8)
def compile_rulebook(rulebook: ir.Rulebook, as_of: date, dialect: Dialect = DUCKDB, pool: str = POOL,
                     categories_only: bool = False) -> CompiledRulebook:
    """`categories_only`: the programs and CRS columns say only what each profile gives (none is computed from its
    raw facts), for a caller that reads the categories' verdicts alone."""
    return Assembly(rulebook, as_of, dialect, pool).compile(categories_only)
