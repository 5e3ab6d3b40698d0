"""Reading a pool into DuckDB: every row either becomes a typed profile row or a rejection with its line and reason.

Every row stands for a profile document and is judged as a profile is (`engine.model.profile.validate`), whatever the
format: a JSON Lines line is a document; a CSV record is read cell by cell (`engine.model.pool_values.read_cell`);
a Parquet row is checked in SQL by conditions derived from the profile schema (`engine.pool.parquet_checks`), and
only the rows found bad are read back as documents for `validate` to say why. A line, cell or value that cannot be
read rejects its row alone; a file is refused (PoolError) only when it cannot be read at all. Either way: rows in =
rows kept + rows rejected, and an id given twice keeps its first row.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.model.json_text import JsonTextError, read_json
from engine.model.pool_columns import COLUMNS, row_from_profile
from engine.model.pool_values import CellProblem, document_from_values, read_cell
from engine.model.profile import normalise_country, validate
from engine.pool.parquet_checks import ColumnCheck, converted, quote, row_checks

POOL_VIEW = "pool"
TABLE_ROW_GROUP_ROWS = 122_880  # DuckDB's row group: what one thread scans of a table
VECTOR_ROWS = 2_048  # DuckDB's vector
BATCHES_PER_THREAD = 4  # record batches per thread, for the threads to share the work evenly
SPREAD_MIN_ROWS = 20_000  # below this, importing pyarrow and copying the rows cost more than a second core gives
SPREAD_MAX_ROWS = 400_000  # the copy briefly holds the pool twice: beyond this, a many-core machine keeps the table


class PoolError(Exception):
    """The pool file as a whole cannot be read: missing, not of its format, truncated, no `id` column, a CSV header
    that cannot be read."""


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


# What rounds read, and the lists every rulebook reads, kept whatever the rules name (the row checks read the file).
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

    source = f"read_parquet({_literal(path)}, file_row_number = true)"
    try:
        relation = connection.sql(f"SELECT * FROM read_parquet({_literal(path)})")
        present = dict(zip(relation.columns, relation.types))
    except duckdb.Error as error:
        raise PoolError(f"{path}: not a readable Parquet file ({_first_line(error)})") from None
    if "id" not in present:
        raise PoolError(f"{path}: the pool has no 'id' column")
    checks = [*row_checks(present), *_job_order_check(connection, present)]
    kept = {name: (converted(connection.type(kind), present[name], quote(name), cell=True) if name in present
                   else f"CAST(NULL AS {kind})") for name, kind in COLUMNS.items() if keep is None or name in keep}
    try:
        spellings = _country_spellings(connection, source, kept.get("work_history"))
    except duckdb.Error as error:
        raise PoolError(f"{path}: cannot read the pool ({_first_line(error)})") from None
    jobs = kept.get("work_history")
    if jobs is not None:
        kept["work_history"] = spellings.canonical(jobs)
    bad = " OR ".join([*(f"coalesce({check.condition}, false)" for check in checks),
                       *(spellings.unknown(jobs) if jobs is not None else [])]) or "false"
    columns = ", ".join(f"{value} AS {quote(name)}" for name, value in kept.items())
    try:
        connection.execute(f"""
            CREATE OR REPLACE TEMP TABLE pool_checked AS
            SELECT file_row_number + 1 AS _line, {columns}, {bad} AS _bad FROM {source}""")
        counts = connection.execute("SELECT count(*), count(*) FILTER (_bad) FROM pool_checked").fetchone()
        assert counts is not None
        rejects = _explained(connection, source, checks, present) if counts[1] else []
        # The repeated ids are counted first: a list of lines made for every id, then dropped, costs twice as much.
        connection.execute("CREATE OR REPLACE TEMP TABLE pool_repeated AS SELECT id, list(_line ORDER BY _line) AS "
                           "lines FROM pool_checked WHERE NOT _bad AND id IN (SELECT id FROM pool_checked "
                           "WHERE NOT _bad GROUP BY id HAVING count(*) > 1) GROUP BY id")
        duplicates = _duplicate_ids(connection.execute("SELECT id, lines FROM pool_repeated").fetchall())
        excluded = (" AND _line NOT IN (SELECT unnest(lines[2:]) FROM pool_repeated)" if duplicates else "")
        connection.execute(f"CREATE OR REPLACE TEMP VIEW {POOL_VIEW} AS "
                           f"SELECT * EXCLUDE (_bad) FROM pool_checked WHERE NOT _bad{excluded}")
        rejected = sorted([*rejects, *duplicates], key=lambda reject: reject.line)
        if _spread_over_threads(connection, int(counts[0]) - len(rejected)):
            connection.execute("DROP TABLE pool_checked")
    except duckdb.Error as error:
        raise PoolError(f"{path}: cannot read the pool ({_first_line(error)})") from None
    return LoadedPool(path, int(counts[0]), tuple(rejected))


def _spread_over_threads(connection: Any, rows: int) -> bool:
    """Hold the pool's rows as Arrow record batches, when that lets every thread evaluate them (`_batch_rows`).
    Returns whether the rows moved."""
    batch_rows = _batch_rows(connection, rows)
    if batch_rows is None:
        return False
    import pyarrow as pa

    reader = connection.sql(f"SELECT * FROM {POOL_VIEW}").to_arrow_reader(batch_rows)
    _hold_batches(connection, pa.Table.from_batches(reader, schema=reader.schema))
    return True


def _batch_rows(connection: Any, rows: int) -> int | None:
    """How many rows a record batch of the pool holds, when holding the pool as batches lets every thread evaluate
    it; None when the pool stays in its table. DuckDB shares the scan of a table among its threads by row group
    (122,880 rows), so a pool of 100,000 profiles held in a table is evaluated on one core; the scan of record batches
    is shared batch by batch. A pool too small to gain, or large enough to fill every thread's row groups, stays."""
    threads = int(connection.execute("SELECT current_setting('threads')").fetchall()[0][0])
    if threads < 2 or not SPREAD_MIN_ROWS <= rows <= SPREAD_MAX_ROWS or rows >= (threads - 1) * TABLE_ROW_GROUP_ROWS:
        return None
    return max(VECTOR_ROWS, -(-rows // (BATCHES_PER_THREAD * threads * VECTOR_ROWS)) * VECTOR_ROWS)


def _hold_batches(connection: Any, table: Any) -> None:
    """The pool view reads `table`'s record batches."""
    connection.register("pool_batches", table)
    connection.execute(f"CREATE OR REPLACE TEMP VIEW {POOL_VIEW} AS SELECT * FROM pool_batches")


def _job_order_check(connection: Any, present: Mapping[str, Any]) -> list[ColumnCheck]:
    """A job that ends before it starts, which `validate` checks beyond the schema."""
    if "work_history" not in present:
        return []
    jobs = converted(connection.type(COLUMNS["work_history"]), present["work_history"], quote("work_history"))
    return [ColumnCheck("work_history", f'list_bool_or(list_transform({jobs}, lambda j: j."end" < j.start))')]


def _explained(connection: Any, source: str, checks: list[ColumnCheck], present: Mapping[str, Any]) -> list[Reject]:
    """The rows the checks found bad, read back as documents: their problems as `validate` names them. Should the
    checks and `validate` ever disagree, the row is still rejected, with the column the checks found bad."""
    flags = ", ".join(f"coalesce({check.condition}, false)" for check in checks)
    names = ", ".join(quote(name) for name in present)
    cursor = connection.execute(
        f"SELECT file_row_number + 1, [{flags}], {names} FROM {source} "
        f"WHERE file_row_number + 1 IN (SELECT _line FROM pool_checked WHERE _bad) ORDER BY 1")
    rejects = []
    while chunk := cursor.fetchmany(1000):
        for line, failed, *values in chunk:
            problems = validate(document_from_values(dict(zip(present, values))), f"row {line}").problems
            reason = "; ".join(map(str, problems)) or "; ".join(
                f"$.{check.column}: the value does not fit the profile schema (a {present[check.column]} column)"
                for check, flag in zip(checks, failed) if flag)
            rejects.append(Reject(int(line), reason))
    return rejects


def _duplicate_ids(groups: list[tuple[Any, list[int]]]) -> list[Reject]:
    """Each row after the first with the same id."""
    return [Reject(int(line), f"$.id: {identifier!r} is also the id of line {lines[0]}")
            for identifier, lines in groups for line in lines[1:]]


@dataclass(frozen=True, slots=True)
class CountrySpellings:
    """The jobs' countries as the profile loader gives them (`engine.model.profile.country_names`): each spelling
    found in the pool is looked up once; a job that writes a country another way gets its canonical spelling as the
    pool is read, and a row with a country no spelling matches is marked bad, so that `validate` names the problem
    at that job's path. Both are folded into the one statement that reads the file: rewriting the column afterwards
    would copy every row's jobs again."""

    renamed: Mapping[str, str]
    unmatched: tuple[str, ...]

    def canonical(self, jobs: str) -> str:
        """`jobs` (a list of job records) with each renamed country in its canonical spelling."""
        if not self.renamed:
            return jobs
        cases = " ".join(f"WHEN {_text(value)} THEN {_text(name)}" for value, name in sorted(self.renamed.items()))
        spellings = f"[{', '.join(map(_text, sorted(self.renamed)))}]"
        return (f"CASE WHEN list_has_any(list_transform({jobs}, lambda j: j.country), {spellings}) "
                f"THEN list_transform({jobs}, lambda j: struct_update(j, country := CASE j.country {cases} "
                f"ELSE j.country END)) ELSE {jobs} END")

    def unknown(self, jobs: str) -> list[str]:
        """The condition that `jobs` write a country no spelling matches (none when no such country was found)."""
        if not self.unmatched:
            return []
        listed = f"[{', '.join(map(_text, self.unmatched))}]"
        return [f"coalesce(list_has_any(list_transform({jobs}, lambda j: j.country), {listed}), false)"]


def _country_spellings(connection: Any, source: str, jobs: str | None) -> CountrySpellings:
    if jobs is None:
        return CountrySpellings({}, ())
    found = [row[0] for row in connection.execute(
        f"SELECT DISTINCT country FROM (SELECT unnest(list_transform({jobs}, lambda j: j.country)) AS country "
        f"FROM {source}) WHERE country IS NOT NULL").fetchall()]
    canonical = {value: normalise_country(value) for value in found}
    return CountrySpellings({value: name for value, name in canonical.items() if name is not None and name != value},
                            tuple(sorted(value for value, name in canonical.items() if name is None)))


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# JSON Lines and CSV -------------------------------------------------------------------------------------------------

MAX_LINE_BYTES = 1_000_000  # one line of a JSON Lines or CSV pool; a profile with every list at its longest is less


def _load_rows(connection: Any, path: Path, documents: Iterator[tuple[int, Any, str | None]]) -> LoadedPool:
    import pyarrow as pa

    from engine.model.pool_columns import arrow_schema

    kept: list[dict[str, Any]] = []
    lines: list[int] = []
    read: dict[int, Mapping[str, Any]] = {}
    rejects: list[Reject] = []
    first_line: dict[str, int] = {}
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
        identifier = str(checked.data["id"])
        if identifier in first_line:
            rejects.append(*_duplicate_ids([(identifier, [first_line[identifier], line])]))
            continue
        first_line[identifier] = line
        kept.append(row_from_profile(checked.data))
        lines.append(line)
        read[line] = checked.data
    table = pa.Table.from_pylist(kept, schema=arrow_schema())
    table = table.add_column(0, "_line", pa.array(lines, type=pa.int64()))
    batch_rows = _batch_rows(connection, len(kept))
    if batch_rows is not None:  # the rows are Arrow already: cut into batches, not copied into a table and back
        _hold_batches(connection, pa.Table.from_batches(table.to_batches(max_chunksize=batch_rows)))
        return LoadedPool(path, rows_in, tuple(rejects), read)
    connection.register("pool_rows", table)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {POOL_VIEW} AS SELECT * FROM pool_rows")
    connection.unregister("pool_rows")
    return LoadedPool(path, rows_in, tuple(rejects), read)


def _physical_lines(path: Path, problems: dict[int, str]) -> Iterator[str]:
    """The file's lines as text, each read within MAX_LINE_BYTES: a longer line, or one that is not UTF-8, is noted
    in `problems` by its number (1-based) and given as an empty line (too long) or with its bad bytes replaced."""
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                while not raw.endswith(b"\n") and (raw := handle.readline(MAX_LINE_BYTES)):
                    pass
                problems[number] = f"the line is longer than {MAX_LINE_BYTES:,} bytes"
                yield "\n"
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                problems[number] = f"not valid UTF-8: byte {error.start + 1} of the line is {raw[error.start]:#04x}"
                text = raw.decode("utf-8", errors="replace")
            yield text.removeprefix("\ufeff") if number == 1 else text


def _json_lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    problems: dict[int, str] = {}
    for number, text in enumerate(_physical_lines(path, problems), 1):
        if number in problems:
            yield number, None, problems.pop(number)
        elif text.strip(" \t\r\n"):
            try:
                yield number, read_json(text), None
            except JsonTextError as error:
                yield number, None, error.describe(with_line=False)


def _csv_rows(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """One profile per CSV record, read cell by cell (`read_cell`): an empty cell is a fact not given; the lists and
    records hold JSON text. A record is numbered by its last line; a record over a line that cannot be read is
    rejected, as is a line that cannot be read outside any record."""
    problems: dict[int, str] = {}
    reader = csv.reader(_physical_lines(path, problems))
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise PoolError(f"{path}: the header cannot be read ({error})") from None
    if problems:
        raise PoolError(f"{path}: the header cannot be read ({next(iter(problems.values()))})")
    _check_header(path, header)
    last = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield reader.line_num, None, f"not valid CSV: {error}"
            last = reader.line_num
            continue
        span = range(last + 1, reader.line_num + 1)
        last = reader.line_num
        unreadable = [problems.pop(number) for number in span if number in problems]
        if unreadable:
            yield span[-1], None, unreadable[0]
        elif record and len(record) != len(header):
            yield span[-1], None, f"expected {len(header)} fields, found {len(record)}"
        elif record:
            yield span[-1], *_csv_document(header, record)


def _check_header(path: Path, header: list[str]) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise PoolError(f"{path}: the header names {', '.join(map(repr, repeated))} more than once")
    if "id" not in header:
        raise PoolError(f"{path}: the pool has no 'id' column")


def _csv_document(header: list[str], record: list[str]) -> tuple[Any, str | None]:
    document: dict[str, Any] = {}
    for name, value in zip(header, record):
        if value == "":
            continue
        try:
            document[name] = read_cell(name, value)
        except CellProblem as problem:
            return None, str(problem)
    return document, None


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
