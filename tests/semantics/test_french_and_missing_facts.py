"""French-language proficiency, pool membership, and three-valued logic when facts are missing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import ir
from engine.eval.traced import MISSING, Verdict, evaluate, kleene_all, kleene_any
from engine.explain.explanation import explain_category
from engine.model.facts import facts_from_profile
from engine.model.profile import validate

AS_OF = date(2025, 6, 1)
CIVIL_ENGINEER = {"noc": "21300", "start": "2023-01-02", "end": None, "hours_per_week": 40}


def result(rulebook: ir.Rulebook, category: str, **profile: Any) -> Any:
    checked = validate({"id": "case", **profile}, "case")
    assert checked.data is not None, checked.problems
    for outcome in evaluate(rulebook, facts_from_profile(checked.data), AS_OF):
        if outcome.category.id == category:
            return outcome
    raise AssertionError(f"no category {category}")


def french(test: str, listening: int, reading: int, writing: int, speaking: int) -> dict[str, Any]:
    return {"test": test, "date": "2025-01-10",
            "levels": {"listening": listening, "reading": reading, "writing": writing, "speaking": speaking}}


class TestFrench:
    @pytest.mark.parametrize("test", ["tef_canada", "tcf_canada"])
    def test_nclc_7_in_all_four_abilities_qualifies(self, rulebook_2025: ir.Rulebook, test: str) -> None:
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"], language_tests=[french(test, 7, 7, 7, 7)])
        assert outcome.verdict is Verdict.ELIGIBLE

    @pytest.mark.parametrize("weak", range(4))
    def test_one_ability_at_nclc_6_fails(self, rulebook_2025: ir.Rulebook, weak: int) -> None:
        levels = [8, 8, 8, 8]
        levels[weak] = 6
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"],
                         language_tests=[french("tef_canada", *levels)])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE

    def test_an_english_test_does_not_prove_french(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"],
                         language_tests=[french("ielts_general", 9, 9, 9, 9)])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE

    def test_abilities_of_two_results_do_not_combine(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"],
                         language_tests=[french("tef_canada", 9, 9, 6, 9), french("tcf_canada", 6, 9, 9, 9)])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE

    def test_the_explanation_gives_the_margin_of_the_failed_ability(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"],
                         language_tests=[french("tef_canada", 9, 8, 6, 8)])
        details = [n.detail for n in explain_category(outcome, rulebook_2025).walk() if n.outcome == "fails"]
        assert "writing level: NCLC 6; needs NCLC 7 or more" in details


class TestPool:
    def test_an_empty_list_of_programs_is_outside_the_pool(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "stem", eligible_programs=[], work_history=[CIVIL_ENGINEER])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE

    def test_given_programs_are_reported_as_given(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "stem", eligible_programs=["fst"], work_history=[CIVIL_ENGINEER])
        facts = [f for n in explain_category(outcome, rulebook_2025).walk() for f in n.facts]
        assert any(f.path == "eligible_programs" and f.given for f in facts)


class TestMissingFacts:
    def test_missing_programs_leave_an_otherwise_eligible_candidate_undetermined(
            self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "stem", work_history=[CIVIL_ENGINEER])
        assert outcome.verdict is Verdict.UNDETERMINED
        missing = explain_category(outcome, rulebook_2025).missing
        assert missing[0] == "eligible_programs"  # not given, so the program rules decide, and they lack facts
        assert "language_tests" in missing

    def test_false_and_missing_is_false(self, rulebook_2025: ir.Rulebook) -> None:
        outcome = result(rulebook_2025, "healthcare", work_history=[CIVIL_ENGINEER])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE

    def test_missing_weekly_hours_leave_the_experience_undetermined(self, rulebook_2025: ir.Rulebook) -> None:
        job = {"noc": "21300", "start": "2023-01-02"}
        outcome = result(rulebook_2025, "stem", eligible_programs=["fsw"], work_history=[job])
        assert outcome.verdict is Verdict.UNDETERMINED
        assert "work_history[0].hours_per_week" in explain_category(outcome, rulebook_2025).missing

    def test_a_missing_work_history_is_not_an_empty_one(self, rulebook_2025: ir.Rulebook) -> None:
        assert result(rulebook_2025, "trades", eligible_programs=["fsw"]).verdict is Verdict.UNDETERMINED
        assert result(rulebook_2025, "trades", eligible_programs=["fsw"], work_history=[]).verdict \
            is Verdict.NOT_ELIGIBLE

    def test_a_missing_ability_leaves_french_undetermined(self, rulebook_2025: ir.Rulebook) -> None:
        test = {"test": "tcf_canada", "levels": {"listening": 9, "reading": 9, "speaking": 9}}
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"], language_tests=[test])
        assert outcome.verdict is Verdict.UNDETERMINED
        assert explain_category(outcome, rulebook_2025).missing == (
            "language_tests[0].date", "language_tests[0].levels.writing", "language_tests[0].scores.writing")

    def test_a_failed_ability_decides_even_when_another_is_missing(self, rulebook_2025: ir.Rulebook) -> None:
        test = {"test": "tcf_canada", "levels": {"listening": 5, "reading": 9, "speaking": 9}}
        outcome = result(rulebook_2025, "french", eligible_programs=["fsw"], language_tests=[test])
        assert outcome.verdict is Verdict.NOT_ELIGIBLE


class TestKleeneTables:
    @pytest.mark.parametrize(("values", "expected"), [
        ((True, True), True), ((True, False), False), ((False, MISSING), False), ((True, MISSING), MISSING),
        ((MISSING, MISSING), MISSING), ((), True),
    ])
    def test_and(self, values: tuple[Any, ...], expected: Any) -> None:
        assert kleene_all(values) is expected

    @pytest.mark.parametrize(("values", "expected"), [
        ((False, False), False), ((True, False), True), ((True, MISSING), True), ((False, MISSING), MISSING),
        ((MISSING, MISSING), MISSING), ((), False),
    ])
    def test_or(self, values: tuple[Any, ...], expected: Any) -> None:
        assert kleene_any(values) is expected
