"""A Parquet pool is checked in SQL by conditions derived from the profile schema, over the columns as the file types
them: each row they find bad is rejected with every problem `validate` finds in the profile the row stands for, a
value that can be read per row is judged per row (never the whole file), and a file is refused only when it cannot be
read at all."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from engine.cli.main import main
from engine.model.pool_columns import arrow_schema
from engine.model.profile import validate
from engine.pool.load import LoadedPool, PoolError, load_pool
from tests.conftest import GIVEN_PROGRAMS
from tests.pools.parquet_rows import typed

VALID: dict[str, Any] = {
    "id": "valid", "eligible_programs": ["fsw"],
    "language_tests": [{"test": "ielts_general", "date": "2024-01-01",
                        "levels": {"listening": 7, "reading": 7, "writing": 7, "speaking": 7}}],
    "work_history": [{"noc": "31102", "start": "2022-01-01", "hours_per_week": 40}],
}
JOB = {"noc": "31102", "start": "2022-01-01"}
TEST = {"test": "ielts_general", "levels": {"listening": 7}}

# What differs from a valid profile; each breaks the schema in a way the pool's own column types can hold.
MALFORMED: list[dict[str, Any]] = [
    {"id": ""},
    {"id": "x" * 201},
    {"crs": 1300},
    {"crs": -1, "work_history": [{**JOB, "end": "2021-01-01"}, {**JOB, "noc": "x"}]},
    {"eligible_programs": ["pnp"]},
    {"eligible_programs": ["fsw", "fsw"]},
    {"eligible_programs": ["fsw", "fsw", "pnp"]},
    {"language_tests": [{"test": "toefl", "levels": {"reading": 7}}]},
    {"language_tests": [{"test": "ielts_general"}]},
    {"language_tests": [{**TEST, "levels": {"listening": 13}}, {"test": "toefl", "levels": {}}]},
    {"language_tests": [TEST, {**TEST, "levels": {"speaking": 0}}]},
    {"language_tests": [{"test": "pte_core", "scores": {"reading": 700.0, "writing": float("nan")}}]},
    {"language_tests": [{"test": "pte_core", "scores": {"writing": float("nan")}}]},  # alone: between no bounds
    {"language_tests": [{"test": "pte_core", "scores": {"speaking": float("-inf")}}]},
    {"work_history": [{**JOB, "hours_per_week": float("inf")}]},
    {"language_tests": [{**TEST, "date": "1899-12-31"}]},
    {"language_tests": [TEST] * 51},
    {"work_history": [{**JOB, "noc": "3110"}]},
    {"work_history": [{**JOB, "noc": "31102\n"}]},
    {"work_history": [{**JOB, "hours_per_week": 200}, {"noc": "31102"}]},
    {"work_history": [{**JOB, "end": "2021-01-01"}, {**JOB, "hours_per_week": -1}]},
    {"work_history": [{**JOB, "end": "2021-01-01"}]},
    {"work_history": [{**JOB, "title": "t" * 301, "country": "c" * 101}]},
    {"first_official_language": "latin"},
    {"education": {"level": "phd"}},
    {"education": {"canadian": True}},
    {"spouse": {"accompanying": True, "canadian_work_years": 61,
                "language_tests": [{"test": "celpip_general", "levels": {"reading": 13}}]}},
    {"spouse": {"canadian_citizen_or_pr": True}},
    {"job_offer": {"noc": "21231", "teer": 99, "basis": "cousin"}},
    {"date_of_birth": "2200-01-01", "submitted_at": "1899-12-31T23:59:59Z"},
]


def _write(path: Path, profiles: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.Table.from_pylist([typed(p) for p in profiles], schema=arrow_schema()), path)
    return path


def _load(path: Path) -> tuple[LoadedPool, list[tuple[Any, ...]]]:
    with duckdb.connect() as connection:
        loaded = load_pool(connection, path)
        kept = connection.execute("SELECT * FROM pool ORDER BY _line").fetchall()
    return loaded, kept


def test_each_malformed_row_is_rejected_with_every_problem_validate_finds(tmp_path: Path) -> None:
    profiles = [copy.deepcopy(VALID)] + [{**copy.deepcopy(VALID), **change} for change in MALFORMED]
    loaded, kept = _load(_write(tmp_path / "pool.parquet", profiles))
    assert loaded.rows_in == len(profiles)
    assert [row[0] for row in kept] == [1]
    expected = {line: "; ".join(map(str, validate(profile, "").problems))
                for line, profile in enumerate(profiles, 1) if line > 1}
    assert all(expected.values())
    assert {reject.line: reject.reason for reject in loaded.rejects} == expected


def _column(path: Path, name: str, values: pa.Array, base: int = 3) -> Path:
    """`base` valid profiles with a column `name` of the file's own type."""
    table = pa.Table.from_pylist([typed({**VALID, "id": f"p{n}"}) for n in range(base)], schema=arrow_schema())
    if name in table.column_names:
        table = table.drop_columns([name])
    pq.write_table(table.append_column(name, values), path)
    return path


