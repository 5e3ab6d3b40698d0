"""A pool fuzzer: good profiles with rows, cells, values and column types corrupted at random among them, in each
format and through both engines. Whatever the damage: no exception, rows in = evaluated + rejected, exactly the
corrupted rows rejected, every good row's verdicts those of the clean pool, and both engines equal.

Short and reproducible by default (the project's derandomized profile); `HYPOTHESIS_PROFILE=explore` draws new
examples, many more of them.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ir
from engine.model.pool_columns import arrow_schema, profile_from_row
from engine.pool.batch import register_verdicts
from engine.pool.load import load_pool, pool_connection
from engine.pool.synth import rows, settings_for
from engine.sql.duckdb_backend import RESULT_VIEW
from tests.pools.parquet_rows import typed

AS_OF = date(2025, 6, 1)
SIZE = 12
EXAMPLES = 300 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 5
FUZZ = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

Draw = Callable[[st.SearchStrategy[Any]], Any]
Document = dict[str, Any]

# Values a profile cannot hold, each fitting the pool's Parquet types (so every format can carry it) ----------------


def _first(document: Document, key: str, default: Document) -> Document:
    """The first element of a list of the document, made when the list is empty or missing."""
    if not document.get(key):
        document[key] = [copy.deepcopy(default)]
    item: Document = document[key][0]
    return item


TEST = {"test": "celpip_general", "levels": {"listening": 8, "reading": 8, "writing": 8, "speaking": 8}}
JOB = {"noc": "21231", "start": "2021-01-04", "hours_per_week": 40.0}


def _bad_test(document: Document, draw: Draw) -> None:
    test = _first(document, "language_tests", TEST)
    change = draw(st.sampled_from(["test", "level", "score", "neither", "date"]))
    if change == "test":
        test["test"] = draw(st.sampled_from(["toefl", "", "IELTS_GENERAL"]))
    elif change == "level":
        test["levels"] = {**(test.get("levels") or {}), "reading": draw(st.sampled_from([0, 13, -7]))}
    elif change == "score":
        test["scores"] = {"writing": draw(st.sampled_from([-5.0, 700.0, float("nan"), float("inf")]))}
    elif change == "neither":
        test.pop("levels", None)
        test.pop("scores", None)
    else:
        test["date"] = draw(st.sampled_from(["1899-12-31", "2200-01-01"]))


def _bad_job(document: Document, draw: Draw) -> None:
    job = _first(document, "work_history", JOB)
    change = draw(st.sampled_from(["noc", "start", "hours", "order", "title"]))
    if change == "noc":
        job["noc"] = draw(st.sampled_from(["2123", "21231\n", "２１２３１", "abcde", "", "212310"]))
    elif change == "start":
        job.pop("start")
    elif change == "hours":
        job["hours_per_week"] = draw(st.sampled_from([-1.0, 168.5, float("nan")]))
    elif change == "order":
        job["end"] = "2020-12-31"
        job["start"] = "2021-01-04"
    else:
        job["title"] = "t" * 301


def _bad_record(document: Document, draw: Draw) -> None:
    change = draw(st.sampled_from(["education", "spouse", "offer", "offer-basis", "language"]))
    if change == "education":
        document["education"] = draw(st.sampled_from([{"level": "phd"}, {"canadian": True}]))
    elif change == "spouse":
        document["spouse"] = draw(st.sampled_from([{"canadian_work_years": 3}, {"accompanying": True,
                                                                                "canadian_work_years": 61}]))
    elif change == "offer":
        document["job_offer"] = {"noc": "21231", "teer": draw(st.sampled_from([6, 99, -1]))}
    elif change == "offer-basis":
        document["job_offer"] = {"noc": "21231", "basis": "cousin"}
    else:
        document["first_official_language"] = "latin"


def _bad_scalar(document: Document, draw: Draw) -> None:
    change = draw(st.sampled_from(["crs", "programs", "id", "born", "submitted", "jobs"]))
    if change == "crs":
        document["crs"] = draw(st.sampled_from([1201, -1, 2**31 - 1]))
    elif change == "programs":
        document["eligible_programs"] = draw(st.sampled_from([["pnp"], ["fsw", "fsw"], ["cec", None]]))
    elif change == "id":
        document["id"] = draw(st.sampled_from(["", "x" * 201]))
    elif change == "born":
        document["date_of_birth"] = draw(st.sampled_from(["1850-01-01", "2300-01-01"]))
    elif change == "submitted":
        document["submitted_at"] = "1899-12-31T23:59:59Z"
    else:
        document["work_history"] = [copy.deepcopy(JOB)] * 201


TYPED_DAMAGE: list[Callable[[Document, Draw], None]] = [_bad_test, _bad_job, _bad_record, _bad_scalar]

# Values only a text format can carry: wrong JSON types, unknown fields, dates that are not dates ---------------------


WRONG_TYPES: list[tuple[tuple[Any, ...], Any]] = [
    (("crs",), "high"), (("crs",), True), (("crs",), 490.7), (("id",), 5), (("eligible_programs",), "fsw"),
    (("work_history",), {}), (("language_tests", 0, "levels", "reading"), "7"),
    (("work_history", 0, "hours_per_week"), "40"), (("provincial_nomination",), "yes"),
    (("education",), "phd"), (("date_of_birth",), "2020-02-30"), (("submitted_at",), "2025-01-01T10:00:00"),
    (("nickname",), "Sam"), (("work_history", 0, "employer"), "Acme"), (("language_tests", 0), None),
]


def _wrong_types(choices: list[tuple[tuple[Any, ...], Any]]) -> Callable[[Document, Draw], None]:
    """Damage that puts a value of the wrong type, or a field the schema does not know, at one of `choices`."""

    def damage(document: Document, draw: Draw) -> None:
        path, value = draw(st.sampled_from(choices))
        if path[0] in ("language_tests", "work_history") and len(path) > 1:
            _first(document, path[0], TEST if path[0] == "language_tests" else JOB)
        target = document
        for part in path[:-1]:
            target = target[part] if part != "levels" else target.setdefault("levels", {})
        target[path[-1]] = value

    return damage


# Every wrong type a JSON document can hold; a CSV cell is text, so an id written 5 is the text "5" there.
JSON_WRONG_TYPES = _wrong_types(WRONG_TYPES)
CSV_WRONG_TYPES = _wrong_types([choice for choice in WRONG_TYPES if choice != (("id",), 5)])


# Damage to the text of a line or a cell ------------------------------------------------------------------------------

JSONL_LINES: list[Callable[[bytes, Draw], bytes]] = [
    lambda line, draw: line[: draw(st.integers(1, len(line) - 2))],                      # cut short
    lambda line, _: line.replace(b'"id": "', b'"id": "\\ud800', 1),                      # a lone surrogate
    lambda line, _: line.replace(b'{', b'{"crs": ' + b"9" * 5000 + b", ", 1),              # 5,000 digits
    lambda line, _: line.replace(b'{', b'{"deep": ' + b"[" * 10_000 + b"]" * 10_000 + b", ", 1),
    lambda line, _: line.replace(b'"id": "', b'"id": "\xff\xfe', 1),                     # not UTF-8
    lambda line, _: line.replace(b'{', b'{"crs": NaN, ', 1),
    lambda line, _: line.replace(b'"id": "', b'"id": "' + b"x" * 1_000_001, 1),          # longer than a line may be
]
CSV_CELLS: dict[str, list[str]] = {
    "crs": ["²", "12abc", " 400", "4OO", "1e400", "9" * 50],
    "provincial_nomination": ["yes", "TRUE", "1"],
    "work_history": ["[{", "[" * 5000 + "]" * 5000, '[{"noc": ' + "1" * 5000 + "}]"],
    "eligible_programs": ["fsw", '["fsw"'],
}


# The pool, written in each format ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(given_programs_2025: ir.Rulebook) -> list[Document]:
    return [profile_from_row(row) for row in rows(settings_for(SIZE, 11, AS_OF, [given_programs_2025]))]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _csv_record(header: list[str], cells: list[str]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue()


def _verdicts(pool: Path, rulebook: ir.Rulebook, engine: str) -> tuple[int, dict[int, tuple[Any, ...]], set[int]]:
    connection = pool_connection()
    loaded = load_pool(connection, pool, None)
    rejected = {r.line for r in loaded.rejects}
    rejected |= {r.line for r in register_verdicts(connection, rulebook, AS_OF, engine, loaded)}
    cursor = connection.execute(f"SELECT * FROM {RESULT_VIEW} ORDER BY line")
    verdicts = {int(row[0]): tuple(row[1:]) for row in cursor.fetchall()}
    assert not rejected & set(verdicts)
    return loaded.rows_in, verdicts, rejected


@pytest.fixture(scope="module")
def clean(base: list[Document], given_programs_2025: ir.Rulebook, tmp_path_factory: pytest.TempPathFactory
          ) -> list[tuple[Any, ...]]:
    """Each good profile's verdicts from the clean pool (the same from both engines)."""
    path = tmp_path_factory.mktemp("clean") / "pool.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in base), encoding="utf-8")
    found = [_verdicts(path, given_programs_2025, engine) for engine in ("duckdb", "python")]
    assert found[0] == found[1] and found[0][2] == set()
    return [found[0][1][line] for line in range(1, SIZE + 1)]


