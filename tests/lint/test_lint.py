"""Lints: advice on rules that are valid but probably not what the analyst meant. The shipped rulebooks are clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl.checker import check
from dsl.diagnostics import Diagnostic, Severity
from dsl.lint import lint
from dsl.loader import load_folder
from engine.cli.main import main
from engine.model.facts import PRELUDE
from tests.conftest import RULES

CONSTANTS = """
constant window "Three years" cite src = 3 years
constant six_months "Six months" cite src = 6 months
occupations stem "STEM" cite src {
  21220 "Cybersecurity specialists" teer 1
}
"""


def lints(folder: Path) -> list[Diagnostic]:
    return lint(check(load_folder(folder), PRELUDE))


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found]


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_the_shipped_rulebooks_have_no_errors_and_no_warnings(year: str) -> None:
    found = lints(RULES / year)
    assert [d for d in found if d.severity is not Severity.INFO] == []


def test_a_bare_duration_in_a_definition_is_a_threshold_that_wants_a_name(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(CONSTANTS + """
define recent(list: occupations) "d" cite src
  = any code in worked_in(list): continuous_full_time(code, within window before as_of) >= 6 months
category stem "STEM" cite src { eligible when recent(stem) }
""")
    (finding,) = [d for d in lints(folder) if d.code != "W402"]
    assert finding.code == "W401" and finding.severity is Severity.WARNING
    assert "6 months" in finding.message and "definition 'recent'" in finding.message
    assert (finding.span.line, finding.span.column) == (11, 92)


def test_a_bare_level_in_a_category_and_a_bare_count_are_thresholds_but_zero_and_one_are_not(
        write_rules: Callable[..., Path]) -> None:
    folder = write_rules(CONSTANTS + """
category french "French" cite src {
  eligible when count(eligible_programs) >= 1
    and count(language_tests) >= 2
    and all result in language_tests: result.reading >= nclc 7
}
define recent "d" cite src = true
""")
    found = [d for d in lints(folder) if d.code == "W401"]
    assert sorted(d.message.split(" in ")[0] for d in found) == ["the threshold 2", "the threshold nclc 7"]


def test_constants_definitions_and_lists_that_nothing_uses_are_reported(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(CONSTANTS + """
define helper "d" cite src = count(eligible_programs) >= 1
category any_pool "In the pool" cite src { eligible when count(eligible_programs) >= 1 }
""")
    unused = sorted(d.message for d in lints(folder) if d.code == "W402")
    assert unused == ["constant 'six_months' is never used", "constant 'window' is never used",
                      "definition 'helper' is never used", "occupation list 'stem' is never used"]


def test_a_parameter_that_shadows_a_constant_does_not_count_as_a_use(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
constant window "w" cite src = 3 years
define recent(window: period) "d" cite src = any code in worked_in(stem): hours_worked(code, window) >= 1 hours
occupations stem "STEM" cite src { 21220 "Cybersecurity specialists" teer 1 }
category stem_category "STEM" cite src { eligible when recent(within 2 years before as_of) }
""")
    assert "constant 'window' is never used" in [d.message for d in lints(folder)]


def test_a_window_shorter_than_the_duration_it_asks_for_can_never_be_true(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
constant window "w" cite src = 3 months
constant needed "n" cite src = 6 months
occupations stem "STEM" cite src { 21220 "Cybersecurity specialists" teer 1 }
category stem_category "STEM" cite src {
  eligible when any code in worked_in(stem): continuous_full_time(code, within window before as_of) >= needed
}
""")
    (finding,) = lints(folder)
    assert finding.code == "W403"
    assert finding.message == ("this comparison can never be true: it asks for 6 months ('needed'), but measures "
                               "within a period of only 3 months ('window')")


def test_a_window_as_long_as_the_duration_is_fine_even_in_other_units(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
constant window "w" cite src = 26 weeks
constant needed "n" cite src = 6 months
occupations stem "STEM" cite src { 21220 "Cybersecurity specialists" teer 1 }
category stem_category "STEM" cite src {
  eligible when any code in worked_in(stem): continuous_full_time(code, within window before as_of) >= needed
}
""")
    assert lints(folder) == []


def test_fixed_operands_repeats_and_constant_comparisons_never_matter(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
constant level "l" cite src = clb 7
constant other "o" cite src = clb 5
category c "C" cite src {
  eligible when (count(eligible_programs) >= 1 or false) and count(eligible_programs) >= 1
    and count(eligible_programs) >= 1 and level > other
}
category d "D" cite src { eligible when count(eligible_programs) >= 1 and false }
""")
    messages = [d.message for d in lints(folder) if d.code == "W403"]
    assert messages == [
        "'or false' never changes the outcome",
        "this condition is repeated in the same 'and', so it never matters the second time",
        "this comparison has only fixed values on both sides, so it never depends on the profile",
        "'and false' makes the whole condition never true",
    ]


def test_an_occupation_in_two_categories_of_a_year_is_information(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
occupations health "Health" cite src { 42203 "Instructors of persons with disabilities" teer 2 }
occupations teaching "Teaching" cite src {
  41220 "Secondary school teachers" teer 1
  42203 "Instructors of persons with disabilities" teer 2
}
define worked(list: occupations) "d" cite src = count(worked_in(list)) >= 1
category healthcare "Healthcare" cite src { eligible when worked(health) }
category education "Education" cite src { eligible when worked(teaching) }
""")
    (finding,) = lints(folder)
    assert finding.code == "I404" and finding.severity is Severity.INFO
    assert finding.message == ("occupation 42203 (Instructors of persons with disabilities) is listed for both "
                               "category 'healthcare' (in 'health') and category 'education' (in 'teaching')")
    assert finding.span.line == 7  # the second listing, in 'teaching'


def test_one_list_used_by_two_categories_is_said_once(write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
occupations teaching "Teaching" cite src {
  41220 "Secondary school teachers" teer 1
  41221 "Elementary school and kindergarten teachers" teer 1
}
define worked(list: occupations) "d" cite src = count(worked_in(list)) >= 1
category education "Education" cite src { eligible when worked(teaching) }
category schools "Schools" cite src { eligible when worked(teaching) }
""")
    (finding,) = lints(folder)
    assert (finding.code, finding.span.line) == ("I404", 4)
    assert finding.message == "occupation list 'teaching' is used by both category 'education' and category 'schools'"


def test_rules_check_reports_lints_as_warnings_and_still_exits_0(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(CONSTANTS + """
category stem_category "STEM" cite src { eligible when count(worked_in(stem)) >= 1 }
""")
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 0
    assert "W402 (warning): constant 'window' is never used" in result.stderr
    assert "checked 1 rulebook(s): 0 errors, 2 warnings, 0 info" in result.stdout


def test_rules_check_json_lists_errors_with_places_and_exits_1(write_rules: Callable[..., Path]) -> None:
    folder = write_rules('category c "C" cite nowhere { eligible when true }\n')
    result = CliRunner().invoke(main, ["check", str(folder), "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    (error,) = document["diagnostics"]
    assert (error["code"], error["line"], error["column"], error["severity"]) == ("E121", 3, 21, "error")
    assert document["counts"] == {"error": 1, "warning": 0, "info": 0}
