"""The CRS as rules: worked profiles with their full breakdown under both versions, the boundary rows of the
tables, the caps, and the version chosen by the as-of date. Every expected number is worked out by hand from
`reference/crs_2023.yaml` in the comments beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import ir
from tests.scoring.helpers import evaluation, ielts, job, levels, sections, single_candidate, total

AS_OF = date(2025, 6, 1)


def executive(**changes: Any) -> dict[str, Any]:
    """A bilingual engineering manager with an accompanying spouse, a Canadian credential and a job offer in
    senior management (NOC 00012, supported by an LMIA)."""
    profile: dict[str, Any] = {
        "date_of_birth": "1990-03-10",
        "first_official_language": "french",
        "education": {"level": "two_or_more_one_3yr", "canadian": True, "completed": True},
        "language_tests": [levels("tef_canada", 8, 8, 8, 8, taken="2024-01-10"),
                           levels("celpip_general", 6, 6, 6, 6, taken="2024-02-20")],
        "work_history": [job("20012", "Canada", "2023-01-01", "2024-01-31")],
        "spouse": {"accompanying": True, "canadian_citizen_or_pr": False, "education": {"level": "secondary"},
                   "language_tests": [levels("celpip_general", 9, 9, 9, 9, taken="2024-03-01")]},
        "job_offer": {"noc": "00012", "basis": "lmia"},
        "sibling_in_canada": True,
    }
    profile.update(changes)
    return profile


class TestWorkedProfiles:
    def test_single_candidate_2025(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate())
        assert result.score is not None and result.score.score is not None
        assert result.score.score.id == "crs_2025_03_25"
        # A: age 29 -> 110; bachelor's -> 120; CLB 9 x 4 -> 124; no second language; 2 years in Canada -> 53.
        # C: bachelor's with CLB 9 -> 25, with 2 Canadian years -> 25 (50); 3 foreign years with CLB 9 -> 50, with
        #    2 Canadian years -> 50 (capped at 50); no certificate. D: nothing.
        assert sections(result) == {"core": 407, "spouse": 0, "transferability": 100, "additional": 0}
        assert total(result) == 507

    def test_executive_under_the_2022_version(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, date(2025, 3, 24), **executive())
        assert result.score is not None and result.score.score is not None
        assert result.score.score.id == "crs_2022_11_16"
        # With spouse columns. A: age 35 -> 70; two credentials -> 119; French first, NCLC 8 x 4 -> 88; English
        #    second, CLB 6 x 4 -> 4; 1 Canadian year -> 35 (316).
        # B: spouse secondary -> 2; spouse CLB 9 x 4 -> 20; no Canadian work -> 0 (22).
        # C: two credentials with NCLC 8 -> 25, with 1 Canadian year -> 25 (50); no foreign work; no certificate.
        # D: French NCLC 7+ with English CLB 5+ -> 50; Canadian 3-year credential -> 30; sibling -> 15;
        #    job offer in major group 00 -> 200 (295).
        assert sections(result) == {"core": 316, "spouse": 22, "transferability": 50, "additional": 295}
        assert total(result) == 683

    def test_executive_under_the_2025_version_loses_the_job_offer_points(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, date(2025, 3, 25), **executive())
        assert sections(result) == {"core": 316, "spouse": 22, "transferability": 50, "additional": 95}
        assert total(result) == 483

    def test_a_profile_that_flips_when_job_offer_points_were_removed(self, rulebook_2025: ir.Rulebook) -> None:
        # The rival: age 29 -> 110, 120, 124, 1 Canadian year -> 40 (394); C: 25 + 13, and 50 + 25 capped at 50 (88).
        rival = [total(evaluation(rulebook_2025, day, **single_candidate()))
                 for day in (date(2025, 3, 24), date(2025, 3, 25))]
        assert rival == [482, 482]
        # A data scientist's offer (NOC 21211, TEER 1): 50 points under the 2022 version, none from 2025-03-25.
        candidate = executive(job_offer={"noc": "21211", "basis": "lmia"}, sibling_in_canada=False)
        scores = [total(evaluation(rulebook_2025, day, **candidate)) for day in (date(2025, 3, 24), date(2025, 3, 25))]
        assert scores == [518, 468]
        assert scores[0] > rival[0] and scores[1] < rival[1]

    def test_the_2023_rulebook_scores_with_the_2022_version(self, rulebook_2023: ir.Rulebook) -> None:
        tests = [levels("tef_canada", 8, 8, 8, 8, taken="2023-06-10"),
                 levels("celpip_general", 6, 6, 6, 6, taken="2023-07-20")]
        spouse = {"accompanying": True, "education": {"level": "secondary"},
                  "language_tests": [levels("celpip_general", 9, 9, 9, 9, taken="2023-03-01")]}
        result = evaluation(rulebook_2023, date(2023, 11, 30), **executive(language_tests=tests, spouse=spouse))
        assert result.score is not None and result.score.score is not None
        assert result.score.score.id == "crs_2022_11_16"
        # Age 33 -> 80; Canadian work 2023-01-01 to 2023-11-30 is under a year -> 0; C: 25 with language, 0 with
        # Canadian work; D as before.
        assert sections(result) == {"core": 80 + 119 + 88 + 4, "spouse": 22, "transferability": 25,
                                    "additional": 295}

    def test_a_given_crs_is_used_as_given(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(crs=431))
        assert result.score is not None and result.score.given and result.score.sections == ()
        assert total(result) == 431


class TestBoundaryRows:
    def core(self, rulebook: ir.Rulebook, as_of: date = AS_OF, **changes: Any) -> int:
        return sections(evaluation(rulebook, as_of, **single_candidate(**changes)))["core"]

    def test_age_29_to_30(self, rulebook_2025: ir.Rulebook) -> None:
        born = "1995-06-02"
        assert self.core(rulebook_2025, date(2025, 6, 1), date_of_birth=born) == 407  # 29: 110
        assert self.core(rulebook_2025, date(2025, 6, 2), date_of_birth=born) == 407 - 5  # 30: 105

    def test_clb_8_to_9_in_one_ability(self, rulebook_2025: ir.Rulebook) -> None:
        clb_8 = self.core(rulebook_2025, language_tests=[ielts(8.0, 6.5, 7.0, 7.0)])
        clb_9 = self.core(rulebook_2025, language_tests=[ielts(8.0, 7.0, 7.0, 7.0)])
        assert clb_9 - clb_8 == 31 - 23

    def test_one_ability_at_clb_8_moves_transferability_to_the_lower_band(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(language_tests=[ielts(8.0, 6.5, 7.0, 7.0)]))
        # Education with CLB 7-8: 13, + 25 Canadian = 38; foreign 3+ years with CLB 7-8: 25, + 50 = 75 -> 50.
        assert sections(result)["transferability"] == 88

    def test_one_ability_at_clb_6_removes_the_language_combinations(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(language_tests=[ielts(8.0, 5.0, 7.0, 7.0)]))
        # Education: 0 + 25; foreign: 0 + 50 -> 50.
        assert sections(result)["transferability"] == 75

    def test_each_transferability_group_stops_at_50_and_the_whole_at_100(self, rulebook_2025: ir.Rulebook) -> None:
        masters = {"level": "masters_or_professional", "canadian": False, "completed": True}
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(education=masters,
                                                                      certificate_of_qualification=True))
        # Education 50 + 50 -> 50; foreign 50 + 50 -> 50; certificate with CLB 9 -> 50; 150 -> 100.
        assert sections(result)["transferability"] == 100

    def test_certificate_of_qualification_bands(self, rulebook_2025: ir.Rulebook) -> None:
        def certificate_points(*abilities: int) -> int:
            profile = single_candidate(certificate_of_qualification=True, work_history=[],
                                       education={"level": "secondary"},
                                       language_tests=[levels("celpip_general", *abilities)])
            return sections(evaluation(rulebook_2025, AS_OF, **profile))["transferability"]
        assert certificate_points(7, 7, 7, 7) == 50
        assert certificate_points(7, 6, 7, 7) == 25
        assert certificate_points(5, 5, 5, 5) == 25
        assert certificate_points(5, 4, 5, 5) == 0

    def test_additional_points_stop_at_600(self, rulebook_2025: ir.Rulebook) -> None:
        result = evaluation(rulebook_2025, AS_OF, **single_candidate(provincial_nomination=True,
                                                                      sibling_in_canada=True))
        assert sections(result)["additional"] == 600
        assert total(result) == 507 + 600

    def test_french_bonus_with_mixed_english_results_is_25(self, rulebook_2025: ir.Rulebook) -> None:
        def additional(english: list[int]) -> int:
            tests = [levels("tef_canada", 7, 7, 7, 7), levels("ielts_general", *english)]
            return sections(evaluation(rulebook_2025, AS_OF, **single_candidate(language_tests=tests)))["additional"]
        assert additional([5, 5, 5, 5]) == 50
        assert additional([5, 4, 5, 5]) == 25  # interpretation: the 50-point row needs CLB 5 in all four
        assert additional([4, 4, 4, 4]) == 25

    def test_the_spouse_columns_need_an_accompanying_partner_who_is_not_a_citizen(self,
                                                                               rulebook_2025: ir.Rulebook) -> None:
        partner = {"accompanying": True, "canadian_citizen_or_pr": False, "education": {"level": "doctoral"}}
        with_partner = sections(evaluation(rulebook_2025, AS_OF, **single_candidate(spouse=partner)))
        assert with_partner["core"] == 100 + 112 + 4 * 29 + 0 + 46 and with_partner["spouse"] == 10
        citizen = {**partner, "canadian_citizen_or_pr": True}
        assert sections(evaluation(rulebook_2025, AS_OF, **single_candidate(spouse=citizen))) == \
            sections(evaluation(rulebook_2025, AS_OF, **single_candidate()))
        staying = {**partner, "accompanying": False}
        assert sections(evaluation(rulebook_2025, AS_OF, **single_candidate(spouse=staying)))["spouse"] == 0
