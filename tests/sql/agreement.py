"""Helpers shared by the agreement tests: run a rulebook over profiles with the evaluator and with the SQL backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from engine import ir
from engine.evaluate import evaluate
from engine.facts import facts_from_profile
from engine.pool.batch import reason_for
from engine.pool.schema import arrow_schema, row_from_profile
from engine.sql.compile import compile_rulebook


def pool_table(profiles: Sequence[Mapping[str, Any]]) -> Any:
    table = pa.Table.from_pylist([row_from_profile(p) for p in profiles], schema=arrow_schema())
    return table.add_column(0, "_line", pa.array(range(1, len(profiles) + 1), type=pa.int64()))


def python_verdicts(rulebook: ir.Rulebook, profiles: Sequence[Mapping[str, Any]],
                    as_of: date) -> list[dict[str, str | None]]:
    found = []
    for profile in profiles:
        row: dict[str, str | None] = {}
        for result in evaluate(rulebook, facts_from_profile(profile), as_of):
            row[result.category.id] = str(result.verdict)
            row[f"{result.category.id}_reason"] = reason_for(result.category, result.trace)
        found.append(row)
    return found


def duckdb_verdicts(rulebook: ir.Rulebook, profiles: Sequence[Mapping[str, Any]],
                    as_of: date) -> list[dict[str, str | None]]:
    compiled = compile_rulebook(rulebook, as_of)
    with duckdb.connect() as connection:
        connection.register("pool", pool_table(profiles))
        for view in compiled.views:
            connection.execute(view)
        cursor = connection.execute(f"SELECT * FROM ({compiled.query}) ORDER BY line")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return [{name: row[name] for c in compiled.categories for name in (c, f"{c}_reason")} for row in rows]
