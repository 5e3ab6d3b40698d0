"""`rules eval` end to end: verdicts, the JSON document, explanations, exit codes, bad profiles and broken rules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import main
from tests.conftest import EXAMPLES, ROOT, check_golden

GOLDEN = ROOT / "tests" / "golden"
PROFILES = sorted(EXAMPLES.iterdir())
AS_OF = {"2023": "2023-11-30", "2025": "2025-11-30"}


def run(*arguments: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(arguments), env=env, catch_exceptions=False)


def run_json(*arguments: str) -> dict[str, Any]:
    result = run(*arguments, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def verdicts(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {r["profile"]: {c["id"]: c["verdict"] for c in r["categories"]} for r in document["results"]}


class TestVerdicts:
    def test_the_example_profiles_reach_every_category_of_both_years(self) -> None:
        for year in ("2023", "2025"):
            found = verdicts(run_json("eval", *map(str, PROFILES), "--year", year, "--as-of", AS_OF[year]))
            eligible = {category for result in found.values() for category, v in result.items() if v == "eligible"}
            assert eligible == set(next(iter(found.values()))), year

    def test_a_cook_is_a_trade_in_2025_but_not_in_2023(self) -> None:
        profile = str(EXAMPLES / "kwame-cook.yaml")
        assert verdicts(run_json("eval", profile, "--year", "2025", "--as-of", "2025-11-30"))["kwame-cook"]["trades"] \
            == "eligible"
        assert verdicts(run_json("eval", profile, "--year", "2023", "--as-of", "2023-11-30"))["kwame-cook"]["trades"] \
            == "not_eligible"

    def test_missing_facts_give_undetermined_and_are_named(self) -> None:
        document = run_json("eval", str(EXAMPLES / "fatima-incomplete.yaml"), "--year", "2025", "--as-of",
                            "2025-11-30")
        stem = next(c for c in document["results"][0]["categories"] if c["id"] == "stem")
        assert stem["verdict"] == "undetermined"
        assert stem["explanation"]["missing"] == ["eligible_programs", "work_history[0].hours_per_week", "education"]


class TestJsonDocument:
    def test_shape(self) -> None:
        document = run_json("eval", str(EXAMPLES / "amara-software-engineer.yaml"), "--year", "2023",
                            "--as-of", "2023-08-01")
        (result,) = document["results"]
        assert (result["profile"], result["rulebook"], result["as_of"]) == \
            ("amara-software-engineer", "2023", "2023-08-01")
        category = result["categories"][0]
        assert set(category) == {"id", "name", "verdict", "confidence", "explanation"}
        assert category["confidence"] == "high"  # as rules/2023/categories.rules gives it
        assert "source" not in category["explanation"]  # a constant of the category: in the rulebook's `rules`
        assert category["explanation"]["rule"] == f"category {category['id']}"
        assert document["rules"]["2023"][f"category {category['id']}"]["source"] == "rules/2023/categories.rules:4"

    def test_several_years_in_one_run(self) -> None:
        document = run_json("eval", str(EXAMPLES / "amara-software-engineer.yaml"), "--year", "2023",
                            "--year", "2025")
        assert [r["rulebook"] for r in document["results"]] == ["2023", "2025"]

    def test_output_is_byte_identical_between_runs(self) -> None:
        arguments = ("eval", *map(str, PROFILES), "--year", "2025", "--as-of", "2025-06-01", "--format", "json")
        assert run(*arguments).output == run(*arguments).output


class TestAsOf:
    def test_default_is_the_last_in_force_day_when_today_is_past_it(self) -> None:
        document = json.loads(run("eval", str(EXAMPLES / "kwame-cook.yaml"), "--year", "2025", "--format", "json",
                                  env={"RULES_TODAY": "2026-11-21"}).output)
        result = document["results"][0]
        assert result["as_of"] == "2026-02-17"
        assert "past the rulebook's in-force period" in result["as_of_note"]

    def test_default_is_today_within_the_in_force_period(self) -> None:
        document = json.loads(run("eval", str(EXAMPLES / "kwame-cook.yaml"), "--year", "2025", "--format", "json",
                                  env={"RULES_TODAY": "2025-10-01"}).output)
        assert document["results"][0]["as_of"] == "2025-10-01"
        assert "as_of_note" not in document["results"][0]

    def test_the_default_rulebook_is_the_latest(self) -> None:
        document = run_json("eval", str(EXAMPLES / "kwame-cook.yaml"))
        assert document["results"][0]["rulebook"] == "2026"


class TestText:
    def test_a_failed_comparison_shows_its_margin_and_citation(self) -> None:
        output = run("eval", str(EXAMPLES / "julien-nurse-francophone.json"), "--year", "2025", "--as-of",
                     "2025-06-01", "--explain", "full").output
        assert "✗ writing level: NCLC 6; needs NCLC 7 or more" in output
        assert "(french_proficiency; cite cbs_page; rules/2025/eligibility.rules:" in output
        assert "[cbs_page] Express Entry: rounds of invitations, category-based selection" in output

    def test_a_short_run_shows_how_far_it_falls_short(self, tmp_path: Path) -> None:
        profile = tmp_path / "short.yaml"
        profile.write_text('id: short\neligible_programs: [fsw]\nwork_history:\n'
                           '  - {noc: "21220", start: 2024-12-20, end: 2025-05-31, hours_per_week: 30}\n',
                           encoding="utf-8")
        output = run("eval", str(profile), "--year", "2023", "--as-of", "2025-06-01").output
        assert "longest continuous full-time work in 21220 between 2022-06-02 and 2025-06-01: 5 months 12 days " \
               "(2024-12-20 to 2025-05-31); needs 6 months or more" in output

    @pytest.mark.parametrize("output_format", ["text", "markdown"])
    def test_golden_explanations(self, output_format: str, update_goldens: bool) -> None:
        output = run("eval", str(EXAMPLES / "julien-nurse-francophone.json"), str(EXAMPLES / "fatima-incomplete.yaml"),
                     "--year", "2025", "--as-of", "2025-06-01", "--format", output_format).output
        check_golden(GOLDEN / f"eval-2025.{ 'md' if output_format == 'markdown' else 'txt'}", output, update_goldens)


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
@pytest.mark.parametrize("year", ["2023", "2025"])
def test_golden_json_explanation_of_each_example(profile: Path, year: str, update_goldens: bool) -> None:
    output = run("eval", str(profile), "--year", year, "--as-of", AS_OF[year], "--format", "json").output
    check_golden(GOLDEN / "explanations" / f"{profile.stem}.{year}.json", output, update_goldens)


class TestBadInput:
    def test_a_bad_profile_names_each_problem_by_json_path_and_gets_no_verdict(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("id: bad\neligible_programs: [fsw, pnp]\nwork_history:\n"
                       "  - {noc: '2122', start: 2024-02-30, end: 2023-01-01, hours_per_week: -3, employer: x}\n",
                       encoding="utf-8")
        result = run("eval", str(bad), "--year", "2025")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"{bad}: not evaluated, the profile has problems:",
            "  $.eligible_programs[1]: 'pnp' is not one of: fsw, cec, fst",
            "  $.work_history[0].employer: is not a field of this record; fields: noc, title, country, start, end, "
            "hours_per_week, self_employed",
            "  $.work_history[0].hours_per_week: -3 is less than the minimum of 0",
            "  $.work_history[0].noc: '2122' is not a five-digit NOC 2021 code",
            "  $.work_history[0].start: '2024-02-30' is not a valid date (for example 2025-02-27)",
        ]

    def test_a_job_that_ends_before_it_starts_is_refused(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps({"id": "x", "work_history": [{"noc": "21220", "start": "2024-05-01",
                                                                 "end": "2024-01-01"}]}), encoding="utf-8")
        document = json.loads(run("eval", str(bad), "--format", "json").output)
        assert document["errors"][0]["problems"] == [
            {"path": "$.work_history[0].end", "message": "the job ends (2024-01-01) before it starts (2024-05-01)"}]

    def test_one_bad_profile_does_not_lose_the_others(self, tmp_path: Path) -> None:
        many = tmp_path / "many.yaml"
        many.write_text("- id: good\n  eligible_programs: [cec]\n- {id: 7}\n- not a profile\n", encoding="utf-8")
        result = run("eval", str(many), "--format", "json")
        document = json.loads(result.stdout)
        assert result.exit_code == 2
        assert [r["profile"] for r in document["results"]] == ["good"]
        assert [e["input"] for e in document["errors"]] == [f"{many}[1]", f"{many}[2]"]

    @pytest.mark.parametrize(("content", "message"), [
        ("id: [unclosed", "not valid YAML"),
        ("", "expected a mapping of fields, found null"),
    ])
    def test_unreadable_files_are_reported(self, tmp_path: Path, content: str, message: str) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(content, encoding="utf-8")
        result = run("eval", str(bad))
        assert result.exit_code == 2 and message in result.stderr

    def test_a_missing_file(self) -> None:
        result = run("eval", "no-such-profile.yaml")
        assert result.exit_code == 2 and "no such file" in result.stderr

    def test_a_broken_rule_file_gives_located_diagnostics_and_exit_1(self, tmp_path: Path) -> None:
        folder = tmp_path / "rules" / "2025"
        shutil.copytree(ROOT / "rules" / "2025", folder)
        shutil.copytree(ROOT / "rules" / "common", tmp_path / "rules" / "common")
        text = (folder / "eligibility.rules").read_text(encoding="utf-8")
        (folder / "eligibility.rules").write_text(text.replace(">= minimum_part_time_hours",
                                                               ">= minimum_continuous_experience"), encoding="utf-8")
        result = run("eval", str(EXAMPLES / "kwame-cook.yaml"), "--rules", str(folder))
        assert result.exit_code == 1
        assert "eligibility.rules:36:10: E301: cannot compare a number of hours with a duration in months or years" \
            in result.stderr
        assert "^^^^" in result.stderr

    def test_an_unknown_year_is_a_usage_error(self) -> None:
        result = CliRunner().invoke(main, ["eval", str(EXAMPLES / "kwame-cook.yaml"), "--year", "1999"])
        assert result.exit_code == 2 and "known years: 2023, 2024, 2025, 2026" in result.output


def test_the_installed_command_runs_from_the_shell() -> None:
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "rules"), "eval", str(EXAMPLES / "kwame-cook.yaml"), "--year", "2025",
         "--as-of", "2025-11-30", "--explain", "summary"],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "✓ Trade occupations [trades]: eligible" in completed.stdout