# (column, its values in the file's type: the second is bad, and the reason the second row is rejected)
PER_ROW: list[tuple[str, pa.Array, str]] = [
    ("crs", pa.array(["400", "abc", "4.9e2"]), "$.crs: expected a whole number, found a text"),
    ("crs", pa.array(["400", "²", None]), "$.crs: expected a whole number, found a text"),
    ("crs", pa.array([400.0, 490.7, None]), "$.crs: expected a whole number, found a number"),
    ("crs", pa.array([Decimal(400), Decimal(2**70), Decimal(0)], pa.decimal128(38, 0)),
     "$.crs: 1180591620717411303424 is more than the maximum of 1200"),
    ("crs", pa.array([400, 2**63 + 5, 0], pa.uint64()),
     "$.crs: 9223372036854775813 is more than the maximum of 1200"),
    ("date_of_birth", pa.array(["1990-01-01", "2020-02-30", None]),
     "$.date_of_birth: '2020-02-30' is not a valid date (for example 2025-02-27)"),
    ("date_of_birth", pa.array([7000, -719528 - 400, 7000], pa.int32()).cast(pa.date32()),
     "$.date_of_birth: '0003-11-27 (BC)' is not a valid date (for example 2025-02-27)"),
    ("date_of_birth", pa.array([7000, 2932897 + 10, 7000], pa.int32()).cast(pa.date32()),
     "$.date_of_birth: '10000-01-11' is not a valid date (for example 2025-02-27)"),
    ("submitted_at", pa.array([datetime(2024, 1, 1), datetime(1850, 1, 1), None], pa.timestamp("us")),
     "$.submitted_at: '1850-01-01T00:00:00Z' lies outside the years 1900 to 2199 a profile's dates may take"),
    ("submitted_at", pa.array(["2024-01-01T10:00:00Z", "2024-01-01 10:00", None]),
     "$.submitted_at: '2024-01-01 10:00' is not a valid date-time (for example 2025-02-27T13:00:00Z)"),
    ("provincial_nomination", pa.array(["true", "yes", "false"]),
     "$.provincial_nomination: expected true or false, found a text"),
    ("provincial_nomination", pa.array([None, 1, None], pa.int8()),
     "$.provincial_nomination: expected true or false, found a whole number"),
    ("nickname", pa.array([None, "Sam", None]), "$.nickname: is not a field of this record; fields: id, "
     "submitted_at, date_of_birth, eligible_programs, crs, language_tests, work_history, first_official_language, "
     "education, spouse, job_offer, provincial_nomination, certificate_of_qualification, sibling_in_canada, "
     "relative_in_canada, military"),
    ("id", pa.array(["p0", None, "p2"]), "$: 'id' is required"),
    ("id", pa.array(["p0", "p0", "p2"]), "$.id: 'p0' is also the id of line 1"),
]


@pytest.mark.parametrize(("name", "values", "reason"), PER_ROW,
                         ids=[f"{name}-{values.type}-{n}" for n, (name, values, _) in enumerate(PER_ROW)])
def test_a_bad_value_of_any_column_type_rejects_its_row_alone(
        name: str, values: pa.Array, reason: str, tmp_path: Path) -> None:
    loaded, kept = _load(_column(tmp_path / "pool.parquet", name, values))
    assert [(reject.line, reject.reason) for reject in loaded.rejects] == [(2, reason)]
    assert [row[0] for row in kept] == [1, 3]


def test_values_of_other_types_are_kept_as_the_values_they_stand_for(tmp_path: Path) -> None:
    zone = timezone(timedelta(hours=5, minutes=30))
    path = _column(tmp_path / "pool.parquet", "crs", pa.array(["400", "4.9e2", None]))
    table = pq.read_table(path).drop_columns(["id", "submitted_at", "sibling_in_canada"])
    table = table.append_column("id", pa.array([7, 8, 9], pa.int64()))
    table = table.append_column("submitted_at", pa.array([datetime(2025, 1, 1, 13, 0, tzinfo=zone)] * 3,
                                                         pa.timestamp("us", tz="+05:30")))
    table = table.append_column("sibling_in_canada", pa.array(["true", "false", None]))
    pq.write_table(table, path)
    loaded, _ = _load(path)
    assert loaded.rejects == ()
    with duckdb.connect() as connection:
        load_pool(connection, path)
        rows = connection.execute("SELECT id, crs, submitted_at, sibling_in_canada FROM pool ORDER BY _line").fetchall()
    assert rows == [("7", 400, datetime(2025, 1, 1, 7, 30), True), ("8", 490, datetime(2025, 1, 1, 7, 30), False),
                    ("9", None, datetime(2025, 1, 1, 7, 30), None)]


@pytest.mark.parametrize(("content", "message"), [
    (b"id,crs\nx,400\n", "not a readable Parquet file"),
    (None, "not a readable Parquet file"),
    (b"", "not a readable Parquet file"),
])
def test_a_file_that_cannot_be_read_as_parquet_is_refused_whole(
        content: bytes | None, message: str, tmp_path: Path) -> None:
    path = tmp_path / "pool.parquet"
    if content is None:  # a real pool, cut in half
        whole = _write(tmp_path / "whole.parquet", [VALID]).read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    with pytest.raises(PoolError, match=message):
        _load(path)
    result = CliRunner().invoke(main, ["batch", str(path), "--rules", str(GIVEN_PROGRAMS / "2025"),
                                       "--as-of", "2025-06-01", "--out", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_a_parquet_pool_without_an_id_column_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "pool.parquet"
    pq.write_table(pa.table({"crs": [400]}), path)
    with pytest.raises(PoolError, match="the pool has no 'id' column"):
        _load(path)
