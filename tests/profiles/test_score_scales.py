"""Raw test scores are checked per test: a score off its test's scale is refused with its JSON path, instead of
leaving the level missing and the verdict undetermined (IELTS listening 7.3 and reading 10 used to be accepted)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from engine import ir
from engine.model.profile import validate
from engine.model.score_scales import ABILITIES, scales_for
from tests.conftest import REFERENCE


def result(test: str, scores: dict[str, float], taken: str = "2024-06-01") -> dict[str, Any]:
    return {"id": "candidate", "language_tests": [{"test": test, "date": taken, "scores": scores}]}


def problems_of(profile: dict[str, Any]) -> list[str]:
    return [str(p) for p in validate(profile, "profile").problems]


ALL_GOOD = {"ielts_general": 7.5, "celpip_general": 9, "pte_core": 70, "tef_canada": 450, "tcf_canada": 500}


def test_ielts_bands_run_from_0_to_9_in_half_bands() -> None:
    problems = problems_of(result("ielts_general", {"listening": 7.3, "reading": 10, "writing": 6.5, "speaking": 9}))
    assert problems == [
        "$.language_tests[0].scores.listening: 7.3 is not on the scale: IELTS General Training bands run from 0 to 9 "
        "in steps of 0.5",
        "$.language_tests[0].scores.reading: 10 is not on the scale: IELTS General Training bands run from 0 to 9 in "
        "steps of 0.5",
    ]


@pytest.mark.parametrize(("test", "ability", "bad", "good"), [
    ("celpip_general", "reading", 13, 12),
    ("celpip_general", "reading", 0, 1),
    ("celpip_general", "writing", 7.5, 7),
    ("pte_core", "listening", 91, 90),
    ("pte_core", "listening", 45.5, 45),
    ("tcf_canada", "writing", 21, 20),
    ("tcf_canada", "speaking", 430, 16),
    ("tcf_canada", "listening", 700, 699),
    ("tef_canada", "reading", 700, 699),
    ("tef_canada", "reading", 450.5, 450),
])
def test_each_test_has_its_own_scale(test: str, ability: str, bad: float, good: float) -> None:
    assert problems_of(result(test, {ability: good})) == []
    [problem] = problems_of(result(test, {ability: bad}))
    # 700 is beyond every test's scale, so the schema itself refuses it; the rest are refused by their test's scale.
    assert problem.startswith(f"$.language_tests[0].scores.{ability}: {bad:g} is "
                              f"{'more than the maximum of 699' if bad == 700 else 'not on the scale'}")


def test_tef_canada_is_read_on_the_scale_of_its_test_date() -> None:
    """Before 2019-10-01 TEF Canada gave points out of 360 (listening), 300 (reading) and 450 (writing, speaking)."""
    legacy = {"listening": 360, "reading": 300, "writing": 450, "speaking": 450}
    assert problems_of(result("tef_canada", legacy, taken="2019-09-30")) == []
    [problem] = problems_of(result("tef_canada", {**legacy, "reading": 301}, taken="2019-09-30"))
    assert problem == ("$.language_tests[0].scores.reading: 301 is not on the scale: TEF Canada reading points "
                       "(tests before 2019-10-01) run from 0 to 300 in whole numbers")
    assert problems_of(result("tef_canada", {**legacy, "reading": 600}, taken="2019-10-01")) == []
    undated = {"id": "candidate", "language_tests": [{"test": "tef_canada", "scores": {"reading": 600}}]}
    assert problems_of(undated) == []


def test_the_spouse_s_scores_are_checked_too() -> None:
    profile = {"id": "candidate", "spouse": {"accompanying": True, "language_tests": [
        {"test": "ielts_general", "date": "2024-01-01", "scores": {"speaking": 6.25}}]}}
    [problem] = problems_of(profile)
    assert problem.startswith("$.spouse.language_tests[0].scores.speaking: 6.25 is not on the scale")


def test_every_scale_holds_its_test_s_maximum_in_the_reference() -> None:
    """The scales are those of reference/clb_conversion.yaml: the top of each test's chart is the top of its scale."""
    reference = yaml.safe_load((REFERENCE / "clb_conversion.yaml").read_text(encoding="utf-8"))["tests"]
    tops = {
        ("ielts_general", None): reference["IELTS-General-Training"]["by_clb"][10],
        ("celpip_general", None): reference["CELPIP-General"]["by_clb"][10],
        ("pte_core", None): reference["PTE-Core"]["by_clb"][10],
        ("tcf_canada", None): reference["TCF-Canada"]["by_nclc"][10],
        ("tef_canada", date(2024, 1, 1)): reference["TEF-Canada"]["scales"]["after_2023_12_10"]["by_nclc"][10],
        ("tef_canada", date(2019, 1, 1)): reference["TEF-Canada"]["scales"]["legacy_raw_points"]["by_nclc"][10],
    }
    for (test, taken), top in tops.items():
        scales = scales_for(test, taken)
        assert scales is not None
        for ability in ABILITIES:
            assert scales[ability].high == top[ability]["max"], (test, ability)


def test_every_score_the_conversion_chart_converts_is_on_its_test_s_scale(rulebook_2025: ir.Rulebook) -> None:
    """No score the rules would convert is refused: each bound of each chart row is on the scale."""
    samples = {"tef_canada_from_2023_12_11": date(2024, 1, 1), "tef_canada_2019_10_01_to_2023_12_10": date(2020, 1, 1),
               "tef_canada_before_2019_10_01": date(2019, 1, 1)}
    table = rulebook_2025.tables["language_levels"]
    checked = 0
    for row in table.rows:
        scale_cell, ability_cell, score_cell = row.keys
        test = "tef_canada" if scale_cell.low.startswith("tef_canada") else scale_cell.low
        scales = scales_for(test, samples.get(scale_cell.low))
        assert scales is not None, scale_cell.low
        for bound in (score_cell.low, score_cell.high):
            if bound is not None and score_cell.kind != "below":
                assert scales[ability_cell.low].holds(float(bound.amount)), row.label
                checked += 1
    assert checked > 200


@pytest.mark.parametrize("test", sorted(ALL_GOOD))
def test_a_score_on_the_scale_is_accepted(test: str) -> None:
    assert problems_of(result(test, dict.fromkeys(ABILITIES, ALL_GOOD[test]) if test != "tcf_canada" else
                              {"listening": 500, "reading": 500, "writing": 12, "speaking": 12})) == []
