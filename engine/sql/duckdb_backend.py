"""Running the compiled rules in DuckDB (embedded: nothing to start) over the pool view."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import ir
from engine.pool.batch import RESULT_VIEW
from engine.sql.compile import compile_rulebook
from engine.sql.dialect import DUCKDB


def register_sql_results(connection: Any, rulebook: ir.Rulebook, as_of: date) -> None:
    """Evaluate the pool view `pool` into the table `verdicts` (one row per profile)."""
    compiled = compile_rulebook(rulebook, as_of, DUCKDB)
    for view in compiled.views:
        connection.execute(view)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {RESULT_VIEW} AS {compiled.query}")
