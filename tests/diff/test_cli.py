"""`rules diff` end to end: arguments, formats, colour, exit codes, and the pool."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.testing import CliRunner, Result

from engine.cli.main import main

FIXTURES = Path(__file__).parent / "fixtures"
BASE = str(FIXTURES / "base")


def run(*arguments: str, color: bool = False) -> Result:
    return CliRunner().invoke(main, ["diff", *arguments], color=color)


def test_text_is_grouped_and_plain_when_piped() -> None:
    result = run("2023", "2025")
    assert result.exit_code == 0, result.output
    output = result.output
    assert "\x1b[" not in output
    assert output.startswith("Rulebook 2023 → 2025\n")
    assert "in force: 2023-05-31 to 2024-02-28 → 2025-02-27 to 2026-02-17" in output
    sections = ["Sources", "Categories added (1)", "Categories removed (1)", "Categories changed (4)",
                "Categories whose citations changed (1)", "Rounds held"]
    positions = [output.index(f"\n{section}") for section in sections]
    assert positions == sorted(positions)
    assert "  + education: Education occupations" in output
    assert "  - transport: Transport occupations" in output
    assert "renamed: Healthcare occupations → Healthcare and social services occupations" in output
    assert "occupations: 24 → 11 (6 added, 19 removed)" in output
    assert "        + 31120  TEER 1  Pharmacists" in output
    assert "  ~ category french       6 → 9   8,700 → 48,000  375–486 → 379–481" in output
    assert output.rstrip().endswith("Categories: 1 added, 1 removed, 4 changed, 1 citations changed, 0 unchanged. "
                                    "Rounds held: 11 of 11 grouping(s) changed.")


def test_text_is_coloured_on_a_terminal() -> None:
    coloured = run("2023", "2025", color=True).output
    assert "\x1b[32m" in coloured and "\x1b[31m" in coloured
    assert click.unstyle(coloured) == run("2023", "2025").output


def test_exit_code_reports_whether_the_rulebooks_differ() -> None:
    assert run("2023", "2025", "--exit-code").exit_code == 1
    assert run("2023", "2025").exit_code == 0
    same = run(BASE, str(FIXTURES / "formatting"), "--exit-code")
    assert same.exit_code == 0, same.output
    assert "No differences." in same.output
    assert run(BASE, str(FIXTURES / "threshold"), "--exit-code").exit_code == 1


def test_json_holds_every_change() -> None:
    result = run(BASE, str(FIXTURES / "threshold"), "--format", "json")
    document = json.loads(result.output)["diff"]
    assert document["differences"] is True
    healthcare = next(c for c in document["categories"] if c["id"] == "healthcare")
    assert healthcare["status"] == "changed"
    assert healthcare["rule_changes"][0] == {
        "kind": "changed", "what": "Continuous full-time work experience needed in one listed occupation",
        "old": "6 months", "new": "12 months",
        "old_source": f"{BASE}/eligibility.rules:7", "new_source": f"{FIXTURES}/threshold/eligibility.rules:7",
        "definition": "experience_in"}


def test_json_lists_occupations_with_title_and_teer() -> None:
    document = json.loads(run("2023", "2025", "--format", "json").output)["diff"]
    agriculture = next(c for c in document["categories"] if c["id"] == "agriculture")
    assert agriculture["occupations"]["removed"] == [
        {"noc": "82030", "title": "Agricultural service contractors and farm supervisors", "teer": 2},
        {"noc": "82031", "title": "Contractors and supervisors, landscaping, grounds maintenance and horticulture "
                                  "services", "teer": 2}]
    assert document["old"]["in_force"] == {"from": "2023-05-31", "until": "2024-02-28"}


def test_markdown_has_a_section_per_category() -> None:
    output = run("2023", "2025", "--format", "markdown").output
    assert output.startswith("# Rulebook 2023 → 2025\n")
    assert "### Added: Education occupations (`education`)" in output
    assert "### Removed: Transport occupations (`transport`)" in output
    assert "| 31120 | Pharmacists | 1 |  |" in output
    assert "| 42203 | Instructors of persons with disabilities | 2 | from healthcare |" in output
    assert "### Citations changed: French-language proficiency (`french`)" in output


def test_output_is_deterministic() -> None:
    for output_format in ("text", "json", "markdown"):
        arguments = ("2023", "2025", "--format", output_format, "--pool", str(FIXTURES / "pool.jsonl"))
        assert run(*arguments).output == run(*arguments).output


def test_pool_impact_in_text_with_bad_rows_reported() -> None:
    result = run("2023", "2025", "--pool", str(FIXTURES / "pool.jsonl"))
    assert result.exit_code == 0
    output = result.output
    assert "Impact on the pool: 8 of 10 profile(s) evaluated as of 2025-02-27 under both rulebooks; " \
           "2 row(s) rejected" in output
    assert "1 profile loses eligibility: amara-software-engineer" in output
    assert "why profile amara-software-engineer would lose eligibility:" in output
    assert "2023: eligible" in output and "│ 2025: not eligible" in output
    assert "pool.jsonl:9:\n    $.work_history[0].noc: 'WELD1' is not a five-digit NOC 2021 code" in output


def test_pool_impact_in_json_and_markdown() -> None:
    arguments = ("2023", "2025", "--pool", str(FIXTURES / "pool.jsonl"), "--as-of", "2025-06-01")
    impact = json.loads(run(*arguments, "--format", "json").output)["impact"]
    assert impact["as_of"] == "2025-06-01"
    assert (impact["profiles_read"], impact["profiles_evaluated"], len(impact["rejected"])) == (10, 8, 2)
    education = next(c for c in impact["categories"] if c["id"] == "education")
    assert education["moves"]["gains"] == {"count": 1, "examples": ["chloe-secondary-teacher"]}
    assert education["explanations"]["gains"]["old"] is None
    assert education["explanations"]["gains"]["new"]["outcome"] == "holds"
    markdown = run(*arguments, "--format", "markdown").output
    assert "## Impact on the pool" in markdown
    assert "| Education occupations (`education`) | 0 | 1 | 1 | 0 | 0 | 0 |" in markdown
    assert "### Rejected rows" in markdown


def test_bad_arguments_exit_with_2() -> None:
    unknown = run("2023", "1999")
    assert unknown.exit_code == 2
    assert "'1999' is neither a rulebook year (known: 2023, 2024, 2025, 2026) nor a folder" in unknown.output
    assert run("2023", "2025", "--as-of", "2025-06-01").exit_code == 2
    assert run("2023", "2025", "--pool", str(FIXTURES / "no-such-pool.jsonl")).exit_code == 2


def test_rule_file_errors_exit_with_2_and_show_the_diagnostic(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "main.rules").write_text((FIXTURES / "base" / "rulebook.rules").read_text(encoding="utf-8")
                                       + '\ncategory c "C" cite nowhere { eligible when in_pool }\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", BASE, str(broken)])
    assert result.exit_code == 2
    assert "error" in result.output and "Traceback" not in result.output

