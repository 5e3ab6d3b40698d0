"""The structural diff of conditions: what counts as a change of meaning, and what is only writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.diff.rule_diff import RuleChange, diff_conditions
from engine.lower.rulebook import Compiler
from tests.conftest import HEADER

PRELUDE = """
constant minimum_experience "Continuous full-time work experience needed" cite src = 6 months
occupations listed "Listed occupations" cite src {
  31301 "Registered nurses and registered psychiatric nurses" teer 1
}
"""


def condition_changes(compiler: Compiler, tmp_path: Path, old: str, new: str) -> tuple[RuleChange, ...]:
    """Compile two one-category rulebooks that differ only in the text given, and diff their conditions."""
    compiled = []
    for side, text in (("old", old), ("new", new)):
        folder = tmp_path / "rules" / side
        folder.mkdir(parents=True)
        (folder / "main.rules").write_text(HEADER + PRELUDE + text, encoding="utf-8")
        compiled.append(compiler.compile_folder(folder, side)[0])
    return diff_conditions(compiled[0].categories[0].condition, compiled[1].categories[0].condition)


def category(condition: str, definitions: str = "") -> str:
    return f'{definitions}\ncategory c "A category" cite src {{\n  eligible when {condition}\n}}\n'


EXPERIENCE = "any occupation in worked_in(listed): continuous_full_time(occupation, within 3 years before as_of)"


@pytest.mark.parametrize(("old", "new"), [
    ("count(eligible_programs) >= 1 and crs >= 400 points", "crs >= 400 points and count(eligible_programs) >= 1"),
    ("(crs >= 400 points and crs <= 600 points) and count(eligible_programs) >= 1",
     "crs >= 400 points and (crs <= 600 points and count(eligible_programs) >= 1)"),
    (f"{EXPERIENCE} >= 12 months", f"{EXPERIENCE} >= 1 year"),
    (f"{EXPERIENCE} >= 6 months", f"{EXPERIENCE} >= minimum_experience"),
    (f"{EXPERIENCE} >= 6 months",
     "any code in worked_in(listed): continuous_full_time(code, within 36 months before as_of) >= 6 months"),
])
def test_rewriting_without_changing_the_meaning_reports_nothing(compiler: Compiler, tmp_path: Path, old: str,
                                                                new: str) -> None:
    assert condition_changes(compiler, tmp_path, category(old), category(new)) == ()


def test_moving_a_condition_into_a_definition_reports_nothing(compiler: Compiler, tmp_path: Path) -> None:
    helper = 'define experienced "Six months in a listed occupation" cite src = ' + f"{EXPERIENCE} >= 6 months\n"
    old = category(f"count(eligible_programs) >= 1 and {EXPERIENCE} >= 6 months")
    new = category("experienced and count(eligible_programs) >= 1", helper)
    assert condition_changes(compiler, tmp_path, old, new) == ()


def test_a_changed_comparison_shows_both_operators(compiler: Compiler, tmp_path: Path) -> None:
    (change,) = condition_changes(compiler, tmp_path, category("crs >= 450 points"), category("crs > 450 points"))
    assert (change.kind, change.what, change.old, change.new) == (
        "changed", "the CRS score: needed", "at least 450 points", "more than 450 points")
    assert change.old_source == "old/main.rules:10"


def test_a_dropped_alternative_is_reported_as_removed(compiler: Compiler, tmp_path: Path) -> None:
    old = "count(eligible_programs) >= 2 or crs >= 500 points"
    (change,) = condition_changes(compiler, tmp_path, category(old), category("crs >= 500 points"))
    assert (change.kind, change.what) == ("removed", "alternative removed")
    assert change.old == "the number of the eligible programs is at least 2"


def test_any_becoming_all_is_a_change_in_how_many_must_qualify(compiler: Compiler, tmp_path: Path) -> None:
    old = "any result in language_tests: result.writing >= nclc 7"
    (change,) = condition_changes(compiler, tmp_path, category(old), category(old.replace("any", "all", 1)))
    assert change.what == "how many must qualify"
    assert change.old is not None and change.old.startswith("at least one result in")
    assert change.new is not None and change.new.startswith("every result in")


def test_a_level_change_in_one_ability_names_it(compiler: Compiler, tmp_path: Path) -> None:
    old = "any result in language_tests: result.writing >= nclc 7 and result.speaking >= nclc 7"
    new = "any result in language_tests: result.writing >= nclc 5 and result.speaking >= nclc 7"
    (change,) = condition_changes(compiler, tmp_path, category(old), category(new))
    assert (change.what, change.old, change.new) == ("the result's writing: needed", "NCLC 7", "NCLC 5")


def test_an_added_filter_on_a_quantifier_is_a_new_condition(compiler: Compiler, tmp_path: Path) -> None:
    old = "any result in language_tests: result.writing >= nclc 7"
    new = 'any result in language_tests where result.test in ["tef_canada"]: result.writing >= nclc 7'
    (change,) = condition_changes(compiler, tmp_path, category(old), category(new))
    assert (change.kind, change.what) == ("added", "which results count")
    assert change.new == "the result's test is one of tef_canada"
