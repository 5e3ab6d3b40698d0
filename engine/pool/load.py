"""Reading a pool into DuckDB: every row either becomes a typed profile row or a rejection with its line and reason.

Parquet is read by DuckDB directly (its columns must have the pool's types; values are checked in SQL, as the
profile schema would check them). JSON Lines and CSV are read line by line and each profile is checked against the
profile schema itself, so a malformed line names its JSON path. Either way: rows in = rows kept + rows rejected.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.pool.schema import COLUMNS, JOB_FIELDS, row_from_profile
from engine.profile import country_problem, normalise_country, validate

POOL_VIEW = "pool"
NESTED_CSV_COLUMNS = ("eligible_programs", "language_tests", "work_history")
PROGRAMS = ("fsw", "cec", "fst")
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")


class PoolError(Exception):
    """The pool file as a whole cannot be read (missing, unknown format, wrong column types)."""


@dataclass(frozen=True, slots=True)
class Reject:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class LoadedPool:
    """A pool registered in a DuckDB connection as the view `pool` (typed columns plus `_line`).

    For JSON Lines and CSV, `documents` keeps each valid profile as read, by line: the pool columns carry the facts
    the SQL backend reads, the evaluator reads every fact of the profile model."""

    path: Path
    rows_in: int
    rejects: tuple[Reject, ...]
    documents: Mapping[int, Mapping[str, Any]] | None = None

    @property
    def rows_kept(self) -> int:
        return self.rows_in - len(self.rejects)


def pool_connection(progress_bar: bool = False) -> Any:
    """An embedded DuckDB connection for pool work. Rows need not keep the order they were inserted in (every output
    is ordered, by line or by rank), which lets DuckDB load and write in parallel with less memory."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"SET enable_progress_bar = {'true' if progress_bar else 'false'}")
    connection.execute("SET preserve_insertion_order = false")
    return connection


# What loading checks and rounds read, kept whatever the rules read. The row checks read no other column.
ALWAYS_KEPT = frozenset({"id", "submitted_at", "crs", "eligible_programs", "language_tests", "work_history"})


def load_pool(connection: Any, path: Path, keep: Collection[str] | None = None) -> LoadedPool:
    """`keep`: the columns of a Parquet pool worth holding in memory (the checks still read theirs); None keeps them
    all, as the evaluator, which reads whole profiles, needs."""
    if not path.is_file():
        raise PoolError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return _load_parquet(connection, path, None if keep is None else ALWAYS_KEPT | set(keep))
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _load_rows(connection, path, _json_lines(path))
    if suffix == ".csv":
        return _load_rows(connection, path, _csv_rows(path))
    raise PoolError(f"{path}: a pool is a .parquet, .jsonl (JSON Lines) or .csv file")


# Parquet ------------------------------------------------------------------------------------------------------------


