"""`rules batch`: one row per profile, a verdict and reason code per category, malformed rows set aside with their
line, and the counts adding up, for JSON Lines, CSV and Parquet pools and both engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import EXAMPLES, GIVEN_PROGRAMS

AMARA = {
    "id": "amara", "submitted_at": "2024-11-02T14:20:00Z", "eligible_programs": ["cec", "fsw"], "crs": 489,
    "language_tests": [{"test": "ielts_general", "levels": {"listening": 9, "reading": 8, "writing": 7,
                                                             "speaking": 8}}],
    "work_history": [{"noc": "21231", "start": "2022-09-06", "end": None, "hours_per_week": 40}],
}
JULIEN = {
    "id": "julien", "eligible_programs": ["fsw"], "crs": 431,
    "language_tests": [{"test": "tef_canada", "levels": {"listening": 8, "reading": 7, "writing": 7, "speaking": 9}}],
    "work_history": [{"noc": "31301", "start": "2021-01-04", "end": None, "hours_per_week": 37.5}],
}
# Julien's facts without saying which programs he is eligible for: whether he is in the pool is unknown.
UNKNOWN = {"id": "unknown", "language_tests": JULIEN["language_tests"], "work_history": JULIEN["work_history"]}


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(pool: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["batch", str(pool), "--rules", str(GIVEN_PROGRAMS / "2025"),
                                       "--as-of", "2025-06-01", "--out", str(out), *extra])
    return result.exit_code, result.output


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_malformed_rows_go_to_the_errors_file_and_the_counts_add_up(tmp_path: Path, engine: str) -> None:
    pool = _write_jsonl(tmp_path / "pool.jsonl", [
        json.dumps(AMARA), "{not json", json.dumps(JULIEN), json.dumps({**UNKNOWN, "crs": "high"}),
        json.dumps(UNKNOWN), json.dumps({"id": "bad-job", "work_history": [{"noc": "2123", "start": "2020-01-01"}]}),
    ])
    code, output = _batch(pool, tmp_path / "out.csv", "--errors", str(tmp_path / "errors.jsonl"), "--engine", engine)
    assert code == 0, output
    assert "rows in 6 = evaluated 3 + rejected 3" in output
    errors = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errors] == [2, 4, 6]
    assert errors[0]["reason"].startswith("not valid JSON")
    assert errors[1]["reason"].startswith("$.crs:")
    assert "$.work_history[0].noc" in errors[2]["reason"]
    rows = {r["id"]: r for r in _rows(tmp_path / "out.csv")}
    assert [r["line"] for r in _rows(tmp_path / "out.csv")] == ["1", "3", "5"]
    assert rows["amara"]["stem"] == "not_eligible" and rows["amara"]["french"] == "not_eligible"
    assert rows["amara"]["french_reason"] == "not_french_proficiency"
    assert rows["julien"]["french"] == "eligible" and rows["julien"]["french_reason"] == ""
    assert rows["julien"]["healthcare"] == "eligible"
    assert rows["unknown"]["french"] == "undetermined"
    assert rows["unknown"]["french_reason"] == "unknown_in_pool: eligible_programs"  # the fact it lacks
    assert (rows["unknown"]["stem"], rows["unknown"]["stem_reason"]) == ("not_eligible", "not_experience_in")


def test_a_profile_out_of_the_pool_is_not_eligible_for_the_reason_not_in_pool(tmp_path: Path) -> None:
    pool = _write_jsonl(tmp_path / "pool.jsonl", [json.dumps({**JULIEN, "eligible_programs": []})])
    _batch(pool, tmp_path / "out.csv")
    (row,) = _rows(tmp_path / "out.csv")
    assert (row["french"], row["french_reason"]) == ("not_eligible", "not_in_pool")
    assert (row["stem"], row["stem_reason"]) == ("not_eligible", "not_in_pool")


def test_a_csv_pool_holds_lists_as_json_text(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    with pool.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "crs", "eligible_programs", "language_tests", "work_history"])
        writer.writerow(["julien", "431", json.dumps(JULIEN["eligible_programs"]),
                         json.dumps(JULIEN["language_tests"]), json.dumps(JULIEN["work_history"])])
        writer.writerow(["broken", "400", "[cec", "", ""])
        writer.writerow(["short", "400"])
    code, output = _batch(pool, tmp_path / "out.jsonl")
    assert code == 0, output
    assert "rows in 3 = evaluated 1 + rejected 2" in output
    (row,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert (row["id"], row["crs"], row["programs"], row["french"]) == ("julien", 431, ["fsw"], "eligible")


def test_a_parquet_pool_is_checked_in_sql_and_written_back_as_parquet(tmp_path: Path) -> None:
    source = _write_jsonl(tmp_path / "pool.jsonl", [json.dumps(AMARA), json.dumps(JULIEN)])
    pool = tmp_path / "pool.parquet"
    with duckdb.connect() as connection:
        from engine.pool.load import load_pool

        load_pool(connection, source)
        connection.execute(f"""COPY (SELECT * EXCLUDE (_line) FROM pool UNION ALL BY NAME
                SELECT 'too-high' AS id, ['fsw'] AS eligible_programs, 1300 AS crs) TO '{pool}' (FORMAT parquet)""")
    code, output = _batch(pool, tmp_path / "out.parquet", "--errors", str(tmp_path / "errors.csv"))
    assert code == 0, output
    assert "rows in 3 = evaluated 2 + rejected 1" in output
    assert _rows(tmp_path / "errors.csv") == [{"line": "3",
                                                "reason": "$.crs: 1300 is more than the maximum of 1200"}]
    verdicts = duckdb.sql(f"SELECT id, french, healthcare FROM '{tmp_path / 'out.parquet'}' ORDER BY id").fetchall()
    assert verdicts == [("amara", "not_eligible", "not_eligible"), ("julien", "eligible", "eligible")]


def test_the_example_profiles_get_the_same_verdicts_in_a_batch_as_from_rules_eval(tmp_path: Path) -> None:
    from engine.model.profile import read_profiles

    documents = [p.data for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path)]
    pool = _write_jsonl(tmp_path / "pool.jsonl", [json.dumps(d) for d in documents])
    _batch(pool, tmp_path / "out.csv")
    evaluated = CliRunner().invoke(main, ["eval", *map(str, sorted(EXAMPLES.iterdir())),
                                          "--rules", str(GIVEN_PROGRAMS / "2025"),
                                          "--as-of", "2025-06-01", "--format", "json"])
    reports = json.loads(evaluated.output)
    reports = reports["results"]
    rows = {r["id"]: r for r in _rows(tmp_path / "out.csv")}
    for report in reports:
        for category in report["categories"]:
            assert rows[report["profile"]][category["id"]] == category["verdict"]


@pytest.mark.parametrize(("year", "as_of", "categories"), [("2025", "2025-06-01", 6), ("2026", "2026-09-01", 10)])
def test_the_shipped_rulebook_runs_in_sql_and_reads_every_fact_of_each_profile(
        year: str, as_of: str, categories: int, tmp_path: Path) -> None:
    from engine.model.profile import read_profiles

    documents = [p.data for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path)]
    pool = _write_jsonl(tmp_path / "pool.jsonl", [json.dumps(d) for d in documents])
    result = CliRunner().invoke(main, ["batch", str(pool), "--year", year, "--as-of", as_of,
                                       "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 0, result.output
    assert "note: the SQL backend does not compile" not in result.output
    evaluated = CliRunner().invoke(main, ["eval", *map(str, sorted(EXAMPLES.iterdir())), "--year", year,
                                          "--as-of", as_of, "--format", "json"])
    rows = {r["id"]: r for r in _rows(tmp_path / "out.csv")}
    verdicts = [(report["profile"], category["id"], category["verdict"])
                for report in json.loads(evaluated.output)["results"] for category in report["categories"]]
    assert len(verdicts) == categories * len(documents)
    assert all(rows[profile][category] == verdict for profile, category, verdict in verdicts)


@pytest.mark.parametrize("suffix", ["parquet", "csv", "jsonl"])
def test_a_clean_pool_still_writes_its_errors_file_with_no_rows(tmp_path: Path, suffix: str) -> None:
    """A reader of the errors file finds it, with its two columns, whether or not a row was rejected."""
    pool = _write_jsonl(tmp_path / "pool.jsonl", [json.dumps(AMARA), json.dumps(JULIEN)])
    errors = tmp_path / f"errors.{suffix}"
    code, output = _batch(pool, tmp_path / "out.csv", "--errors", str(errors))
    assert code == 0, output
    assert "rejected 0" in output
    if suffix == "parquet":
        found = duckdb.sql(f"SELECT * FROM read_parquet('{errors}')")
        assert found.columns == ["line", "reason"] and found.types == ["BIGINT", "VARCHAR"]
        assert found.fetchall() == []
    elif suffix == "csv":
        assert errors.read_text(encoding="utf-8") == "line,reason\n"
    else:
        assert errors.read_text(encoding="utf-8") == ""