def _check(pool: Path, expected_rejects: set[int], good: dict[int, int], rulebook: ir.Rulebook,
           clean: list[tuple[Any, ...]]) -> None:
    """`good`: line of each good row -> its profile's index in the clean pool."""
    results = [_verdicts(pool, rulebook, engine) for engine in ("duckdb", "python")]
    assert results[0] == results[1], "the engines differ"
    rows_in, verdicts, rejected = results[0]
    assert rows_in == len(verdicts) + len(rejected)
    assert rejected == expected_rejects
    assert {line: verdicts[line] for line in good} == {line: clean[index] for line, index in good.items()}


def _damaged(base: list[Document], draw: Draw, damage: list[Callable[[Document, Draw], None]]
             ) -> tuple[list[Document], set[int], set[int]]:
    """The documents with up to four damaged; the damaged, and the good rows whose id a damaged one took (which must
    stay good: the first valid row with an id keeps it), as the rows not to damage again."""
    documents = copy.deepcopy(base)
    chosen = draw(st.sets(st.integers(0, SIZE - 1), max_size=4))
    taken: set[int] = set()
    for index in sorted(chosen):
        earlier = [i for i in range(index) if i not in chosen]
        if earlier and draw(st.integers(0, 9)) == 0:  # the id of an earlier good row: the later one is rejected
            source = draw(st.sampled_from(earlier))
            documents[index]["id"] = documents[source]["id"]
            taken.add(source)
        else:
            draw(st.sampled_from(damage))(documents[index], draw)
    return documents, chosen, taken


