"""`rules show` prints the compiled rulebook; `rules check` reports every problem of a rules tree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import ROOT


def test_show_json_gives_in_force_sources_and_each_category_with_its_occupations() -> None:
    result = CliRunner().invoke(main, ["show", "--year", "2025", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["in_force"] == {"from": "2025-02-27", "until": "2026-02-17", "end_known": True}
    assert {s["id"] for s in document["sources"]} >= {"cbs_page", "report_2024_25"}
    education = next(c for c in document["categories"] if c["id"] == "education")
    assert education["name"] == "Education occupations"
    assert education["occupations"][0] == {"noc": "41220", "title": "Secondary school teachers", "teer": 1}
    assert "780 hours of part-time work" in education["rule"]
    assert education["rule"].endswith("(the list: Education occupations, 2025)")


def test_show_text_lists_the_occupations() -> None:
    output = CliRunner().invoke(main, ["show", "--year", "2023"]).output
    assert "In force 2023-05-31 until 2024-02-28" in output
    assert "    73300  TEER 3  Transport truck drivers" in output


def test_check_passes_on_the_shipped_rules() -> None:
    result = CliRunner().invoke(main, ["check", str(ROOT / "rules")])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[-1] == "checked 4 rulebook(s): 0 errors, 0 warnings, 3 info"
    # The only findings: the three physician codes of 2026 are on the healthcare list too, as the reference says.
    found = [line for line in lines if ": I" in line or ": W" in line or ": E" in line]
    assert len(found) == 3 and all("2026/occupations.rules" in line and "I404" in line and "'physicians'" in line
                                   for line in found)


def test_check_reports_problems_with_exit_code_1(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "2025"
    shutil.copytree(ROOT / "rules" / "2025", folder)
    shutil.copytree(ROOT / "rules" / "common", tmp_path / "rules" / "common")
    occupations = folder / "occupations.rules"
    text = occupations.read_text(encoding="utf-8")
    occupations.write_text(text.replace("teer 3\n}", "teer 4\n}", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "rules"), "--format", "json"])
    assert result.exit_code == 1
    codes = [d["code"] for d in json.loads(result.output)["diagnostics"]]
    assert codes == ["E111"]


def test_check_of_a_file_checks_the_rulebook_it_belongs_to_and_says_so() -> None:
    """`rules check rules/2025/eligibility.rules` once answered "Directory ... is a file"."""
    result = CliRunner().invoke(main, ["check", str(ROOT / "rules" / "2025" / "eligibility.rules")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "checked 1 rulebook(s): no problems"
    assert "eligibility.rules' is checked as part of its rulebook" in result.stderr


def test_check_of_a_common_file_checks_the_rulebooks_that_import_it() -> None:
    result = CliRunner().invoke(main, ["check", str(ROOT / "rules" / "common" / "crs.rules"), "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert [Path(folder).name for folder in document["checked"]] == ["2023", "2024", "2025", "2026"]
    assert "checked as part of the rulebooks that import it" in document["notes"][0]


def test_check_of_a_file_no_rulebook_reads_checks_its_syntax_alone(tmp_path: Path) -> None:
    loose = tmp_path / "loose.rules"
    loose.write_text('define x "x" cite src = \n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(loose)])
    assert result.exit_code == 1
    assert "belongs to no rulebook: only its syntax is checked" in result.stderr
    assert "loose.rules:1:25: E002" in result.stderr
    assert result.stdout.strip() == "checked 0 rulebook(s) and 1 file(s) alone: 1 error, 0 warnings, 0 info"


@pytest.mark.parametrize(("given", "message"), [
    ("2025-13-01", "'2025-13-01': the month 13 is out of range (01 to 12)"),
    ("2025-02-30", "'2025-02-30': the day 30 is out of range for February 2025 (01 to 28)"),
    ("2024-02-30", "'2024-02-30': the day 30 is out of range for February 2024 (01 to 29)"),
    ("0000-06-01", "'0000-06-01': the year 0 is out of range (0001 to 9999)"),
])
def test_an_as_of_date_off_the_calendar_says_which_part_is_out_of_range(given: str, message: str) -> None:
    """`--as-of 2025-13-01` once said the format was wrong."""
    result = CliRunner().invoke(main, ["eval", str(ROOT / "examples" / "profiles" / "amara-software-engineer.yaml"),
                                       "--as-of", given])
    assert result.exit_code == 2
    assert f"Invalid value for '--as-of': {message}" in result.output
