"""The case runner behind `rules test` and the pytest items: what a passing, a failing and a badly written case say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from engine.cases.runner import CaseRunner, case_files, load_cases
from engine.cli.main import main
from tests.conftest import RULES

RULE = """
constant minimum "m" cite src = 2
category pool "In the pool" cite src { eligible when count(eligible_programs) >= minimum }
"""

PROFILE = """
      id: two-programs
      eligible_programs: [fsw, cec]
"""


def write_cases(folder: Path, body: str) -> Path:
    (folder / "tests").mkdir(exist_ok=True)
    path = folder / "tests" / "cases.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_every_category_of_every_year_has_an_eligible_and_a_not_eligible_case() -> None:
    for year in ("2023", "2024", "2025", "2026"):
        rulebook = CaseRunner().rulebook(RULES / year)
        assert not isinstance(rulebook, Exception)
        seen: dict[str, set[str]] = {}
        for file in case_files(RULES / year):
            for case in load_cases(file):
                for category, verdict in case.expect.items():
                    seen.setdefault(category, set()).add(verdict)
        for category in rulebook.categories:
            assert {"eligible", "not_eligible"} <= seen.get(category.id, set()), (year, category.id)


def test_a_case_that_holds_passes(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, f"""
cases:
  - name: two programs are enough
    as_of: 2025-06-01
    profile:{PROFILE}
    expect: {{pool: eligible}}
    explanation: {{pool: ["eligible_programs = fsw, cec"]}}
""")
    (case,) = load_cases(cases)
    outcome = CaseRunner().run(case)
    assert outcome.passed, outcome.message


def test_a_profile_may_be_the_path_of_a_profile_file_next_to_the_cases(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, """
cases:
  - name: profile from a file
    as_of: 2025-06-01
    profile: profiles/two-programs.json
    expect: {pool: eligible}
""")
    (cases.parent / "profiles").mkdir()
    (cases.parent / "profiles" / "two-programs.json").write_text('{"id": "two", "eligible_programs": ["fsw", "cec"]}',
                                                                 encoding="utf-8")
    (case,) = load_cases(cases)
    outcome = CaseRunner().run(case)
    assert outcome.passed, outcome.message


def test_a_failing_case_shows_the_profile_expected_and_actual_verdicts_and_the_explanation(
        write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE.replace("= 2", "= 3"))
    cases = write_cases(folder, f"""
cases:
  - name: two programs are enough
    as_of: 2025-06-01
    profile:{PROFILE}
    expect: {{pool: eligible}}
""")
    (case,) = load_cases(cases)
    outcome = CaseRunner().run(case)
    assert not outcome.passed
    message = outcome.message
    assert message.startswith(f"{cases.as_posix()}::two programs are enough: as of 2025-06-01\n"
                              "  - pool: expected eligible, got not_eligible\n")
    assert "profile:\n    id: two-programs\n    eligible_programs:\n    - fsw\n    - cec\n" in message
    assert "explanation:\n" in message and "the number of eligible programs: 2; needs 3 or more" in message


def test_a_missing_explanation_fragment_is_a_failure_that_names_it(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, f"""
cases:
  - name: explanation
    as_of: 2025-06-01
    profile:{PROFILE}
    expect: {{pool: eligible}}
    explanation: {{pool: ["crs"]}}
""")
    (case,) = load_cases(cases)
    outcome = CaseRunner().run(case)
    assert not outcome.passed
    assert "  - pool: the explanation does not mention 'crs'" in outcome.message


def test_a_badly_written_case_says_what_is_wrong_instead_of_raising(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, """
cases:
  - name: typos
    as_off: 2025-06-01
    profile: {id: x, crs: "high"}
    expect: {pool: yes, pol: eligible}
  - just a string
""")
    first, second = (CaseRunner().run(case) for case in load_cases(cases))
    assert "'as_off' is not a field of a case; did you mean 'as_of'?" in first.message
    assert "'as_of' is required" in first.message
    assert "expect.pool: 'yes' is not one of eligible, not_eligible, undetermined" in first.message  # `yes` is text
    assert "a case is a mapping with name, as_of, profile and expect" in second.message


def test_an_unknown_category_is_named_with_a_suggestion(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, f"""
cases:
  - name: unknown category
    as_of: 2025-06-01
    profile:{PROFILE}
    expect: {{pol: eligible}}
""")
    (case,) = load_cases(cases)
    assert "no category 'pol' in rulebook 2025; did you mean 'pool'?" in CaseRunner().run(case).message


def test_a_case_file_that_is_not_yaml_is_one_failed_case(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    cases = write_cases(folder, "cases: [unclosed\n")
    (case,) = load_cases(cases)
    assert not CaseRunner().run(case).passed
    assert case.problems[0].startswith("cannot read the cases: not valid YAML")


def test_rules_test_runs_the_shipped_cases_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["test", str(RULES)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok    ") >= 20
    assert result.stdout.splitlines()[-1].endswith("passed, 0 failed")


def test_rules_test_exits_1_on_a_failing_case_and_shows_why(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(RULE)
    write_cases(folder, f"""
cases:
  - name: wrong expectation
    as_of: 2025-06-01
    profile:{PROFILE}
    expect: {{pool: not_eligible}}
""")
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 1
    assert "FAIL  " in result.stdout and "pool: expected not_eligible, got eligible" in result.stderr
    assert result.stdout.splitlines()[-1] == "1 case(s): 0 passed, 1 failed"