def _others(chosen: set[int], taken: set[int]) -> st.SearchStrategy[set[int]]:
    """Up to two rows not damaged yet, nor whose id a damaged row took, to damage as text."""
    free = [i for i in range(SIZE) if i not in chosen | taken]
    return st.sets(st.sampled_from(free), max_size=2) if free else st.just(set())


@FUZZ
@given(data=st.data())
def test_json_lines(data: st.DataObject, base: list[Document], given_programs_2025: ir.Rulebook,
                    clean: list[tuple[Any, ...]]) -> None:
    documents, chosen, taken = _damaged(base, data.draw, [*TYPED_DAMAGE, JSON_WRONG_TYPES])
    lines = [json.dumps(d).encode() for d in documents]
    damaged = data.draw(_others(chosen, taken))
    for index in damaged:
        lines[index] = data.draw(st.sampled_from(JSONL_LINES))(lines[index], data.draw)
    chosen = chosen | damaged
    with tempfile.TemporaryDirectory() as folder:
        pool = Path(folder) / "pool.jsonl"
        pool.write_bytes(b"\n".join(lines) + b"\n")
        _check(pool, {i + 1 for i in chosen}, {i + 1: i for i in range(SIZE) if i not in chosen},
               given_programs_2025, clean)


@FUZZ
@given(data=st.data())
def test_csv(data: st.DataObject, base: list[Document], given_programs_2025: ir.Rulebook,
             clean: list[tuple[Any, ...]]) -> None:
    documents, chosen, taken = _damaged(base, data.draw, [*TYPED_DAMAGE, CSV_WRONG_TYPES])
    header = list(dict.fromkeys(key for d in documents for key in d))
    records = [[_cell(d.get(name)) for name in header] for d in documents]
    raw: dict[int, bytes] = {}
    damaged = data.draw(_others(chosen, taken))
    for index in damaged:
        damage = data.draw(st.sampled_from(["cell", "fields", "bytes", "long"]))
        if damage == "cell":
            column = data.draw(st.sampled_from(sorted(CSV_CELLS)))
            if column not in header:
                header.append(column)
                records = [record + [""] for record in records]
            records[index][header.index(column)] = data.draw(st.sampled_from(CSV_CELLS[column]))
        elif damage == "fields":
            records[index] = records[index][:-1] if data.draw(st.booleans()) else [*records[index], "extra"]
        else:
            text = _csv_record(header, records[index]).encode()
            raw[index] = text.replace(b",", b",\xc3(", 1) if damage == "bytes" else b"x" * 1_000_001 + text
    chosen = chosen | damaged
    texts = [raw.get(i, _csv_record(header, record).encode()) for i, record in enumerate(records)]
    ends, line = [], 1  # a record's line is its last line (a text with a newline spans two)
    for text in texts:
        line += text.count(b"\n")
        ends.append(line)
    with tempfile.TemporaryDirectory() as folder:
        pool = Path(folder) / "pool.csv"
        pool.write_bytes(_csv_record(header, header).encode() + b"".join(texts))
        _check(pool, {ends[i] for i in chosen}, {ends[i]: i for i in range(SIZE) if i not in chosen},
               given_programs_2025, clean)


