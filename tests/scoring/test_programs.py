"""The three programs as rules, each minimum at its edge, and pool membership computed from them when the profile
does not give `eligible_programs`."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import ir
from engine.explain.explanation import explain_results
from tests.scoring.helpers import evaluation, job, levels, single_candidate, verdicts

AS_OF = date(2025, 6, 1)
MASTERS = {"level": "masters_or_professional"}


def programs(rulebook: ir.Rulebook, **changes: Any) -> dict[str, str]:
    return verdicts(evaluation(rulebook, AS_OF, **single_candidate(**changes)))


class TestFederalSkilledWorker:
    def test_the_reference_candidate_qualifies_for_fsw_and_cec(self, rulebook_2025: ir.Rulebook) -> None:
        assert programs(rulebook_2025) == {"fsw": "eligible", "cec": "eligible", "fst": "not_eligible"}

    @pytest.mark.parametrize(("abilities", "verdict"), [((9, 9, 9, 7), "eligible"), ((9, 9, 9, 6), "not_eligible")])
    def test_clb_7_in_every_ability(self, rulebook_2025: ir.Rulebook, abilities: tuple[int, ...],
                                    verdict: str) -> None:
        # Grid with CLB 9, 9, 9, 7: 22 + master's 23 + 3 years 11 + age 12 = 68.
        abroad = [job("21232", "India", "2019-03-01", "2022-02-28")]
        assert programs(rulebook_2025, work_history=abroad, education=MASTERS,
                        language_tests=[levels("ielts_general", *abilities)])["fsw"] == verdict

    @pytest.mark.parametrize(("end", "verdict"), [("2024-05-31", "eligible"), ("2024-05-29", "eligible"),
                                                  ("2024-05-28", "not_eligible")])
    def test_one_year_of_continuous_skilled_work(self, rulebook_2025: ir.Rulebook, end: str, verdict: str) -> None:
        # A year, or 1,560 hours: 364 days at 30 counted hours a week is exactly 1,560 hours, 363 days is not.
        # Grid: 24 + master's 23 + 1 year 9 + age 12 = 68.
        history = [job("21232", "India", "2023-06-01", end)]
        assert programs(rulebook_2025, work_history=history, education=MASTERS)["fsw"] == verdict

    def test_teer_4_work_does_not_count(self, rulebook_2025: ir.Rulebook) -> None:
        history = [job("44101", "India", "2019-03-01", "2022-02-28")]
        assert programs(rulebook_2025, work_history=history)["fsw"] == "not_eligible"

    def test_the_grid_pass_mark_at_67(self, rulebook_2025: ir.Rulebook) -> None:
        # Grid: CLB 7 x 4 -> 16; secondary -> 5; 1 year -> 9; age 36 -> 11; no offer; adaptability: a relative in
        # Canada -> 5, a spouse with CLB 4 -> 5, Canadian work -> 0. 16 + 5 + 9 + 11 + 10 = 51: fails.
        # With a master's (23 instead of 5): 69 passes; with a two-year diploma (19): 65 fails; bachelor's (21): 67.
        spouse = {"accompanying": True, "education": {"level": "secondary"},
                  "language_tests": [levels("celpip_general", 4, 4, 4, 4)]}
        base = {"date_of_birth": "1989-01-15", "language_tests": [levels("ielts_general", 7, 7, 7, 7)],
                "work_history": [job("21232", "India", "2024-01-01", "2025-01-31")], "relative_in_canada": True,
                "spouse": spouse}
        expected = {"secondary": "not_eligible", "two_year_post_secondary": "not_eligible",
                    "bachelors_or_3yr": "eligible", "masters_or_professional": "eligible"}
        for level, verdict in expected.items():
            assert programs(rulebook_2025, **base, education={"level": level})["fsw"] == verdict, level

    def test_the_grid_explains_its_points(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate())
        fsw = explain_results(result.programs, rulebook_2025)[0]
        grid = [e for e in fsw.walk() if e.label.startswith("FSW selection grid: points out of 100")]
        # CLB 9 x 4 -> 24; bachelor's -> 21; 5 years of skilled work -> 13; age 29 -> 12; adaptability: Canadian
        # work -> 10.
        assert grid and grid[0].detail and "80 points" in grid[0].detail


class TestCanadianExperienceClass:
    @pytest.mark.parametrize(("start", "verdict"), [("2024-06-01", "eligible"), ("2024-06-08", "not_eligible")])
    def test_1560_hours_in_canada_in_three_years(self, rulebook_2025: ir.Rulebook, start: str, verdict: str) -> None:
        # 52 weeks and a day at 30 counted hours a week is 1,564 hours; a week later it is under 1,560.
        history = [job("21232", "Canada", start, None)]
        assert programs(rulebook_2025, work_history=history)["cec"] == verdict

    def test_work_abroad_or_self_employed_does_not_count(self, rulebook_2025: ir.Rulebook) -> None:
        abroad = [job("21232", "India", "2022-01-01", None)]
        assert programs(rulebook_2025, work_history=abroad)["cec"] == "not_eligible"
        own = [{**job("21232", "Canada", "2022-01-01", None), "self_employed": True}]
        assert programs(rulebook_2025, work_history=own)["cec"] == "not_eligible"

    @pytest.mark.parametrize(("noc", "abilities", "verdict"), [
        ("21232", (7, 7, 7, 7), "eligible"),      # TEER 1 at CLB 7
        ("21232", (6, 7, 7, 7), "not_eligible"),  # TEER 1 needs CLB 7
        ("22310", (5, 5, 5, 5), "eligible"),      # TEER 2 at CLB 5
        ("22310", (5, 4, 5, 5), "not_eligible"),
    ])
    def test_language_minimum_follows_the_teer(self, rulebook_2025: ir.Rulebook, noc: str,
                                               abilities: tuple[int, ...], verdict: str) -> None:
        history = [job(noc, "Canada", "2023-01-01", None)]
        assert programs(rulebook_2025, work_history=history,
                        language_tests=[levels("celpip_general", *abilities)])["cec"] == verdict


class TestFederalSkilledTrades:
    ELECTRICIAN = "72200"

    def trades(self, rulebook: ir.Rulebook, noc: str = ELECTRICIAN, start: str = "2023-01-01",
               abilities: tuple[int, ...] = (5, 4, 4, 5), **changes: Any) -> str:
        history = [job(noc, "Philippines", start, None)]
        profile = {"work_history": history, "language_tests": [levels("celpip_general", *abilities)],
                   "certificate_of_qualification": True, **changes}
        return programs(rulebook, **profile)["fst"]

    @pytest.mark.parametrize(("noc", "verdict"), [
        ("72200", "eligible"), ("73300", "eligible"), ("82010", "eligible"), ("83100", "eligible"),
        ("92100", "eligible"), ("93100", "eligible"), ("63200", "eligible"), ("62200", "eligible"),
        ("72600", "not_eligible"), ("93200", "not_eligible"), ("62100", "not_eligible"), ("21232", "not_eligible"),
    ])
    def test_the_noc_groups_of_the_skilled_trades(self, rulebook_2025: ir.Rulebook, noc: str, verdict: str) -> None:
        assert self.trades(rulebook_2025, noc) == verdict

    @pytest.mark.parametrize(("start", "verdict"), [("2023-06-01", "eligible"), ("2023-06-08", "not_eligible")])
    def test_two_years_3120_hours_within_five_years(self, rulebook_2025: ir.Rulebook, start: str,
                                                    verdict: str) -> None:
        assert self.trades(rulebook_2025, start=start) == verdict

    @pytest.mark.parametrize(("abilities", "verdict"), [((5, 4, 4, 5), "eligible"), ((4, 4, 4, 5), "not_eligible"),
                                                        ((5, 3, 4, 5), "not_eligible")])
    def test_clb_5_speaking_and_listening_4_reading_and_writing(self, rulebook_2025: ir.Rulebook,
                                                               abilities: tuple[int, ...], verdict: str) -> None:
        assert self.trades(rulebook_2025, abilities=abilities) == verdict

    def test_a_job_offer_or_a_certificate(self, rulebook_2025: ir.Rulebook) -> None:
        assert self.trades(rulebook_2025, certificate_of_qualification=False) == "not_eligible"
        offer = {"noc": self.ELECTRICIAN, "basis": "lmia"}
        assert self.trades(rulebook_2025, certificate_of_qualification=False, job_offer=offer) == "eligible"
        unsupported = {"noc": self.ELECTRICIAN, "basis": "none"}
        assert self.trades(rulebook_2025, certificate_of_qualification=False, job_offer=unsupported) == \
            "not_eligible"


class TestPoolMembership:
    def category(self, rulebook: ir.Rulebook, **changes: Any) -> Any:
        result = evaluation(rulebook, AS_OF, **single_candidate(**changes))
        return next(c for c in result.categories if c.category.id == "french")

    def test_without_eligible_programs_the_program_rules_decide(self, rulebook_2025: ir.Rulebook) -> None:
        french = [levels("tef_canada", 7, 7, 7, 7), levels("ielts_general", 9, 9, 9, 9)]
        assert self.category(rulebook_2025, language_tests=french).verdict.value == "eligible"
        nowhere = [job("44101", "India", "2019-03-01", "2022-02-28")]
        assert self.category(rulebook_2025, language_tests=french, work_history=nowhere).verdict.value == \
            "not_eligible"

    def test_given_programs_win_and_the_explanation_says_they_were_given(self, rulebook_2025: ir.Rulebook) -> None:
        french = [levels("tef_canada", 7, 7, 7, 7)]
        nowhere = [job("44101", "India", "2019-03-01", "2022-02-28")]
        outcome = self.category(rulebook_2025, language_tests=french, work_history=nowhere,
                                eligible_programs=["fsw"])
        assert outcome.verdict.value == "eligible"
        explanation = explain_results([outcome], rulebook_2025)[0]
        given = [f for e in explanation.walk() for f in e.facts if f.path == "eligible_programs"]
        assert given and all(f.given for f in given)
