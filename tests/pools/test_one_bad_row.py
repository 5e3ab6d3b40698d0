"""One bad row never stops a batch: it is rejected with its line and reason, the other rows are evaluated exactly as
without it, and a batch that fails part-way leaves no output that looks complete."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import GIVEN_PROGRAMS

BAD_LINES = {
    "a lone surrogate": b'{"id": "surrogate", "work_history": [{"noc": "21231", "start": "2022-01-01", '
                        b'"title": "\\ud800"}]}',
    "a 5,000-digit number": b'{"id": "digits", "crs": ' + b"9" * 5000 + b"}",
    "an array nested 10,000 deep": b'{"id": "deep", "work_history": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "a CRS written as a superscript two": '{"id": "superscript", "crs": "²"}'.encode(),
}
REASONS = [
    "$.work_history[0].title: not valid Unicode: the text holds a lone surrogate (an escape such as \\ud800)",
    "$.crs: a number of 5,000 digits; numbers have at most 40 digits",
    "nested deeper than 20 levels of lists and mappings",
    "$.crs: expected a whole number, found a text",
]


def _batch(pool: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(main, ["batch", str(pool), "--rules", str(GIVEN_PROGRAMS / "2025"),
                                     "--as-of", "2025-06-01", "--out", str(out), *extra])


@pytest.fixture(scope="module")
def good_lines(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    path = tmp_path_factory.mktemp("pool") / "pool.jsonl"
    result = CliRunner().invoke(main, ["pool", "synth", "--size", "300", "--seed", "7", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes().splitlines()


def _without_line_numbers(path: Path) -> list[str]:
    return [re.sub(r'^\{"line":\d+,', "{", line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_four_bad_lines_among_300_good_profiles_are_rejected_alone(
        engine: str, good_lines: list[bytes], tmp_path: Path) -> None:
    mixed = list(good_lines)
    for position, line in zip((0, 101, 202, 303), BAD_LINES.values()):
        mixed.insert(position, line)
    (tmp_path / "good.jsonl").write_bytes(b"\n".join(good_lines) + b"\n")
    (tmp_path / "mixed.jsonl").write_bytes(b"\n".join(mixed) + b"\n")
    clean = _batch(tmp_path / "good.jsonl", tmp_path / "good-out.jsonl", "--engine", engine)
    result = _batch(tmp_path / "mixed.jsonl", tmp_path / "mixed-out.jsonl", "--engine", engine)
    assert clean.exit_code == 0 and result.exit_code == 0, result.output
    assert result.exception is None and "Traceback" not in result.output
    assert "rows in 304 = evaluated 300 + rejected 4" in result.output
    errors = [json.loads(line) for line in (tmp_path / "mixed-out.jsonl.errors.jsonl").read_text().splitlines()]
    assert errors == [{"line": line, "reason": reason} for line, reason in zip((1, 102, 203, 304), REASONS)]
    assert _without_line_numbers(tmp_path / "mixed-out.jsonl") == _without_line_numbers(tmp_path / "good-out.jsonl")


def test_a_line_that_is_not_utf8_is_rejected_not_repaired(good_lines: list[bytes], tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_bytes(b"\n".join([good_lines[0], b'{"id": "caf\xe9"}', good_lines[1]]) + b"\n")
    result = _batch(pool, tmp_path / "out.jsonl")
    assert "rows in 3 = evaluated 2 + rejected 1" in result.output
    (error,) = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    assert error == {"line": 2, "reason": "not valid UTF-8: byte 12 of the line is 0xe9"}


def test_an_id_given_twice_keeps_its_first_row(good_lines: list[bytes], tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_bytes(b"\n".join([good_lines[0], good_lines[1], good_lines[0]]) + b"\n")
    result = _batch(pool, tmp_path / "out.jsonl")
    assert "rows in 3 = evaluated 2 + rejected 1" in result.output
    identifier = json.loads(good_lines[0])["id"]
    assert json.loads((tmp_path / "out.jsonl.errors.jsonl").read_text()) == {
        "line": 3, "reason": f"$.id: {identifier!r} is also the id of line 1"}


def test_a_batch_that_fails_while_writing_leaves_no_output_that_looks_complete(
        good_lines: list[bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.pool.batch

    pool = tmp_path / "pool.jsonl"
    pool.write_bytes(b"\n".join(good_lines[:5]) + b"\n")
    out = tmp_path / "out.parquet"
    assert _batch(pool, out).exit_code == 0
    before = out.read_bytes()

    def full_disk(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    pool.write_bytes(b"\n".join(good_lines[5:10]) + b"\n")
    monkeypatch.setattr(engine.pool.batch, "write_rejects", full_disk)
    result = _batch(pool, out)
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert out.read_bytes() == before  # the earlier output, whole; nothing half-written in its place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet", "out.parquet.errors.jsonl", "pool.jsonl"]


PROFILE = {
    "id": "meera", "submitted_at": "2025-01-15T09:30:00Z", "date_of_birth": "1994-03-12",
    "language_tests": [{"test": "ielts_general", "date": "2024-05-01",
                        "scores": {"listening": 8.0, "reading": 7.5, "writing": 7.0, "speaking": 7.0}}],
    "work_history": [{"noc": "21211", "start": "2021-02-01", "end": None, "hours_per_week": 40, "country": "Canada"}],
    "education": {"level": "masters_or_professional", "canadian": True, "completed": True},
    "spouse": {"accompanying": True, "education": {"level": "bachelors_or_3yr"}},
    "job_offer": {"noc": "21211", "basis": "lmia"},
    "first_official_language": "english",
    "certificate_of_qualification": False, "sibling_in_canada": True,
}


def test_a_csv_pool_carries_every_fact_a_profile_can_give(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    with pool.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(PROFILE))
        writer.writerow([json.dumps(v) if isinstance(v, dict | list) else str(v).lower() if isinstance(v, bool)
                         else v for v in PROFILE.values()])
    result = CliRunner().invoke(main, ["batch", str(pool), "--year", "2025", "--as-of", "2025-06-01",
                                       "--out", str(tmp_path / "out.jsonl")])
    assert "rows in 1 = evaluated 1 + rejected 0" in result.output, result.output
    (row,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    profile = tmp_path / "meera.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    evaluated = CliRunner().invoke(main, ["eval", str(profile), "--year", "2025", "--as-of", "2025-06-01",
                                          "--format", "json"])
    (report,) = json.loads(evaluated.output)["results"]
    assert row["crs"] == report["crs"]["total"] and row["crs_source"] == "computed"
    assert row["programs"] == [p["id"] for p in report["programs"] if p["verdict"] == "eligible"]
    assert [(c["id"], c["verdict"]) for c in report["categories"]] == [
        (c["id"], row[c["id"]]) for c in report["categories"]]


@pytest.mark.parametrize(("header", "message"), [
    ("crs,eligible_programs", "the pool has no 'id' column"),
    ("id,crs,crs", "the header names 'crs' more than once"),
])
def test_a_csv_pool_whose_header_cannot_be_used_is_refused_whole(header: str, message: str, tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text(f"{header}\nx,400,400\n", encoding="utf-8")
    result = _batch(pool, tmp_path / "out.jsonl")
    assert result.exit_code == 2 and message in result.output
