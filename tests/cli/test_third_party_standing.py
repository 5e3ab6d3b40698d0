"""A verdict resting on a third-party source, or on a category its rule files give a confidence below high, says so
wherever it is shown: each view of `rules eval` (text at every level of explanation, JSON, Markdown) and `rules show`
(the web API answers with the JSON document: tests/serve). The 2026 occupation categories rest on third-party
transcriptions of the official lists, and healthcare is known less surely than the others (confidence medium, the
rest medium-high); French proficiency (official sources only) rests on none. In 2025 only healthcare and STEM are
below high (medium-high), and no category rests on a third-party source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import ROOT

NURSE = str(ROOT / "examples" / "profiles" / "aisha-nurse-french-first.yaml")
HEALTHCARE_NOTE = ("the category as written: confidence medium; rests on third-party sources: bearing_ai_catalogue, "
                   "bearing_ai_categories, financial_express_12_months, leamss_streams (confidence medium-high)")
MILITARY_SOURCES = ["bearing_ai_military", "cic_news_military", "ehcanadavisa_military", "immicalculator_military",
                    "studybuddy_military"]


def _run(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _profile_row() -> dict[str, Any]:
    """The nurse's profile as one row of a JSON Lines pool (dates as text, as JSON writes them)."""
    with open(NURSE, encoding="utf-8") as handle:
        profile: dict[str, Any] = yaml.safe_load(handle)
    return json.loads(json.dumps(profile, default=lambda value: value.isoformat().replace("+00:00", "Z")))


def _eval_json(year: str, as_of: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_run("eval", NURSE, "--year", year, "--as-of", as_of, "--format", "json"))
    return document["results"][0]


@pytest.mark.parametrize("explain", ["brief", "summary", "full"])
def test_the_text_view_names_the_third_party_sources_under_each_verdict_resting_on_them(explain: str) -> None:
    lines = _run("eval", NURSE, "--year", "2026", "--as-of", "2026-06-01", "--explain", explain).splitlines()
    healthcare = next(i for i, line in enumerate(lines) if "[healthcare]:" in line)
    french = next(i for i, line in enumerate(lines) if "[french]:" in line)
    assert lines[healthcare + 1] == f"    ({HEALTHCARE_NOTE})"
    assert lines[french + 1] == "    (the category as written: confidence medium-high)"


def test_the_full_text_view_lists_each_source_with_its_standing_and_confidence() -> None:
    text = _run("eval", NURSE, "--year", "2026", "--as-of", "2026-06-01", "--explain", "full")
    assert "[bearing_ai_catalogue] Third-party: bearing-ai NOC catalogue" in text
    assert "(code, not official) (third-party, confidence medium-high)" in text
    assert "[crs_criteria] Comprehensive Ranking System (CRS) criteria (official, confidence high)" in text


def test_json_gives_the_third_party_sources_of_each_verdict_and_none_where_there_are_none() -> None:
    result = _eval_json("2026", "2026-06-01")
    categories = {c["id"]: c for c in result["categories"]}
    assert "third_party_sources" not in categories["french"]
    assert [s["id"] for s in categories["skilled_military_recruits"]["third_party_sources"]] == MILITARY_SOURCES
    assert {s["confidence"] for s in categories["healthcare"]["third_party_sources"]} == {"medium_high"}
    assert all("third_party_sources" not in p for p in result["programs"])
    assert {c: categories[c]["confidence"] for c in ("french", "healthcare", "stem")} == \
        {"french": "medium_high", "healthcare": "medium", "stem": "medium_high"}
    assert all("confidence" not in p for p in result["programs"])


def test_2025_verdicts_rest_on_official_sources_and_say_nothing_of_third_parties() -> None:
    result = _eval_json("2025", "2025-06-01")
    assert all("third_party_sources" not in c for c in result["categories"])
    assert "third-party" not in _run("eval", NURSE, "--year", "2025", "--as-of", "2025-06-01", "--explain", "full")


