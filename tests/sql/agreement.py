"""Helpers shared by the agreement tests: run a rulebook over profiles with the evaluator and with the SQL backend."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from engine import ir
from engine.eval.traced import Verdict, evaluate_profile
from engine.model.facts import facts_from_profile
from engine.model.pool_columns import arrow_schema, row_from_profile
from engine.model.quantities import Points
from engine.pool.batch import reason_for
from engine.sql.compile import compile_rulebook


def pool_table(profiles: Sequence[Mapping[str, Any]]) -> Any:
    table = pa.Table.from_pylist([row_from_profile(p) for p in profiles], schema=arrow_schema())
    return table.add_column(0, "_line", pa.array(range(1, len(profiles) + 1), type=pa.int64()))


OUTPUTS = ("crs", "crs_source", "programs")


def python_verdicts(rulebook: ir.Rulebook, profiles: Sequence[Mapping[str, Any]],
                    as_of: date) -> list[dict[str, Any]]:
    """Each profile's verdicts and reason codes by the traced evaluator, with the CRS (given, else the score in force
    computed, a lower bound when a pending rule in force could reach the profile) and the programs (given, else those
    the rulebook's programs find eligible)."""
    found = []
    for profile in profiles:
        row: dict[str, Any] = {}
        evaluation = evaluate_profile(rulebook, facts_from_profile(profile), as_of)
        for result in evaluation.categories:
            row[result.category.id] = str(result.verdict)
            row[f"{result.category.id}_reason"] = reason_for(result.category, result.trace)
        score = evaluation.score
        if profile.get("crs") is not None:
            row["crs"], row["crs_source"] = int(profile["crs"]), "given"
        elif score is not None and isinstance(score.total, Points):
            row["crs"], row["crs_source"] = score.total.amount, "lower_bound" if score.bounded_by else "computed"
        else:
            row["crs"], row["crs_source"] = None, None
        given = profile.get("eligible_programs")
        if given is not None or not rulebook.programs:
            row["programs"] = None if given is None else list(given)
        else:
            row["programs"] = [p.category.id for p in evaluation.programs if p.verdict == Verdict.ELIGIBLE]
        found.append(row)
    return found


def duckdb_verdicts(rulebook: ir.Rulebook, profiles: Sequence[Mapping[str, Any]],
                    as_of: date) -> list[dict[str, Any]]:
    compiled = compile_rulebook(rulebook, as_of)
    with duckdb.connect() as connection:
        connection.register("pool", pool_table(profiles))
        for view in compiled.views:
            connection.execute(view)
        cursor = connection.execute(f"SELECT * FROM ({compiled.query}) ORDER BY line")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return [{name: row[name] for name in output_names(compiled.categories)} for row in rows]


def output_names(categories: Sequence[str]) -> list[str]:
    """The columns the engines must agree on, in the order `python_verdicts` gives them."""
    return [*(name for c in categories for name in (c, f"{c}_reason")), *OUTPUTS]
