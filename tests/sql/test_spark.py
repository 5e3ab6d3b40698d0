"""The SQL the backend emits for Spark gives the same verdicts, reasons, programs and CRS on PySpark (local mode) as
the evaluator, for the `given-programs` rulebooks and for every shipped rulebook.

Spark spends its time planning and compiling queries, not on rows: one session serves the whole test run, one pool
(few profiles, chosen for their edges) is registered once, and every rulebook's query is one Spark job against it.
Skipped, with the reason, only when Java is absent; the `spark` extra is part of the project's set-up (`make`), so a
missing PySpark is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from engine import ir
from engine.model.pool_columns import profile_from_row
from engine.model.profile import read_profiles
from engine.pool.synth import rows, settings_for
from engine.sql.compile import compile_rulebook
from engine.sql.dialect import SPARK, SPARK_SESSION_SETTINGS
from tests.conftest import EXAMPLES
from tests.sql.agreement import output_names, pool_table, python_verdicts


def java_present() -> bool:
    """Where PySpark looks for Java: under JAVA_HOME when it is set, else on the PATH."""
    home = os.environ.get("JAVA_HOME")
    return (Path(home) / "bin" / "java").is_file() if home else shutil.which("java") is not None


pytestmark = pytest.mark.skipif(not java_present(),
                                reason="Java is absent: Spark needs a Java runtime (default-jre-headless)")

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


@dataclass(frozen=True, slots=True)
class Case:
    """One rulebook as of one day: the query Spark runs and the verdicts the evaluator gives."""

    name: str
    rulebook: ir.Rulebook
    as_of: date


def spark_session() -> Any:
    """Local mode on two cores, as little as Spark needs for a test (no web UI, two shuffle partitions, the plan
    shown to listeners in its short form), the driver's heap stated rather than left to the JVM's default, and the
    settings the SQL is meant to run with (`SPARK_SESSION_SETTINGS`)."""
    try:
        from pyspark.sql import SparkSession
    except ModuleNotFoundError:
        pytest.fail("PySpark is missing: the project's set-up installs it (pip install -e '.[dev,spark]')")
    builder = (SparkSession.builder.master("local[2]").appName("rules-sql-test")
               .config("spark.driver.memory", "2g")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.ui.explainMode", "simple")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2"))
    for key, value in SPARK_SESSION_SETTINGS:
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    session = spark_session()
    yield session
    session.stop()


@pytest.fixture(scope="session")
def cases(given_programs_2023: ir.Rulebook, given_programs_2025: ir.Rulebook, rulebook_2023: ir.Rulebook,
          rulebook_2025: ir.Rulebook, rulebook_2026: ir.Rulebook) -> list[Case]:
    """Each rulebook two months before its end (the last score version in force), and 2026 on a day its pending
    high-wage rule makes a computed CRS a lower bound. The 2024 rulebook compiles to 2023's statements but for their
    dates (checked below), so Spark need not plan them again."""
    return [
        Case("given-programs-2023", given_programs_2023, date(2023, 10, 31)),
        Case("given-programs-2025", given_programs_2025, date(2025, 10, 31)),
        Case("rules-2023", rulebook_2023, date(2023, 10, 31)),
        Case("rules-2025", rulebook_2025, date(2025, 10, 31)),
        Case("rules-2026-pending", rulebook_2026, date(2026, 11, 20)),
    ]


@pytest.fixture(scope="session")
def profiles(cases: list[Case]) -> list[dict[str, Any]]:
    """The edges above, the example profiles (military service, spouses, raw scores, French first), and a few
    synthetic profiles drawn around each case's day, half of them leaving the CRS and programs to the rules."""
    examples = [dict(p.data) for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path) if p.data]
    drawn: list[dict[str, Any]] = []
    for seed, case in enumerate(cases):
        for stated in (True, False):
            settings = settings_for(12, seed, case.as_of, [case.rulebook], stated_conclusions=stated)
            drawn += [{**profile_from_row(row), "id": f"{case.name}-{stated}-{row['id']}"} for row in rows(settings)]
    return EDGES + examples + drawn


@pytest.fixture(scope="session")
def spark_rows(spark: Any, cases: list[Case], profiles: list[dict[str, Any]],
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Every case's rows from Spark, one job per case against the one registered pool. Each query is analysed as soon
    as it is built (its views resolved), so the next case may replace the views of the same names."""
    from pyspark.sql import functions as F

    path = tmp_path_factory.mktemp("spark-pool") / "pool.parquet"
    pq.write_table(pool_table(profiles), path)
    spark.read.parquet(str(path)).createOrReplaceTempView("pool")
    frames = []
    for case in cases:
        compiled = compile_rulebook(case.rulebook, case.as_of, SPARK)
        for view in compiled.views:
            spark.sql(view)
        outputs = F.struct(*(F.col(f"`{name}`") for name in output_names(compiled.categories)))
        frames.append(spark.sql(compiled.query).select(
            F.lit(case.name).alias("case"), "line", F.to_json(outputs, {"ignoreNullFields": "false"}).alias("row")))
    found: dict[str, dict[int, dict[str, Any]]] = {case.name: {} for case in cases}
    for frame in frames:  # one job each: the union of all in one job ran out of memory in a 2 GiB driver
        for row in frame.collect():
            found[row["case"]][row["line"]] = json.loads(row["row"])
    return {name: [lines[line] for line in sorted(lines)] for name, lines in found.items()}


@pytest.fixture(scope="session")
def evaluator_rows(cases: list[Case], profiles: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {case.name: python_verdicts(case.rulebook, profiles, case.as_of) for case in cases}


@pytest.mark.parametrize("name", ["given-programs-2023", "given-programs-2025", "rules-2023", "rules-2025",
                                  "rules-2026-pending"])
def test_spark_gives_the_evaluators_verdicts_reasons_programs_and_crs(
        name: str, profiles: list[dict[str, Any]], evaluator_rows: dict[str, list[dict[str, Any]]],
        spark_rows: dict[str, list[dict[str, Any]]]) -> None:
    found = spark_rows[name]
    assert len(found) == len(profiles)
    for profile, want, got in zip(profiles, evaluator_rows[name], found):
        assert got == want, profile["id"]


def test_the_pool_reaches_every_verdict_and_every_source_of_a_crs(
        cases: list[Case], evaluator_rows: dict[str, list[dict[str, Any]]]) -> None:
    """The few profiles are enough only if they reach each verdict, and each way a CRS is had, somewhere."""
    verdicts: set[str] = set()
    sources: set[str | None] = set()
    for case in cases:
        for row in evaluator_rows[case.name]:
            verdicts |= {row[c.id] for c in case.rulebook.categories}
            sources.add(row["crs_source"])
    assert verdicts == {"eligible", "not_eligible", "undetermined"}
    assert sources == {"given", "computed", "lower_bound", None}


def test_the_2024_rulebook_gives_spark_the_2023_statements_but_for_their_dates(rulebook_2023: ir.Rulebook,
                                                                                rulebook_2024: ir.Rulebook) -> None:
    """What lets the Spark test leave 2024 out: the same statements, a year later, with only dates changed."""
    earlier = compile_rulebook(rulebook_2023, date(2023, 10, 31), SPARK)
    later = compile_rulebook(rulebook_2024, date(2024, 10, 31), SPARK)

    def undated(sql: str) -> str:
        return re.sub(r"DATE '\d{4}-\d{2}-\d{2}'", "DATE ?", sql)

    assert [undated(view) for view in earlier.views] == [undated(view) for view in later.views]
    assert undated(earlier.query) == undated(later.query)
    assert earlier.query != later.query and earlier.categories == later.categories
