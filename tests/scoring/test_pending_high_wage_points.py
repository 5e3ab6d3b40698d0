"""The high-wage occupation points, in force from 2026-11-03 with no published points or list, are declared as a
pending rule: from that day the CRS of a profile with work in Canada or a job offer is reported as a lower bound, in
every format and by both batch engines; a profile with neither keeps its plain score, and so does every profile
before that day."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.scoring.helpers import job, levels, single_candidate

NOTE = "the high-wage occupation points in force from 2026-11-03 are not encoded"
BEFORE, FROM, AFTER = "2026-11-02", "2026-11-03", "2026-11-20"

# A result taken in 2025, still valid in November 2026 (results count for 2 years).
CURRENT = [levels("ielts_general", 9, 9, 9, 9, taken="2025-10-01")]
ABROAD_ONLY = [job("21232", "India", "2019-03-01", "2022-02-28"), job("21232", "India", "2022-03-01", None)]

PROFILES: dict[str, dict[str, Any]] = {
    # Three years in India, then work in Canada since 2023: reachable.
    "worked-in-canada": single_candidate(language_tests=CURRENT),
    # The same work in Canada written as an ISO code.
    "worked-in-ca": single_candidate(language_tests=CURRENT,
                                     work_history=[job("21232", "India", "2019-03-01", "2022-02-28"),
                                                   job("21232", "CA", "2023-05-01", None)]),
    # Only abroad, no offer: the reported points reward neither, so the score stands.
    "abroad-only": single_candidate(language_tests=CURRENT, work_history=ABROAD_ONLY),
    # Only abroad, but with an offer of arranged employment: reachable.
    "abroad-with-offer": single_candidate(language_tests=CURRENT, work_history=ABROAD_ONLY,
                                          job_offer={"noc": "21232", "basis": "lmia"}),
}


def _eval(tmp_path: Path, name: str, as_of: str, *options: str, profile: dict[str, Any] | None = None) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"id": name, **(profile or PROFILES[name])}), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--year", "2026", "--as-of", as_of, *options])
    assert result.exit_code == 0, result.output
    return result.output


def _crs(tmp_path: Path, name: str, as_of: str, **kwargs: Any) -> dict[str, Any]:
    document = json.loads(_eval(tmp_path, name, as_of, "--format", "json", **kwargs))
    crs: dict[str, Any] = document["results"][0]["crs"]
    return crs


@pytest.mark.parametrize("name", ["worked-in-canada", "worked-in-ca", "abroad-with-offer"])
def test_from_2026_11_03_the_crs_of_a_profile_the_points_could_reach_is_a_lower_bound(tmp_path: Path,
                                                                                        name: str) -> None:
    before, on = _crs(tmp_path, name, BEFORE), _crs(tmp_path, name, FROM)
    assert "lower_bound" not in before
    assert on["lower_bound"] is True
    assert on["not_encoded"] == ["high_wage_occupation_points"]
    assert on["note"] == NOTE
    assert on["total"] == before["total"]  # the same computed points, now said to be only the least


def test_a_profile_with_neither_work_in_canada_nor_an_offer_keeps_its_plain_score(tmp_path: Path) -> None:
    crs = _crs(tmp_path, "abroad-only", AFTER)
    assert isinstance(crs["total"], int) and "lower_bound" not in crs
    text = _eval(tmp_path, "abroad-only", AFTER)
    assert f"CRS: {crs['total']} points (" in text and NOTE not in text


def test_a_crs_given_in_the_profile_is_the_profile_s_and_not_called_a_lower_bound(tmp_path: Path) -> None:
    crs = _crs(tmp_path, "stated", AFTER, profile={**single_candidate(), "crs": 512})
    assert crs == {"total": 512, "version": "given", "sections": {}}


@pytest.mark.parametrize("explain", ["brief", "summary", "full"])
def test_the_text_view_says_at_least_and_why_at_every_level_of_explanation(tmp_path: Path, explain: str) -> None:
    total = _crs(tmp_path, "worked-in-canada", AFTER)["total"]
    text = _eval(tmp_path, "worked-in-canada", AFTER, "--explain", explain)
    assert f"CRS: at least {total} points (" in text
    assert f"computed): {NOTE}" in text
    assert f"CRS: {total} points" not in text


def test_the_markdown_view_heads_the_score_at_least_and_says_why(tmp_path: Path) -> None:
    total = _crs(tmp_path, "worked-in-canada", AFTER)["total"]
    markdown = _eval(tmp_path, "worked-in-canada", AFTER, "--format", "markdown")
    assert f"### CRS: at least {total} points" in markdown
    assert f"> A lower bound: {NOTE}." in markdown
    assert f"CRS: **at least {total} points" in markdown


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_batch_marks_the_lower_bounds_in_crs_source_and_counts_them(tmp_path: Path, engine: str) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps({"id": name, "submitted_at": "2026-06-01T00:00:00Z", **profile}) + "\n"
                            for name, profile in PROFILES.items()), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(pool), "--year", "2026", "--as-of", AFTER, "--out", str(out),
                                       "--engine", engine])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row["crs_source"] for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows == {"worked-in-canada": "lower_bound", "worked-in-ca": "lower_bound", "abroad-only": "computed",
                    "abroad-with-offer": "lower_bound"}
    assert f"note: crs is a lower bound (crs_source lower_bound) for 3 profile(s): {NOTE}" in result.output


def test_whynot_calls_the_score_it_starts_from_a_lower_bound_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "worked-in-canada.json"
    path.write_text(json.dumps({"id": "worked-in-canada", **PROFILES["worked-in-canada"]}), encoding="utf-8")
    total = _crs(tmp_path, "worked-in-canada", AFTER)["total"]
    runner = CliRunner()
    text = runner.invoke(main, ["whynot", str(path), "--year", "2026", "--as-of", AFTER]).stdout
    assert f"CRS what-ifs (crs_2025_03_25): now at least {total} points\n  a lower bound: {NOTE}" in text
    document = json.loads(runner.invoke(main, ["whynot", str(path), "--year", "2026", "--as-of", BEFORE,
                                               "--format", "json"]).stdout)
    score = json.dumps(document)
    assert "lower_bound" not in score and NOTE not in score


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_round_after_2026_11_03_says_how_many_it_ranked_by_a_lower_bound(tmp_path: Path, engine: str) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps({"id": name, "submitted_at": "2026-06-01T00:00:00Z", **profile}) + "\n"
                            for name, profile in PROFILES.items()), encoding="utf-8")

    def outcome(as_of: str) -> dict[str, Any]:
        result = CliRunner().invoke(main, ["round", "--pool", str(pool), "--year", "2026", "--program", "cec",
                                           "--invitations", "5", "--as-of", as_of, "--engine", engine,
                                           "--format", "json"])
        assert result.exit_code == 0, result.output
        document: dict[str, Any] = json.loads(result.stdout)
        return document

    after, before = outcome(AFTER), outcome(BEFORE)
    # The two profiles with work in Canada are the CEC's; both are ranked by a lower bound after 2026-11-03.
    assert (after["eligible"], after["ranked_by_lower_bound"], after["note"]) == (2, 2, NOTE)
    assert "ranked_by_lower_bound" not in before and before["eligible"] == 2


def test_whatif_calls_both_totals_lower_bounds_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "abroad-only.json"
    path.write_text(json.dumps({"id": "abroad-only", **PROFILES["abroad-only"]}), encoding="utf-8")
    offer = '{"noc": "21232", "basis": "lmia"}'

    def crs(as_of: str) -> dict[str, Any]:
        result = CliRunner().invoke(main, ["whatif", str(path), "--set", f"job_offer={offer}", "--year", "2026",
                                           "--as-of", as_of, "--format", "json"])
        assert result.exit_code == 0, result.output
        document: dict[str, Any] = json.loads(result.stdout)
        found: dict[str, Any] = (document["results"][0] if "results" in document else document)["crs"]
        return found

    # Abroad only, the score stands; with an offer, the high-wage points could reach it.
    after = crs(AFTER)
    assert "before_lower_bound" not in after and after["after_lower_bound"] is True and after["note"] == NOTE
    assert set(crs(BEFORE)) == {"before", "after", "change"}


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_round_counts_every_profile_ranked_by_a_lower_bound_not_only_the_invited(tmp_path: Path,
                                                                                    engine: str) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps({"id": name, "submitted_at": "2026-06-01T00:00:00Z", **profile}) + "\n"
                            for name, profile in PROFILES.items()), encoding="utf-8")
    result = CliRunner().invoke(main, ["round", "--pool", str(pool), "--year", "2026", "--program", "cec",
                                       "--invitations", "1", "--as-of", AFTER, "--engine", engine, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["invited"], document["eligible"], document["ranked_by_lower_bound"]) == (1, 2, 2)