# Parquet columns of other types: how the good rows' values are written, and the bad value of the damaged row.
RETYPED: dict[str, tuple[pa.DataType, Callable[[Any], Any], list[Any]]] = {
    "crs": (pa.string(), lambda v: None if v is None else str(v), ["abc", "²", "490.7", "1e400", " 400"]),
    "crs ": (pa.float64(), lambda v: v, [490.7, float("nan"), float("inf"), 1200.5]),
    "crs  ": (pa.decimal128(38, 0), lambda v: None if v is None else Decimal(v), [Decimal(2**70), Decimal(-3)]),
    "date_of_birth": (pa.string(), lambda v: v, ["2020-02-30", "1990-1-1", "10000-01-01", "1850-01-01"]),
    "date_of_birth ": (pa.date32(), lambda v: None if v is None else date.fromisoformat(v), [
        date(1, 1, 1), date(9999, 12, 31)]),
    "submitted_at": (pa.string(), lambda v: v, ["2025-01-01T10:00:00", "2025-01-01 10:00:00Z", "yesterday"]),
    "id": (pa.string(), lambda v: v, [None]),
    "nickname": (pa.string(), lambda v: None, ["Sam"]),
}


@FUZZ
@given(data=st.data())
def test_parquet(data: st.DataObject, base: list[Document], given_programs_2025: ir.Rulebook,
                 clean: list[tuple[Any, ...]]) -> None:
    documents, chosen, taken = _damaged(base, data.draw, TYPED_DAMAGE)
    table = pa.Table.from_pylist([typed(d) for d in documents], schema=arrow_schema())
    free = [i for i in range(SIZE) if i not in chosen | taken]
    retype: bool = data.draw(st.booleans())
    if free and retype:
        key = data.draw(st.sampled_from(sorted(RETYPED)))
        kind, written, bad = RETYPED[key]
        name = key.strip()
        index = data.draw(st.sampled_from(free))
        values = [written(d.get(name)) for d in documents]
        values[index] = data.draw(st.sampled_from(bad))
        if name in table.column_names:
            table = table.drop_columns([name])
        table = table.append_column(name, pa.array(values, kind))
        chosen = chosen | {index}
    with tempfile.TemporaryDirectory() as folder:
        pool = Path(folder) / "pool.parquet"
        pq.write_table(table, pool)
        _check(pool, {i + 1 for i in chosen}, {i + 1: i for i in range(SIZE) if i not in chosen},
               given_programs_2025, clean)
