"""The SQL the backend emits for Spark gives the same verdicts and reasons on PySpark (local mode) as the evaluator.

Skipped, with the reason, when PySpark (the optional `spark` extra) or Java is not installed.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from engine import ir
from engine.model.pool_columns import profile_from_row
from engine.pool.synth import rows, settings_for
from engine.sql.compile import compile_rulebook
from engine.sql.dialect import SPARK
from tests.sql.agreement import output_names, pool_table, python_verdicts

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                       reason="PySpark is not installed (pip install -e '.[spark]')"),
    pytest.mark.skipif(shutil.which("java") is None, reason="Java is absent: Spark needs a Java runtime"),
]

EDGES: list[dict[str, Any]] = [
    {"id": "bare"},
    {"id": "nurse-part-time", "eligible_programs": ["cec"], "work_history": [
        {"noc": "31301", "start": "2023-12-01", "end": None, "hours_per_week": 15}]},
    {"id": "nurse-back-to-back", "eligible_programs": ["fsw"], "work_history": [
        {"noc": "31301", "start": "2024-09-01", "end": "2024-10-31", "hours_per_week": 40},
        {"noc": "31301", "start": "2024-11-01", "end": "2025-02-28", "hours_per_week": 30}]},
    {"id": "hours-unknown", "eligible_programs": ["fsw"], "work_history": [
        {"noc": "31301", "start": "2020-01-01", "end": None}]},
    {"id": "french-missing-ability", "eligible_programs": ["fst"], "language_tests": [
        {"test": "tef_canada", "levels": {"listening": 9, "reading": 9, "writing": 9}}]},
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("rules-sql-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _spark_verdicts(spark: Any, rulebook: ir.Rulebook, profiles: list[dict[str, Any]], as_of: date,
                    folder: Path) -> list[dict[str, Any]]:
    path = folder / f"pool-{rulebook.year}.parquet"
    pq.write_table(pool_table(profiles), path)
    spark.read.parquet(str(path)).createOrReplaceTempView("pool")
    compiled = compile_rulebook(rulebook, as_of, SPARK)
    for view in compiled.views:
        spark.sql(view)
    found = spark.sql(compiled.query).orderBy("line").collect()
    return [{name: row[name] for name in output_names(compiled.categories)} for row in found]


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_spark_gives_the_evaluator_verdicts(spark: Any, year: str, tmp_path: Path,
                                            request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"given_programs_{year}")
    as_of = rulebook.in_force_until - timedelta(days=60)
    profiles = EDGES + [profile_from_row(r) for r in rows(settings_for(400, 5, as_of, [rulebook]))]
    expected = python_verdicts(rulebook, profiles, as_of)
    assert _spark_verdicts(spark, rulebook, profiles, as_of, tmp_path) == expected


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_spark_gives_the_evaluator_verdicts_for_the_shipped_rules(spark: Any, year: str, tmp_path: Path,
                                                                  request: pytest.FixtureRequest) -> None:
    """Programs computed from raw facts where a profile does not give them, levels from raw scores: the per-result
    derived fields, the guarded lists and the views restricted to the profiles that read them, on Spark."""
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    as_of = rulebook.in_force_until - timedelta(days=60)
    profiles = EDGES + [profile_from_row(r) for r in rows(settings_for(400, 7, as_of, [rulebook]))]
    expected = python_verdicts(rulebook, profiles, as_of)
    assert _spark_verdicts(spark, rulebook, profiles, as_of, tmp_path) == expected


def test_spark_gives_the_evaluator_lower_bounds_under_a_pending_rule(spark: Any, rulebook_2026: ir.Rulebook,
                                                                      tmp_path: Path) -> None:
    """From 2026-11-03 the high-wage occupation points are pending: a computed CRS the rule could reach is a lower
    bound (`crs_source` = `lower_bound`), on Spark as in the evaluator."""
    as_of = date(2026, 11, 20)
    profiles = EDGES + [profile_from_row(r) for r in rows(settings_for(200, 11, as_of, [rulebook_2026]))]
    expected = python_verdicts(rulebook_2026, profiles, as_of)
    assert any(row["crs_source"] == "lower_bound" for row in expected)
    assert _spark_verdicts(spark, rulebook_2026, profiles, as_of, tmp_path) == expected
