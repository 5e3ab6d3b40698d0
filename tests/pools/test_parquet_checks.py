"""A Parquet pool is checked in SQL as the profile schema would check each row: every malformed row is set aside with
the first problem found (in the schema's order: id, crs, programs, language results, jobs), whatever other problems
the same row has, and a row with none is evaluated."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from engine.model.pool_columns import arrow_schema, row_from_profile
from engine.pool.load import load_pool

VALID: dict[str, Any] = {
    "id": "valid", "eligible_programs": ["fsw"],
    "language_tests": [{"test": "ielts_general", "date": "2024-01-01",
                        "levels": {"listening": 7, "reading": 7, "writing": 7, "speaking": 7}}],
    "work_history": [{"noc": "31102", "start": "2022-01-01", "hours_per_week": 40}],
}
JOB = {"noc": "31102", "start": "2022-01-01"}
TEST = {"test": "ielts_general", "levels": {"listening": 7}}

# (what differs from a valid profile, the reason the row is set aside)
MALFORMED: list[tuple[dict[str, Any], str]] = [
    ({"id": ""}, "$.id: 'id' is required"),
    ({"crs": 1300}, "$.crs: must be a whole number from 0 to 1200"),
    ({"eligible_programs": ["pnp"]}, "$.eligible_programs: each program is one of: fsw, cec, fst"),
    ({"eligible_programs": ["fsw", "fsw"]}, "$.eligible_programs: a program is listed twice"),
    ({"eligible_programs": ["fsw", "fsw", "pnp"]}, "$.eligible_programs: each program is one of: fsw, cec, fst"),
    ({"language_tests": [{"test": "toefl"}]}, "$.language_tests[*].test: each test is one of: ielts_general, "
                                              "celpip_general, pte_core, tef_canada, tcf_canada"),
    ({"language_tests": [{**TEST, "levels": {"listening": 13}}, {"test": "toefl"}]},
     "$.language_tests[*].test: each test is one of: ielts_general, celpip_general, pte_core, tef_canada, tcf_canada"),
    ({"language_tests": [TEST, {**TEST, "levels": {"speaking": 0}}]},
     "$.language_tests[*].levels: levels run from 1 to 12"),
    ({"work_history": [{**JOB, "noc": "3110"}]}, "$.work_history[*].noc: each job needs a five-digit NOC 2021 code"),
    ({"work_history": [{**JOB, "hours_per_week": 200}, {"noc": "31102"}]},
     "$.work_history[*].start: each job needs a start date"),
    ({"work_history": [{**JOB, "end": "2021-01-01"}, {**JOB, "hours_per_week": -1}]},
     "$.work_history[*].hours_per_week: hours per week run from 0 to 168"),
    ({"work_history": [{**JOB, "end": "2021-01-01"}]}, "$.work_history[*].end: a job ends before it starts"),
    ({"work_history": [{**JOB, "end": "2021-01-01"}, {**JOB, "noc": "x"}], "crs": -1},
     "$.crs: must be a whole number from 0 to 1200"),
]


@pytest.fixture
def checked(tmp_path: Path) -> dict[int, str]:
    profiles = [copy.deepcopy(VALID)] + [{**copy.deepcopy(VALID), **change} for change, _ in MALFORMED]
    path = tmp_path / "pool.parquet"
    pq.write_table(pa.Table.from_pylist([row_from_profile(p) for p in profiles], schema=arrow_schema()), path)
    with duckdb.connect() as connection:
        loaded = load_pool(connection, path)
        kept = connection.execute("SELECT _line FROM pool").fetchall()
    assert loaded.rows_in == len(profiles)
    assert kept == [(1,)]
    return {reject.line: reject.reason for reject in loaded.rejects}


def test_each_malformed_row_is_set_aside_with_the_first_problem_found(checked: dict[int, str]) -> None:
    assert checked == {line: reason for line, (_, reason) in enumerate(MALFORMED, start=2)}
