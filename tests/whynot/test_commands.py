"""`rules whynot`, `rules whatif` and `rules eval --why-not` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import EXAMPLES

JULIEN = str(EXAMPLES / "julien-nurse-francophone.json")


def test_whynot_in_json_gives_patches_and_promises() -> None:
    result = CliRunner().invoke(main, ["whynot", JULIEN, "--as-of", "2025-06-01", "--category", "french",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    (category,) = json.loads(result.output)["results"][0]["categories"]
    assert category["suggestions"][0]["patch"] == [
        {"op": "replace", "path": "/language_tests/0/levels/writing", "value": 7}]


def test_whatif_shows_the_verdicts_that_change() -> None:
    result = CliRunner().invoke(main, ["whatif", JULIEN, "--as-of", "2025-06-01",
                                       "--set", "language_tests[0].levels.writing=7"])
    assert result.exit_code == 0, result.output
    assert "* french: not eligible → eligible" in result.output


def test_whatif_refuses_an_edit_that_makes_the_profile_invalid() -> None:
    result = CliRunner().invoke(main, ["whatif", JULIEN, "--set", "/language_tests/0/levels/writing=99"])
    assert result.exit_code == 2
    assert "$.language_tests[0].levels.writing" in result.output


def test_eval_why_not_adds_the_analysis_to_each_result() -> None:
    result = CliRunner().invoke(main, ["eval", JULIEN, "--as-of", "2025-06-01", "--why-not", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["why_not"]["categories"][0]["id"] == "french"
