"""`rules eval` from raw facts: the JSON document adds `programs` and `crs` to each result, and the text and the
Markdown show each program's verdict and explanation and the score breakdown with the table row behind every factor."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "meera-data-analyst-raw-scores.yaml")


def run(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments), env={"RULES_TODAY": "2025-06-01"})
    assert result.exit_code == 0, result.output
    return result.output


def document(*arguments: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(run(*arguments, "--format", "json"))
    return parsed


class TestJson:
    def test_each_result_gives_programs_and_crs(self) -> None:
        (result,) = document("eval", PROFILE, "--year", "2025", "--as-of", "2025-06-01")["results"]
        assert [(p["id"], p["verdict"]) for p in result["programs"]] == \
            [("fsw", "eligible"), ("cec", "eligible"), ("fst", "not_eligible")]
        crs = result["crs"]
        assert (crs["total"], crs["version"]) == (520, "crs_2025_03_25")
        assert {name: s["points"] for name, s in crs["sections"].items()} == \
            {"core": 395, "spouse": 25, "transferability": 100, "additional": 0}

    def test_the_version_follows_the_as_of_date(self) -> None:
        (result,) = document("eval", PROFILE, "--year", "2025", "--as-of", "2025-03-24")["results"]
        assert result["crs"]["version"] == "crs_2022_11_16"

    def test_a_given_crs_has_no_sections(self) -> None:
        (result,) = document("eval", str(EXAMPLES / "amara-software-engineer.yaml"), "--year", "2025",
                             "--as-of", "2025-06-01")["results"]
        assert result["crs"] == {"total": 489, "version": "given", "sections": {}}

    def test_section_explanations_name_the_rows(self) -> None:
        (result,) = document("eval", PROFILE, "--year", "2025", "--as-of", "2025-06-01")["results"]
        text = json.dumps(result["crs"]["sections"]["core"]["explanation"])
        assert "age on the as-of date = 29: row '20 to 29' gives 100 points" in text


class TestText:
    def test_the_breakdown_follows_the_verdicts(self) -> None:
        output = run("eval", PROFILE, "--year", "2025", "--as-of", "2025-06-01", "--explain", "full")
        assert "  programs: fsw eligible, cec eligible, fst not eligible\n" in output
        assert "CRS breakdown: 520 points (Comprehensive Ranking System, version of 2025-03-25" in output
        assert "A. Core / human capital factors [core]: 395 points" in output
        assert "listening level = CLB 10: row 'CLB 10 or more' gives 32 points" in output
        assert "(table crs_first_language; cite crs_criteria; rules/common/crs.rules:" in output


class TestMarkdown:
    def markdown(self, profile: str = PROFILE) -> str:
        return run("eval", profile, "--year", "2025", "--as-of", "2025-06-01", "--format", "markdown")

    def test_programs_are_listed_after_the_categories_with_their_verdicts(self) -> None:
        output = self.markdown()
        assert "| program | verdict |\n|---|---|\n" \
               "| Federal Skilled Worker Program (`fsw`) | eligible |\n" \
               "| Canadian Experience Class (`cec`) | eligible |\n" \
               "| Federal Skilled Trades Program (`fst`) | not eligible |\n" in output
        assert output.index("| category | verdict |") < output.index("| program | verdict |")

    def test_each_program_is_explained_like_a_category(self) -> None:
        output = self.markdown()
        assert "### ✓ Federal Skilled Worker Program: eligible\n\n" \
               "- ✓ Eligible for the Federal Skilled Worker Program ([fsw_page](" in output
        assert "### ✗ Federal Skilled Trades Program: not eligible\n" in output
        assert output.index("### ✗ Education occupations: not eligible") \
            < output.index("### ✓ Federal Skilled Worker Program: eligible")

    def test_the_crs_gives_its_total_version_and_sections(self) -> None:
        output = self.markdown()
        assert "CRS: **520 points (Comprehensive Ranking System, version of 2025-03-25" in output
        assert "### CRS: 520 points\n\nComputed from the profile's facts with version `crs_2025_03_25`" in output
        assert "| A. Core / human capital factors (`core`) | 395 |\n" \
               "| B. Spouse or common-law partner factors (`spouse`) | 25 |\n" \
               "| C. Skill transferability factors (at most 100) (`transferability`) | 100 |\n" \
               "| D. Additional points (at most 600) (`additional`) | 0 |\n" in output
        assert "#### A. Core / human capital factors: 395 points\n" in output
        assert output.index("### ✗ Federal Skilled Trades Program") < output.index("### CRS: 520 points")

    def test_each_factor_shows_its_points_and_the_table_row_that_gave_them(self) -> None:
        output = self.markdown()
        assert "- • Age — 100 points ([crs_criteria](" in output
        assert "age on the as-of date = 29: row '20 to 29' gives 100 points" in output
        assert "listening level = CLB 10: row 'CLB 10 or more' gives 32 points ([crs_criteria](" in output
        assert "`rules/common/crs.rules:" in output

    def test_the_markdown_says_what_the_json_says(self) -> None:
        output = self.markdown()
        (result,) = document("eval", PROFILE, "--year", "2025", "--as-of", "2025-06-01")["results"]
        for program in result["programs"]:
            assert f"(`{program['id']}`) | {program['verdict'].replace('_', ' ')} |" in output
        for section_id, section in result["crs"]["sections"].items():
            assert f"| {section['title']} (`{section_id}`) | {section['points']} |" in output

    def test_a_given_crs_says_it_was_given_and_has_no_breakdown(self) -> None:
        output = self.markdown(str(EXAMPLES / "amara-software-engineer.yaml"))
        assert "CRS: **489 points (given in the profile)**." in output
        assert "### CRS: 489 points\n\nGiven in the profile, so not computed.\n" in output
        assert "| section | points |" not in output and "#### " not in output

    def test_an_undetermined_program_or_section_names_the_missing_facts(self) -> None:
        output = self.markdown(str(EXAMPLES / "fatima-incomplete.yaml"))
        assert "### ? Federal Skilled Worker Program: undetermined\n\n" \
               "Missing facts: `work_history[0].hours_per_week`, `education`.\n" in output
        assert "#### A. Core / human capital factors: undetermined\n\nMissing facts: `education`.\n" in output
