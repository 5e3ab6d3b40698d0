"""`rules batch` names what an `undetermined` verdict lacks: the first part of the category's rule that could not be
decided, with the profile facts that part reads. Both engines give the same reason, read off the rule's shape."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import GIVEN_PROGRAMS

NURSE_JOB = {"noc": "31301", "start": "2021-01-04", "end": None, "hours_per_week": 37.5}
TEF_7 = {"test": "tef_canada", "date": "2025-01-10", "levels": {"listening": 7, "reading": 7, "writing": 7,
                                                                  "speaking": 7}}
POOL = [
    {"id": "no-programs", "language_tests": [TEF_7], "work_history": [NURSE_JOB]},
    {"id": "no-writing", "eligible_programs": ["fsw"], "work_history": [NURSE_JOB],
     "language_tests": [{**TEF_7, "levels": {"listening": 7, "reading": 7, "speaking": 7}}]},
    {"id": "no-hours", "eligible_programs": ["cec"], "language_tests": [TEF_7],
     "work_history": [{"noc": "31301", "start": "2024-01-01"}]},
    {"id": "decided", "eligible_programs": ["fsw"], "language_tests": [TEF_7], "work_history": [NURSE_JOB]},
]


def batch(tmp_path: Path, engine: str, *rules: str) -> dict[str, dict[str, str]]:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps(p) + "\n" for p in POOL), encoding="utf-8")
    out = tmp_path / f"{engine}.csv"
    result = CliRunner().invoke(main, ["batch", str(pool), *rules, "--as-of", "2025-06-01", "--out", str(out),
                                       "--engine", engine])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_an_undetermined_verdict_names_the_part_and_the_facts_it_reads(tmp_path: Path, engine: str) -> None:
    rows = batch(tmp_path, engine, "--rules", str(GIVEN_PROGRAMS / "2025"))
    assert (rows["no-programs"]["french"], rows["no-programs"]["french_reason"]) == \
        ("undetermined", "unknown_in_pool: eligible_programs")
    assert (rows["no-writing"]["french"], rows["no-writing"]["french_reason"]) == \
        ("undetermined", "unknown_french_proficiency: language_tests")
    assert (rows["no-hours"]["healthcare"], rows["no-hours"]["healthcare_reason"]) == \
        ("undetermined", "unknown_experience_in: work_history")
    assert rows["decided"]["french_reason"] == "" and rows["decided"]["french"] == "eligible"
    for row in rows.values():
        for category in ("french", "healthcare", "stem", "trades", "agriculture", "education"):
            assert (row[category] == "eligible") == (row[f"{category}_reason"] == ""), (row["id"], category)


def test_both_engines_give_the_same_reasons_on_the_shipped_rules(tmp_path: Path) -> None:
    """The shipped rules compute programs from raw facts; a profile without programs is in the pool or not by what
    the program rules read, and the reason lists those facts the same way in SQL and in the evaluator."""
    duckdb_rows = batch(tmp_path, "duckdb", "--year", "2025")
    python_rows = batch(tmp_path, "python", "--year", "2025")
    assert duckdb_rows == python_rows
    reason = duckdb_rows["no-programs"]["french_reason"]
    assert reason == ("unknown_in_pool: date_of_birth, eligible_programs, language_tests, work_history, "
                      "first_official_language, education, spouse, job_offer, certificate_of_qualification, "
                      "sibling_in_canada, relative_in_canada")
