"""What `rules eval` shows a person: a screenful by default, the whole tree on request; programs the profile states
shown as stated (with the rules' own verdict beside them when it differs); a profile read from standard input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import main
from tests.conftest import EXAMPLES

PROFILES = sorted(str(p) for p in EXAMPLES.iterdir())
JULIEN = str(EXAMPLES / "julien-nurse-francophone.json")  # states eligible_programs: [fsw]
SCREEN = 60  # lines a terminal shows


def run(*arguments: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(arguments), input=stdin, catch_exceptions=False)


def programs_json(*arguments: str) -> dict[str, dict[str, Any]]:
    result = run("eval", *arguments, "--year", "2025", "--as-of", "2025-11-30", "--format", "json")
    document = json.loads(result.stdout)
    return {p["id"]: p for p in document["results"][0]["programs"]}


class TestGivenPrograms:
    def test_a_program_the_profile_states_is_eligible_and_marked_as_given(self) -> None:
        programs = programs_json(JULIEN)
        assert programs["fsw"]["verdict"] == "eligible" and programs["fsw"]["given"] is True
        assert programs["fsw"]["computed_verdict"] == "undetermined"  # the rules lack the education to decide

    def test_a_program_the_profile_leaves_out_is_not_eligible_as_given_with_no_disagreement(self) -> None:
        programs = programs_json(JULIEN)
        for program in ("cec", "fst"):
            assert programs[program]["verdict"] == "not_eligible" and programs[program]["given"] is True
            assert "computed_verdict" not in programs[program]

    def test_the_text_never_contradicts_the_profile(self) -> None:
        """`eligible_programs: [cec]` used to print "cec not eligible" beside "eligible_programs = cec (given)"."""
        profile = "id: given-cec\neligible_programs: [cec]\ncrs: 480\n"
        for detail in ("brief", "summary", "full"):
            text = run("eval", "-", "--year", "2025", "--as-of", "2025-11-30", "--explain", detail,
                       stdin=profile).stdout
            assert "cec eligible (given in the profile" in text or "[cec]: eligible (given in the profile" in text
            assert "cec not eligible" not in text and "[cec]: not eligible" not in text, detail
        full = run("eval", "-", "--year", "2025", "--as-of", "2025-11-30", "--explain", "full", stdin=profile).stdout
        assert "✓ Canadian Experience Class [cec]: eligible (given in the profile; the rules compute: " in full

    def test_computed_programs_carry_no_given_mark(self) -> None:
        programs = programs_json(str(EXAMPLES / "meera-data-analyst-raw-scores.yaml"))
        assert all("given" not in p for p in programs.values())
        assert programs["fsw"]["verdict"] == "eligible"

    def test_markdown_says_the_same(self) -> None:
        text = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30", "--format", "markdown").stdout
        assert "| Federal Skilled Worker Program (`fsw`) | eligible (given in the profile; the rules compute: " \
               "undetermined) |" in text
        assert "### ✓ Federal Skilled Worker Program: eligible (given in the profile; the rules compute: " \
               "undetermined)" in text


class TestDefaultView:
    @pytest.mark.parametrize("profile", PROFILES)
    def test_the_default_fits_a_screen_and_names_what_decided_each_verdict(self, profile: str) -> None:
        text = run("eval", profile, "--year", "2025", "--as-of", "2025-11-30").stdout
        assert len(text.splitlines()) <= SCREEN
        for category in ("french", "healthcare", "stem", "trades", "agriculture", "education"):
            assert f"[{category}]: " in text

    def test_the_deciding_condition_and_its_margin_are_shown(self) -> None:
        text = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30").stdout
        assert "✗ French-language proficiency [french]: not eligible\n    ✗ A TEF Canada or TCF Canada result at " \
               "NCLC 7 or higher" in text
        assert "        ✗ writing level: NCLC 6; needs NCLC 7 or more (language_tests[0].levels.writing = NCLC 6)" \
            in text
        assert "✓ Healthcare and social services occupations [healthcare]: eligible\n" in text

    def test_an_undetermined_verdict_names_the_missing_facts(self) -> None:
        text = run("eval", str(EXAMPLES / "fatima-incomplete.yaml"), "--year", "2025", "--as-of", "2025-11-30").stdout
        assert "? Science, Technology, Engineering and Math (STEM) occupations [stem]: undetermined" in text
        assert "    missing facts: eligible_programs, work_history[0].hours_per_week, education" in text

    def test_the_whole_tree_is_there_on_request(self) -> None:
        brief = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30").stdout
        full = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30", "--explain", "full").stdout
        assert "--explain full" in brief and "Sources" not in brief
        assert "Sources" in full and len(full.splitlines()) > 3 * len(brief.splitlines())

    def test_json_and_markdown_keep_the_whole_tree_by_default(self) -> None:
        for output_format in ("json", "markdown"):
            default = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30", "--format", output_format)
            full = run("eval", JULIEN, "--year", "2025", "--as-of", "2025-11-30", "--format", output_format,
                       "--explain", "full")
            assert default.stdout == full.stdout, output_format


class TestStandardInput:
    AS_OF = ("--year", "2025", "--as-of", "2025-11-30", "--format", "json")

    def test_a_yaml_profile_is_read_from_standard_input(self) -> None:
        yaml_text = (EXAMPLES / "amara-software-engineer.yaml").read_text(encoding="utf-8")
        from_stdin = run("eval", "-", *self.AS_OF, stdin=yaml_text)
        from_file = run("eval", str(EXAMPLES / "amara-software-engineer.yaml"), *self.AS_OF)
        assert from_stdin.exit_code == 0
        assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)

    def test_a_json_profile_is_read_from_standard_input(self) -> None:
        result = run("eval", "-", *self.AS_OF, stdin=(EXAMPLES / "julien-nurse-francophone.json").read_text("utf-8"))
        assert json.loads(result.stdout)["results"][0]["profile"] == "julien-nurse-francophone"

    def test_a_bad_profile_on_standard_input_is_named_as_such(self) -> None:
        result = run("eval", "-", *self.AS_OF, stdin="id: x\ncrs: high\n")
        assert result.exit_code == 2
        assert json.loads(result.stdout)["errors"] == [
            {"input": "<stdin>", "problems": [{"path": "$.crs", "message": "expected a whole number, found a text"}]}]

    def test_standard_input_and_files_together(self) -> None:
        result = run("eval", JULIEN, "-", *self.AS_OF, stdin='{"id": "second", "eligible_programs": ["cec"]}')
        assert [r["profile"] for r in json.loads(result.stdout)["results"]] == ["julien-nurse-francophone", "second"]
