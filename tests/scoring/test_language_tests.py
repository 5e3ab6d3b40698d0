"""Language tests as rules: raw scores become CLB/NCLC levels through the cited charts, TEF Canada's chart follows
the test date, a result counts for 2 years, and the first official language follows from the profile."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import ir
from engine.eval.traced import evaluate_rule
from engine.explain.explanation import explain_results
from engine.model.facts import facts_from_profile
from engine.model.quantities import LanguageLevel, Points
from tests.scoring.helpers import evaluation, ielts, levels, sections, single_candidate, verdicts

AS_OF = date(2025, 6, 1)


def level_of(rulebook: ir.Rulebook, result: dict[str, Any], ability: str = "listening",
             as_of: date = AS_OF) -> LanguageLevel:
    facts = facts_from_profile({"id": "case", "language_tests": [result]})
    trace = evaluate_rule(rulebook, f"{ability}_level", facts, as_of, (facts.values["language_tests"][0],))
    value: LanguageLevel = trace.value
    return value


def scores(test: str, taken: str = "2024-09-14", **by_ability: float) -> dict[str, Any]:
    return {"test": test, "date": taken, "scores": by_ability}


class TestConversion:
    @pytest.mark.parametrize(("band", "clb"), [(6.0, 7), (6.5, 8), (7.0, 9), (7.5, 9), (8.0, 10), (3.0, 3)])
    def test_ielts_reading_bands_map_to_the_level_whose_range_holds_them(self, rulebook_2025: ir.Rulebook,
                                                                        band: float, clb: int) -> None:
        assert level_of(rulebook_2025, scores("ielts_general", reading=band), "reading") == LanguageLevel(clb, "clb")

    @pytest.mark.parametrize(("level", "clb"), [(12, 10), (11, 10), (10, 10), (9, 9), (4, 4), (3, 3)])
    def test_celpip_levels_10_to_12_all_give_clb_10(self, rulebook_2025: ir.Rulebook, level: int, clb: int) -> None:
        assert level_of(rulebook_2025, scores("celpip_general", listening=level)).value == clb

    @pytest.mark.parametrize(("points", "clb"), [(82, 9), (81, 8), (71, 8), (70, 7), (28, 4), (27, 3)])
    def test_pte_core_listening_edges(self, rulebook_2025: ir.Rulebook, points: int, clb: int) -> None:
        assert level_of(rulebook_2025, scores("pte_core", listening=points)).value == clb

    @pytest.mark.parametrize(("points", "nclc"), [(16, 10), (15, 9), (10, 7), (9, 6), (4, 4), (3, 3)])
    def test_tcf_canada_writing_on_its_0_to_20_scale(self, rulebook_2025: ir.Rulebook, points: int,
                                                    nclc: int) -> None:
        level = level_of(rulebook_2025, scores("tcf_canada", writing=points), "writing")
        assert level == LanguageLevel(nclc, "nclc") and str(level) == f"NCLC {nclc}"

    @pytest.mark.parametrize(("taken", "nclc"), [("2023-12-11", 7), ("2023-12-10", 6), ("2019-10-01", 6)])
    def test_tef_canada_reads_the_chart_of_its_test_date(self, rulebook_2025: ir.Rulebook, taken: str,
                                                        nclc: int) -> None:
        # 440 is NCLC 7 on the chart for tests after 2023-12-10 (434 to 461), NCLC 6 on the earlier 0-699 chart.
        result = scores("tef_canada", taken, listening=440)
        assert level_of(rulebook_2025, result, as_of=date(2024, 6, 1)).value == nclc

    def test_tef_canada_before_october_2019_uses_the_legacy_points(self, rulebook_2023: ir.Rulebook) -> None:
        result = scores("tef_canada", "2019-06-01", reading=233)
        assert level_of(rulebook_2023, result, "reading", as_of=date(2019, 7, 1)).value == 8

    def test_a_given_level_is_used_as_given(self, rulebook_2025: ir.Rulebook) -> None:
        result = {"test": "ielts_general", "date": "2024-09-14", "levels": {"listening": 7},
                  "scores": {"listening": 9.0}}
        assert level_of(rulebook_2025, result).value == 7

    def test_the_explanation_names_the_chart_row(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(language_tests=[ielts(8.0, 6.5, 7.0, 7.0)]))
        assert result.score is not None
        text = "\n".join(e.detail or "" for s in result.score.sections for e in _walk_sections(rulebook_2025, s))
        assert "reading level = CLB 8: row 'CLB 8' gives 23 points" in text


def _walk_sections(rulebook: ir.Rulebook, section: Any) -> Any:
    from engine.explain.explanation import explain_sections
    (explanation,) = explain_sections([section], rulebook)
    return explanation.walk()


class TestValidity:
    def test_a_result_counts_on_the_last_day_of_its_two_years(self, rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2023-05-31")])
        assert verdicts(evaluation(rulebook_2025, date(2025, 5, 31), **profile))["fsw"] == "eligible"

    def test_a_result_older_than_two_years_does_not_count_and_the_explanation_says_so(
            self, rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2023-05-31")])
        result = evaluation(rulebook_2025, date(2025, 6, 1), **profile)
        assert verdicts(result) == {"fsw": "not_eligible", "cec": "not_eligible", "fst": "not_eligible"}
        assert sections(result)["core"] == 110 + 120 + 0 + 0 + 53
        fsw = explain_results(result.programs, rulebook_2025)[0]
        details = [e.detail for e in fsw.walk()]
        assert "the last day the result counts (2 years after the test): 2025-05-31; " \
               "needs a date on or after 2025-06-01" in details
        failed = [e.label for e in fsw.walk() if e.outcome == "fails"]
        assert "the result is at most 2 years old on the as-of date" in failed

    def test_an_expired_result_scores_no_crs_language_points_and_says_why(self, rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2023-05-31")])
        result = evaluation(rulebook_2025, date(2025, 6, 1), **profile)
        assert result.score is not None
        core = _walk_sections(rulebook_2025, result.score.sections[0])
        assert "0 points (the result was taken by the as-of date and is at most 2 years old on it: no)" \
            in [e.detail for e in core]

    def test_a_result_dated_on_the_as_of_date_counts(self, rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2025-06-01")])
        assert verdicts(evaluation(rulebook_2025, date(2025, 6, 1), **profile))["fsw"] == "eligible"

    def test_a_result_dated_after_the_as_of_date_does_not_count_and_the_explanation_says_so(
            self, rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2025-06-02")])
        result = evaluation(rulebook_2025, date(2025, 6, 1), **profile)
        assert verdicts(result) == {"fsw": "not_eligible", "cec": "not_eligible", "fst": "not_eligible"}
        assert sections(result)["core"] == 110 + 120 + 0 + 0 + 53
        fsw = explain_results(result.programs, rulebook_2025)[0]
        assert "the test date: 2025-06-02; needs a date on or before 2025-06-01" in [e.detail for e in fsw.walk()]
        failed = [e.label for e in fsw.walk() if e.outcome == "fails"]
        assert "the test was taken on or before the as-of date" in failed
        assert "the result is at most 2 years old on the as-of date" not in failed

    def test_a_result_dated_after_the_as_of_date_scores_no_crs_language_points(self,
                                                                              rulebook_2025: ir.Rulebook) -> None:
        profile = single_candidate(language_tests=[levels("ielts_general", 9, 9, 9, 9, taken="2025-06-02")])
        result = evaluation(rulebook_2025, date(2025, 6, 1), **profile)
        assert result.score is not None
        core = _walk_sections(rulebook_2025, result.score.sections[0])
        assert "0 points (the result was taken by the as-of date and is at most 2 years old on it: no)" \
            in [e.detail for e in core]

    def test_a_french_result_dated_after_the_as_of_date_does_not_make_a_french_speaker(
            self, rulebook_2025: ir.Rulebook) -> None:
        english, french = levels("ielts_general", 9, 9, 9, 9), levels("tef_canada", 9, 9, 9, 9, taken="2025-06-02")
        result = evaluation(rulebook_2025, date(2025, 6, 1), **single_candidate(language_tests=[english, french]))
        assert {c.category.id: c.verdict.value for c in result.categories}["french"] == "not_eligible"
        on_the_day = evaluation(rulebook_2025, date(2025, 6, 2), **single_candidate(language_tests=[english, french]))
        assert {c.category.id: c.verdict.value for c in on_the_day.categories}["french"] == "eligible"


class TestOfficialLanguages:
    FRENCH_STRONG = levels("tef_canada", 9, 9, 9, 9)
    ENGLISH_WEAK = levels("ielts_general", 5, 5, 5, 5)

    def first_language_points(self, rulebook: ir.Rulebook, **changes: Any) -> tuple[Points, Points]:
        result = evaluation(rulebook, AS_OF, **single_candidate(**changes))
        facts = facts_from_profile({"id": "case", **single_candidate(**changes)})
        first = evaluate_rule(rulebook, "crs_first_language_points", facts, AS_OF).value
        second = evaluate_rule(rulebook, "crs_second_language_points", facts, AS_OF).value
        assert result.score is not None
        return first, second

    def test_the_language_that_scores_higher_is_first(self, rulebook_2025: ir.Rulebook) -> None:
        first, second = self.first_language_points(rulebook_2025,
                                                   language_tests=[self.ENGLISH_WEAK, self.FRENCH_STRONG])
        assert (first, second) == (Points(4 * 31), Points(4 * 1))

    def test_the_profile_may_name_the_first_language(self, rulebook_2025: ir.Rulebook) -> None:
        first, second = self.first_language_points(rulebook_2025, first_official_language="english",
                                                   language_tests=[self.ENGLISH_WEAK, self.FRENCH_STRONG])
        assert (first, second) == (Points(4 * 6), Points(4 * 6))

    def test_second_language_points_stop_at_24_without_a_spouse_and_22_with_one(self,
                                                                            rulebook_2025: ir.Rulebook) -> None:
        tests = [levels("ielts_general", 10, 10, 10, 10), self.FRENCH_STRONG]
        assert self.first_language_points(rulebook_2025, language_tests=tests)[1] == Points(24)
        spouse = {"accompanying": True, "education": {"level": "secondary"}}
        assert self.first_language_points(rulebook_2025, language_tests=tests, spouse=spouse)[1] == Points(22)