def _load_parquet(connection: Any, path: Path, keep: Collection[str] | None) -> LoadedPool:
    import duckdb

    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        present = {row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM read_parquet({literal})").fetchall()}
    except duckdb.Error as error:
        raise PoolError(f"{path}: not a readable Parquet file ({_first_line(error)})") from None
    if "id" not in present:
        raise PoolError(f"{path}: the pool has no 'id' column")
    columns = ", ".join(
        f'CAST({_quote(name)} AS {kind}) AS {_quote(name)}' if name in present else f"CAST(NULL AS {kind}) AS {name}"
        for name, kind in COLUMNS.items() if keep is None or name in keep)
    checks = _row_checks()
    try:
        connection.execute(f"""
            CREATE OR REPLACE TEMP TABLE pool_checked AS
            SELECT *, {checks} AS _reject FROM (
              SELECT file_row_number + 1 AS _line, {columns} FROM read_parquet({literal}, file_row_number = true)
            ) source""")
        _canonical_countries(connection)
        connection.execute("CREATE OR REPLACE TEMP TABLE pool_rejects AS "
                           "SELECT _line, _reject FROM pool_checked WHERE _reject IS NOT NULL")
        connection.execute(f"CREATE OR REPLACE TEMP VIEW {POOL_VIEW} AS "
                           f"SELECT * EXCLUDE (_reject) FROM pool_checked WHERE _reject IS NULL")
        counts = connection.execute("SELECT count(*) FROM pool_checked").fetchone()
        rejected = connection.execute("SELECT _line, _reject FROM pool_rejects ORDER BY _line").fetchall()
    except duckdb.Error as error:
        raise PoolError(f"{path}: the columns do not have the pool's types ({_first_line(error)})") from None
    assert counts is not None
    return LoadedPool(path, int(counts[0]), tuple(Reject(int(line), str(reason)) for line, reason in rejected))


# The checks, in the order their problems are reported: ("row", condition, reason) on the row's columns, or
# (list column, lambda variable, condition on one element, reason) when some element of the list fails it.
def _checks() -> list[tuple[str, ...]]:
    tests = ", ".join(f"'{t}'" for t in TESTS)
    programs = ", ".join(f"'{p}'" for p in PROGRAMS)
    levels = " OR ".join(f"NOT coalesce(t.levels.{a} BETWEEN 1 AND 12, true)" for a in
                         ("listening", "reading", "writing", "speaking"))
    # With every program known, a program is listed twice when the list is longer than the programs it contains.
    listed = " + ".join(f"CAST(list_contains(eligible_programs, '{p}') AS INTEGER)" for p in PROGRAMS)
    return [
        ("row", "id IS NULL OR id = ''", "$.id: 'id' is required"),
        ("row", "crs IS NOT NULL AND (crs < 0 OR crs > 1200)", "$.crs: must be a whole number from 0 to 1200"),
        ("eligible_programs", "p", f"p IS NULL OR p NOT IN ({programs})",
         f"$.eligible_programs: each program is one of: {', '.join(PROGRAMS)}"),
        ("row", f"len(eligible_programs) > {listed}", "$.eligible_programs: a program is listed twice"),
        ("row", "len(language_tests) > 50", "$.language_tests: at most 50 results"),
        ("language_tests", "t", f"t IS NULL OR t.test IS NULL OR t.test NOT IN ({tests})",
         f"$.language_tests[*].test: each test is one of: {', '.join(TESTS)}"),
        ("language_tests", "t", levels, "$.language_tests[*].levels: levels run from 1 to 12"),
        ("row", "len(work_history) > 200", "$.work_history: at most 200 jobs"),
        ("work_history", "j", "j IS NULL OR j.noc IS NULL OR NOT regexp_full_match(j.noc, '[0-9]{5}')",
         "$.work_history[*].noc: each job needs a five-digit NOC 2021 code"),
        ("work_history", "j", "j.start IS NULL", "$.work_history[*].start: each job needs a start date"),
        ("work_history", "j", "j.hours_per_week < 0 OR j.hours_per_week > 168",
         "$.work_history[*].hours_per_week: hours per week run from 0 to 168"),
        ("work_history", "j", 'j."end" < j.start', "$.work_history[*].end: a job ends before it starts"),
    ]


def _row_checks() -> str:
    """One SQL expression: NULL for a row the profile schema would accept, else the first problem found. Each check
    gives its number when it fails (a list's checks in one pass over the list: per element, the first it fails; over
    the list, the least), and the least number names the problem."""
    checks = _checks()
    codes = [f"CASE WHEN coalesce({check[1]}, false) THEN {number} END"
             for number, check in enumerate(checks) if check[0] == "row"]
    for column in dict.fromkeys(check[0] for check in checks if check[0] != "row"):
        variable = next(check[1] for check in checks if check[0] == column)
        cases = " ".join(f"WHEN {check[2]} THEN {number}" for number, check in enumerate(checks)
                         if check[0] == column)
        codes.append(f"list_min(list_transform({column}, lambda {variable}: CASE {cases} END))")
    reasons = ", ".join("'" + check[-1].replace("'", "''") + "'" for check in checks)
    return f"[{reasons}][least({', '.join(codes)}) + 1]"


def _canonical_countries(connection: Any) -> None:
    """The jobs' countries as the profile loader gives them (`engine.profile.country_names`): each spelling found in
    the pool is looked up once, the rows that write a country another way get its canonical spelling, and a row with
    a country no spelling matches is rejected at that job's path (unless an earlier check rejected it)."""
    countries = "list_transform(work_history, lambda j: j.country)"
    found = [row[0] for row in connection.execute(
        "SELECT DISTINCT j.country FROM (SELECT unnest(work_history) AS j FROM pool_checked) jobs "
        "WHERE j.country IS NOT NULL").fetchall()]
    canonical = {value: normalise_country(value) for value in found}
    renamed = {value: name for value, name in canonical.items() if name is not None and name != value}
    unknown = sorted(value for value, name in canonical.items() if name is None)
    if renamed:
        cases = " ".join(f"WHEN {_text(value)} THEN {_text(name)}" for value, name in sorted(renamed.items()))
        fields = ", ".join(f'{_quote(f)} := j.{_quote(f)}' if f != "country" else
                           f"country := CASE j.country {cases} ELSE j.country END" for f in JOB_FIELDS)
        spellings = f"[{', '.join(map(_text, sorted(renamed)))}]"
        connection.execute(f"UPDATE pool_checked SET work_history = list_transform(work_history, lambda j: "
                           f"struct_pack({fields})) WHERE list_has_any({countries}, {spellings})")
    if unknown:
        listed = f"[{', '.join(map(_text, unknown))}]"
        first = f"list_position(list_transform(work_history, lambda j: coalesce(list_contains({listed}, j.country), " \
                "false)), true)"
        messages = " ".join(f"WHEN {_text(value)} THEN {_text(country_problem(value))}" for value in unknown)
        connection.execute(f"""
            UPDATE pool_checked SET _reject = '$.work_history[' || CAST({first} - 1 AS VARCHAR) || '].country: '
              || CASE work_history[{first}].country {messages} END
            WHERE _reject IS NULL AND list_has_any({countries}, {listed})""")


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# JSON Lines and CSV -------------------------------------------------------------------------------------------------


def _load_rows(connection: Any, path: Path, documents: Iterator[tuple[int, Any, str | None]]) -> LoadedPool:
    import pyarrow as pa

    from engine.pool.schema import arrow_schema

    kept: list[dict[str, Any]] = []
    lines: list[int] = []
    read: dict[int, Mapping[str, Any]] = {}
    rejects: list[Reject] = []
    rows_in = 0
    for line, document, problem in documents:
        rows_in += 1
        if problem is not None:
            rejects.append(Reject(line, problem))
            continue
        checked = validate(document, f"line {line}")
        if checked.data is None:
            rejects.append(Reject(line, "; ".join(str(p) for p in checked.problems)))
            continue
        kept.append(row_from_profile(checked.data))
        lines.append(line)
        read[line] = checked.data
    table = pa.Table.from_pylist(kept, schema=arrow_schema())
    table = table.add_column(0, "_line", pa.array(lines, type=pa.int64()))
    connection.register("pool_rows", table)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {POOL_VIEW} AS SELECT * FROM pool_rows")
    connection.unregister("pool_rows")
    return LoadedPool(path, rows_in, tuple(rejects), read)


def _json_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text), None
            except json.JSONDecodeError as error:
                yield number, None, f"not valid JSON: {error.msg} at column {error.colno}"


def _csv_rows(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """One profile per CSV record; the list columns hold JSON text, an empty cell means the fact is not given."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in COLUMNS]
        for record in reader:
            line = reader.line_num
            if None in record or any(value is None for value in record.values()):
                yield line, None, f"expected {len(header)} fields, found a different number"
                continue
            if unknown:
                yield line, None, f"unknown column(s): {', '.join(unknown)}"
                continue
            document: dict[str, Any] = {}
            problem = None
            for name, value in record.items():
                if value == "":
                    continue
                if name in NESTED_CSV_COLUMNS:
                    try:
                        document[name] = json.loads(value)
                    except json.JSONDecodeError as error:
                        problem = f"$.{name}: not valid JSON: {error.msg}"
                        break
                elif name == "crs":
                    document[name] = int(value) if value.strip().lstrip("-").isdigit() else value
                else:
                    document[name] = value
            yield line, document if problem is None else None, problem


def _quote(name: str) -> str:
    return f'"{name}"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
