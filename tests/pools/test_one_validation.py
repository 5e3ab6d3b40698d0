"""One validation for every path: the same bad values are refused with the same problems whether the profile comes as
a profile file (`rules eval`) or as a row of a pool in JSON Lines, CSV or Parquet (`rules batch`, on both engines),
and the good rows around them are evaluated."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from engine.cli.main import main
from engine.model.profile import validate
from tests.conftest import GIVEN_PROGRAMS

GOOD: dict[str, Any] = {
    "id": "good", "submitted_at": "2024-11-02T14:20:00Z", "date_of_birth": "1994-03-12", "crs": 489,
    "eligible_programs": ["cec", "fsw"],
    "language_tests": [{"test": "ielts_general", "date": "2024-05-01",
                        "levels": {"listening": 9, "reading": 8, "writing": 7, "speaking": 8}}],
    "work_history": [{"noc": "21231", "start": "2022-09-06", "end": None, "hours_per_week": 40}],
    "education": {"level": "masters_or_professional", "canadian": False, "completed": True},
    "job_offer": {"noc": "21231", "teer": 1, "basis": "lmia"},
    "provincial_nomination": False,
}
SCORES: dict[str, Any] = {"test": "celpip_general",
                          "scores": {"listening": 9, "reading": 8, "writing": 7, "speaking": 8}}
JOB: dict[str, Any] = GOOD["work_history"][0]

# What is wrong, and what differs from a good profile.
BAD: list[tuple[str, dict[str, Any]]] = [
    ("a CRS with a fraction", {"crs": 490.7}),
    ("a negative score", {"language_tests": [{**SCORES, "scores": {**SCORES["scores"], "listening": -5}}]}),
    ("a score above every scale", {"language_tests": [{**SCORES, "scores": {**SCORES["scores"], "reading": 700}}]}),
    ("a score that is not a number", {"language_tests": [{**SCORES, "scores": {"writing": float("nan")}}]}),
    ("a level of 13", {"language_tests": [{"test": "tef_canada", "levels": {"speaking": 13}}]}),
    ("an education level the schema does not name", {"education": {"level": "phd"}}),
    ("a TEER of 99", {"job_offer": {"noc": "21231", "teer": 99}}),
    ("a NOC code followed by a newline", {"work_history": [{**JOB, "noc": "21231\n"}]}),
    ("a NOC code in other digits", {"work_history": [{**JOB, "noc": "２１２３１"}]}),
    ("a day that does not exist", {"date_of_birth": "2020-02-30"}),
    ("a birth before the years a profile holds", {"date_of_birth": "1850-01-01"}),
    ("a submission in the year 10000", {"submitted_at": "10000-01-01T00:00:00Z"}),
    ("a submission without a zone", {"submitted_at": "2025-01-01T10:00:00"}),
    ("hours that are not finite", {"work_history": [{**JOB, "hours_per_week": float("inf")}]}),
    ("a job that ends before it starts", {"work_history": [{**JOB, "end": "2020-01-01"}]}),
    ("a claim that is neither true nor false", {"provincial_nomination": "yes"}),
    ("a field the schema does not know", {"nickname": "Sam"}),
]  # (An empty id is not here: an empty CSV cell is a fact not given, so CSV cannot write an empty text.)


def _documents() -> list[dict[str, Any]]:
    """A good profile, then each bad one, then a good one again; ids are unique."""
    documents = [copy.deepcopy(GOOD)]
    for number, (_, change) in enumerate(BAD, 1):
        documents.append({**copy.deepcopy(GOOD), "id": f"bad-{number}", **copy.deepcopy(change)})
    documents.append({**copy.deepcopy(GOOD), "id": "good-again"})
    return documents


def _expected(document: dict[str, Any]) -> str:
    problems = validate(document, "expected").problems
    assert problems, f"{document['id']} was meant to be bad"
    return "; ".join(map(str, problems))


def _jsonl(documents: list[dict[str, Any]], path: Path) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def _csv(documents: list[dict[str, Any]], path: Path) -> Path:
    header = list(dict.fromkeys(key for d in documents for key in d))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for document in documents:
            writer.writerow([_cell(document.get(name)) for name in header])
    return path


def _parquet(documents: list[dict[str, Any]], path: Path) -> Path:
    """Columns typed as Arrow infers them from the values (a CRS with a fraction makes `crs` a double, a day that does
    not exist keeps dates as text); a top-level column mixing kinds of values is written as CSV cells are."""
    header = list(dict.fromkeys(key for d in documents for key in d))
    for name in header:
        kinds = {type(d[name]) for d in documents if d.get(name) is not None}
        if len(kinds) > 1 and not kinds <= {int, float}:
            documents = [{**d, name: _cell(d[name])} if d.get(name) is not None else d for d in documents]
    rows = pa.array([{name: d.get(name) for name in header} for d in documents])
    pq.write_table(pa.Table.from_struct_array(rows), path)
    return path


def _batch(pool: Path, engine: str, tmp_path: Path) -> dict[int, str]:
    out = tmp_path / f"{pool.suffix[1:]}-{engine}.jsonl"
    result = CliRunner().invoke(main, ["batch", str(pool), "--rules", str(GIVEN_PROGRAMS / "2025"), "--as-of",
                                       "2025-06-01", "--engine", engine, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    evaluated = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert evaluated == ["good", "good-again"]
    errors = Path(f"{out}.errors.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["line"]: row["reason"] for row in map(json.loads, errors)}


@pytest.fixture(scope="module")
def expected() -> dict[int, str]:
    """Line of each bad profile in the pools -> its problems, as validate names them."""
    return {line: _expected(document) for line, document in enumerate(_documents(), 1) if document["id"] != "good"
            and document["id"] != "good-again"}


@pytest.mark.parametrize("write", [_jsonl, _csv, _parquet], ids=["jsonl", "csv", "parquet"])
@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_pool_rejects_each_bad_value_with_the_problems_of_the_profile_it_stands_for(
        write: Any, engine: str, expected: dict[int, str], tmp_path: Path) -> None:
    pool = write(_documents(), tmp_path / f"pool.{write.__name__[1:]}")
    rejected = _batch(pool, engine, tmp_path)
    # CSV numbers a record by its line in the file, after the header.
    offset = 1 if pool.suffix == ".csv" else 0
    assert rejected == {line + offset: reason for line, reason in expected.items()}


def test_rules_eval_names_the_same_problems_for_each_bad_profile_file(tmp_path: Path) -> None:
    files = []
    for document in _documents()[1:-1]:
        path = tmp_path / f"{document['id']}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        files.append(path)
    result = CliRunner().invoke(main, ["eval", *map(str, files), "--rules", str(GIVEN_PROGRAMS / "2025"),
                                       "--as-of", "2025-06-01"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for path, document in zip(files, _documents()[1:-1]):
        block = result.output.split(f"{path}: not evaluated, the profile has problems:\n", 1)[1]
        listed = [line.strip() for line in block.splitlines()[:len(validate(document, "").problems)]]
        assert "; ".join(listed) == _expected(document), path.name


def test_each_bad_value_is_named_by_its_path(expected: dict[int, str]) -> None:
    # The problems read as a person would want them, not only consistently.
    reasons = list(expected.values())
    assert reasons[0] == "$.crs: expected a whole number, found a number"
    assert "$.language_tests[0].scores.listening: -5 is less than the minimum of 0" in reasons[1]
    assert "$.language_tests[0].scores.writing: nan is not a number a profile can hold (not finite)" in reasons[3]
    assert "$.education.level: 'phd' is not one of" in reasons[5]
    assert reasons[6] == "$.job_offer.teer: 99 is more than the maximum of 5"
    assert reasons[7] == ("$.work_history[0].noc: '21231\\n' is not a five-digit NOC 2021 code"
                          ' ("\\n" is not one of the digits 0 to 9)')
    assert reasons[9] == "$.date_of_birth: '2020-02-30' is not a valid date (for example 2025-02-27)"
    assert reasons[10] == ("$.date_of_birth: '1850-01-01' lies outside the years 1900 to 2199 a profile's dates may "
                           "take")
    assert reasons[15] == "$.provincial_nomination: expected true or false, found a text"
    assert reasons[16].startswith("$.nickname: is not a field of this record")
