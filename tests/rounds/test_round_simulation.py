"""`rules round`: the eligible ranked by CRS, then by submission time; the cut-off and tie-break of the last invited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import GIVEN_PROGRAMS

RULES = ["--rules", str(GIVEN_PROGRAMS / "2025")]

FRENCH = [{"test": "tcf_canada", "levels": {"listening": 7, "reading": 7, "writing": 7, "speaking": 7}}]
NURSE = [{"noc": "31301", "start": "2021-01-04", "end": None, "hours_per_week": 37.5}]


def _candidate(name: str, crs: int | None, submitted: str | None, programs: list[str] | None = None,
               french: bool = True, nurse: bool = False) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": name, "eligible_programs": programs or ["fsw"],
                               "language_tests": FRENCH if french else [], "work_history": NURSE if nurse else []}
    if crs is not None:
        profile["crs"] = crs
    if submitted is not None:
        profile["submitted_at"] = submitted
    return profile


POOL = [
    _candidate("top", 520, "2025-01-10T08:00:00Z", ["cec"], nurse=True),
    _candidate("tied-early", 480, "2024-12-01T09:00:00Z"),
    _candidate("tied-late", 480, "2025-02-01T09:00:00Z", ["fsw", "cec"]),
    _candidate("lower", 470, "2024-01-01T00:00:00Z"),
    _candidate("no-score", None, "2024-01-01T00:00:00Z"),
    _candidate("after-round", 600, "2025-06-02T00:00:00Z"),
    _candidate("english-only", 700, "2024-01-01T00:00:00Z", french=False, nurse=True),
]


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in POOL), encoding="utf-8")
    return path


def _round(*arguments: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["round", *arguments, *RULES, "--format", "json"])
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_hypothetical_round_invites_by_score_then_submission_time(pool: Path, engine: str) -> None:
    outcome = _round("--category", "french", "--invitations", "2", "--as-of", "2025-06-01", "--pool", str(pool),
                     "--engine", engine)
    assert (outcome["eligible"], outcome["eligible_but_unranked"]) == (6, 1)
    assert outcome["eligible_but_submitted_after_the_round"] == 1
    assert (outcome["invited"], outcome["lowest_crs"], outcome["tie_break"]) == (2, 480, "2024-12-01T09:00:00Z")
    assert outcome["invited_by_category"]["healthcare"] == 1
    assert outcome["invited_by_program"] == {"fsw": 1, "cec": 1, "fst": 0}


def test_a_round_larger_than_the_eligible_invites_them_all(pool: Path) -> None:
    outcome = _round("--category", "french", "--invitations", "100", "--as-of", "2025-06-01", "--pool", str(pool))
    assert (outcome["invited"], outcome["lowest_crs"], outcome["tie_break"]) == (4, 470, "2024-01-01T00:00:00Z")


def test_a_program_round_draws_on_the_program(pool: Path) -> None:
    outcome = _round("--program", "cec", "--invitations", "5", "--as-of", "2025-06-01", "--pool", str(pool))
    assert (outcome["invited"], outcome["lowest_crs"]) == (2, 480)


def test_a_published_round_runs_as_of_its_day_and_shows_the_published_outcome(pool: Path) -> None:
    outcome = _round("385", "--pool", str(pool))
    assert outcome["as_of"] == "2025-12-11" and outcome["target"] == "healthcare"
    assert outcome["published"] == {"lowest_crs": 476, "tie_break": "2025-11-26T07:44:30Z"}
    assert (outcome["invited"], outcome["lowest_crs"]) == (2, 520)
    text = CliRunner().invoke(main, ["round", "385", "--pool", str(pool), *RULES]).output
    assert "invited 2 of 1,000" in text and "published: lowest CRS 476" in text


def test_a_provincial_nominee_round_is_refused_with_a_reason(pool: Path) -> None:
    result = CliRunner().invoke(main, ["round", "331", "--pool", str(pool), *RULES])
    assert result.exit_code == 2
    assert "provincial nominations" in result.output


# `rules batch --round`: the verdicts and the round from one reading of the pool ----------------------------------


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_batch_with_a_round_writes_the_verdicts_of_the_rounds_day_and_the_same_outcome_as_rules_round(
        pool: Path, tmp_path: Path, engine: str) -> None:
    with_round, alone = tmp_path / "with-round.csv", tmp_path / "alone.csv"
    batch = CliRunner().invoke(main, ["batch", str(pool), *RULES, "--out", str(with_round), "--round", "385",
                                      "--round-format", "json", "--engine", engine])
    assert batch.exit_code == 0, batch.output
    assert json.loads(batch.stdout) == _round("385", "--pool", str(pool), "--engine", engine)
    plain = CliRunner().invoke(main, ["batch", str(pool), *RULES, "--as-of", "2025-12-11", "--out", str(alone),
                                      "--engine", engine])
    assert plain.exit_code == 0, plain.output
    assert with_round.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")


def test_a_batch_with_a_round_writes_the_round_as_text_by_default(pool: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(pool), *RULES, "--out", str(tmp_path / "v.parquet"),
                                       "--round", "385"])
    assert result.exit_code == 0, result.output
    text = CliRunner().invoke(main, ["round", "385", "--pool", str(pool), *RULES]).stdout
    assert result.stdout == text and "invited 2 of 1,000" in text


def test_a_batch_refuses_a_round_of_another_day_than_its_as_of_date(pool: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.csv"
    result = CliRunner().invoke(main, ["batch", str(pool), *RULES, "--as-of", "2025-06-01", "--out", str(out),
                                       "--round", "385"])
    assert result.exit_code == 2
    assert "round 385 was held on 2025-12-11" in result.output
    assert not out.exists()


@pytest.mark.parametrize(("number", "message"), [("331", "provincial nominations"),
                                                 ("9999", "no rulebook declares round 9999")])
def test_a_batch_refuses_a_round_it_cannot_simulate_before_evaluating(pool: Path, tmp_path: Path, number: str,
                                                                      message: str) -> None:
    out = tmp_path / "v.csv"
    result = CliRunner().invoke(main, ["batch", str(pool), *RULES, "--out", str(out), "--round", number])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
