"""Running the compiled rules in DuckDB (embedded: nothing to start) over the pool view."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import ir
from engine.sql.compile import compile_rulebook
from engine.sql.dialect import DUCKDB

RESULT_VIEW = "verdicts"  # the view (or table) of one row of verdicts per profile that batches and rounds read


def register_sql_results(connection: Any, rulebook: ir.Rulebook, as_of: date, lazy: bool = False) -> None:
    """Evaluate the pool view `pool` into the table `verdicts` (one row per profile); `lazy`: a view instead, for a
    caller that reads it once (a batch streams it to its output file rather than keeping a copy in memory)."""
    compiled = compile_rulebook(rulebook, as_of, DUCKDB)
    for view in compiled.views:
        connection.execute(view)
    kind = "VIEW" if lazy else "TABLE"
    connection.execute(f"CREATE OR REPLACE TEMP {kind} {RESULT_VIEW} AS {compiled.query}")
