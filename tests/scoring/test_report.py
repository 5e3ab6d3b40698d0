"""`rules eval` from raw facts: the JSON document adds `programs` and `crs` to each result, and the text shows the
score breakdown with the table row behind every factor."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from engine.cli import main
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
        output = run("eval", PROFILE, "--year", "2025", "--as-of", "2025-06-01")
        assert "  programs: fsw eligible, cec eligible, fst not eligible\n" in output
        assert "CRS breakdown: 520 points (Comprehensive Ranking System, version of 2025-03-25" in output
        assert "A. Core / human capital factors [core]: 395 points" in output
        assert "listening level = CLB 10: row 'CLB 10 or more' gives 32 points" in output
        assert "(table crs_first_language; cite crs_criteria; rules/common/crs.rules:" in output