def test_2025_says_the_confidence_of_healthcare_and_stem_and_nothing_of_the_categories_known_surely() -> None:
    confidences = {c["id"]: c["confidence"] for c in _eval_json("2025", "2025-06-01")["categories"]}
    assert confidences == {"french": "high", "healthcare": "medium_high", "stem": "medium_high", "trades": "high",
                           "agriculture": "high", "education": "high"}
    lines = _run("eval", NURSE, "--year", "2025", "--as-of", "2025-06-01", "--explain", "brief").splitlines()
    noted = {lines[i - 1].split("[")[1].split("]")[0] for i, line in enumerate(lines) if "as written" in line}
    assert noted == {"healthcare", "stem"}
    assert "    (the category as written: confidence medium-high)" in lines


def test_markdown_quotes_the_note_under_the_verdict() -> None:
    markdown = _run("eval", NURSE, "--year", "2026", "--as-of", "2026-06-01", "--format", "markdown")
    healthcare = markdown.split(" Healthcare and social services occupations: ")[1].split("###")[0]
    assert f"> T{HEALTHCARE_NOTE[1:]}." in healthcare.replace("\\_", "_")


def test_show_gives_each_source_its_standing_and_each_category_its_third_party_sources() -> None:
    text = _run("show", "--year", "2026")
    assert "  [mondaq_12_months] Third-party: Mondaq" in text
    assert "candidates (third-party, confidence medium-high)" in text
    physicians = text.split("Category physicians:")[1].split("Category ")[0]
    assert "The category as written: confidence medium-high; rests on third-party sources: bearing_ai_catalogue, " \
        "bearing_ai_categories" in physicians
    assert "(confidence medium-high)" in physicians
    document = json.loads(_run("show", "--year", "2026", "--format", "json"))
    sources = {s["id"]: s for s in document["sources"]}
    assert (sources["cbs_page_2026"]["standing"], sources["cbs_page_2026"]["confidence"]) == ("official", "medium")
    assert sources["leamss_streams"]["standing"] == "third_party"
    french = next(c for c in document["categories"] if c["id"] == "french")
    assert "third_party_sources" not in french
    assert french["confidence"] == "medium_high"
    assert [p["id"] for p in document["pending"]] == ["high_wage_occupation_points"]



def test_batch_names_the_categories_resting_on_third_parties_and_those_known_less_surely(tmp_path: Path) -> None:
    pool, out = tmp_path / "pool.jsonl", tmp_path / "verdicts.jsonl"
    pool.write_text(json.dumps(_profile_row()) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(pool), "--year", "2026", "--as-of", "2026-06-01", "--out",
                                       str(out)])
    assert result.exit_code == 0, result.output
    assert "rows in 1 = evaluated 1 + rejected 0" in result.output
    assert "note: categories written with a confidence below high: french (medium-high), healthcare (medium), " \
        "stem (medium-high)" in result.output
    assert "note: verdicts resting on third-party sources: healthcare, stem" in result.output
    in_2025 = CliRunner().invoke(main, ["batch", str(pool), "--year", "2025", "--as-of", "2025-06-01", "--out",
                                        str(out)])
    assert "note: categories written with a confidence below high: healthcare (medium-high), stem (medium-high)\n" \
        in in_2025.output
    assert "third-party" not in in_2025.output


def test_whynot_says_under_each_category_how_far_it_can_be_trusted_before_what_would_change_it() -> None:
    lines = _run("whynot", NURSE, "--year", "2026", "--as-of", "2026-06-01").splitlines()
    stem = next(i for i, line in enumerate(lines) if "[stem]:" in line)
    assert lines[stem + 1].startswith("  (the category as written: confidence medium-high; rests on third-party "
                                      "sources: bearing_ai_catalogue")
    document = json.loads(_run("whynot", NURSE, "--year", "2026", "--as-of", "2026-06-01", "--format", "json"))
    stem_advice = next(c for c in document["results"][0]["categories"] if c["id"] == "stem")
    assert stem_advice["confidence"] == "medium_high"
    assert {s["id"] for s in stem_advice["third_party_sources"]} >= {"bearing_ai_catalogue", "leamss_streams"}
    markdown = _run("whynot", NURSE, "--year", "2026", "--as-of", "2026-06-01", "--format", "markdown")
    assert "> The category as written: confidence medium-high; rests on third-party sources" in \
        markdown.replace("\\_", "_")
