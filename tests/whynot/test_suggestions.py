"""What the suggestions say, on realistic profiles and the shipped rules: levels (by raw score when the result gives
scores), time, missing facts, blockers, score what-ifs ranked, and the rounds of the categories met."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine import ir
from engine.model.profile import read_profiles
from engine.whynot.analyse import analyse
from engine.whynot.context import Analyser
from engine.whynot.model import Advice, CategoryAdvice
from engine.whynot.report import to_json, to_markdown, to_text
from tests.conftest import EXAMPLES
from tests.whynot.promises import check_advice

DAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def analyser(rulebook_2025: ir.Rulebook, rulebook_2023: ir.Rulebook) -> Analyser:
    return Analyser(rulebook_2025, rulebook_2023)


def example(name: str) -> dict[str, Any]:
    (profile,) = read_profiles(EXAMPLES / name)
    assert profile.data is not None
    return dict(profile.data)


def category(advice: Advice, id_: str) -> CategoryAdvice:
    return next(c for c in advice.categories if c.id == id_)


def test_a_level_short_by_one_names_the_ability_and_the_level(analyser: Analyser) -> None:
    advice = analyse(analyser, example("julien-nurse-francophone.json"), DAY)
    (suggestion,) = category(advice, "french").suggestions
    assert suggestion.summary == "TEF Canada writing NCLC 6 → 7"
    assert suggestion.patch == ({"op": "replace", "path": "/language_tests/0/levels/writing", "value": 7},)
    assert suggestion.verdict == "eligible" and suggestion.holds_from == DAY
    (reason,) = suggestion.because
    assert reason.rule == "french_proficiency" and [c.id for c in reason.cites] == ["cbs_page"]
    assert reason.source == "rules/2025/eligibility.rules:38"


def test_a_result_in_raw_scores_is_told_the_raw_score_to_reach(analyser: Analyser) -> None:
    """TEF Canada after 2023-12-10: writing NCLC 7 starts at 428 (the conversion table inverted)."""
    advice = analyse(analyser, example("meera-data-analyst-raw-scores.yaml"), DAY)
    (suggestion,) = category(advice, "french").suggestions
    assert "TEF Canada writing NCLC 6 → 7: a writing score of 428 or more" in suggestion.summary
    assert {"op": "replace", "path": "/language_tests/1/scores/writing", "value": 428} in suggestion.patch


def test_an_ongoing_job_meets_the_experience_on_the_first_day_it_can(analyser: Analyser) -> None:
    """From 2025-03-01 at 40 hours a week (30 counted): 780 hours on 2025-08-29 (182 days), before 6 months of
    continuous full-time work (2025-08-31): the first of the two alternatives decides the day."""
    profile = {"id": "new-nurse", "eligible_programs": ["cec"], "crs": 470, "work_history": [
        {"noc": "31301", "title": "Registered nurse", "country": "Canada", "start": "2025-03-01",
         "hours_per_week": 40}]}
    advice = analyse(analyser, profile, DAY)
    (suggestion,) = [s for s in category(advice, "healthcare").suggestions if s.kind == "time"]
    assert suggestion.summary == ("keep working as Registered nurse (31301) at 40 hours a week and you meet it on "
                                  "2025-08-29")
    assert suggestion.holds_from == date(2025, 8, 29) and suggestion.patch == ()
    assert [r.rule for r in suggestion.because] == ["experience_in"]


def test_an_undetermined_verdict_names_the_facts_and_the_values_that_decide_it(analyser: Analyser) -> None:
    advice = analyse(analyser, example("fatima-incomplete.yaml"), DAY)
    summaries = [s.summary for s in category(advice, "stem").suggestions]
    assert "give work_history[0].hours_per_week: 6 or less makes it not eligible" in summaries
    assert "give together: work_history[0].hours_per_week = 28, education = level doctoral" in summaries


def test_an_occupation_on_no_list_is_a_blocker_with_the_list_named(analyser: Analyser) -> None:
    advice = analyse(analyser, example("amara-software-engineer.yaml"), DAY)
    healthcare = category(advice, "healthcare")
    assert healthcare.suggestions == ()
    (blocker,) = healthcare.blockers
    assert blocker.rule == "experience_in"
    assert "'Healthcare and social services occupations, 2025'" in (blocker.change or "")
    assert "21231 Software engineer, 21232 Junior developer" in (blocker.change or "")


def test_score_what_ifs_are_ranked_by_points_gained(analyser: Analyser) -> None:
    advice = analyse(analyser, example("meera-data-analyst-raw-scores.yaml"), DAY)
    assert advice.score is not None and advice.score.total == 520
    what_ifs = advice.score.suggestions
    gains = [s.gain or 0 for s in what_ifs]
    assert gains == sorted(gains, reverse=True)
    assert what_ifs[0].summary == "obtain a provincial or territorial nomination" and what_ifs[0].crs == 1120
    (later,) = [s for s in what_ifs if s.kind == "time"]
    assert later.holds_from == date(2025, 7, 27) and later.gain == 10
    assert [(r.rule, r.change) for r in later.because] == [("crs_canadian_work_points", "46 → 56 points")]
    assert any(s.summary.startswith("a TCF Canada result at level 7") for s in what_ifs)


def test_standing_counts_the_rounds_the_score_would_have_been_invited_in(analyser: Analyser) -> None:
    advice = analyse(analyser, example("diego-butcher-part-time.yaml"), DAY)
    (place,) = advice.standing
    assert place.id == "agriculture" and place.invited == len(place.rounds) == 2


def test_a_tie_at_the_lowest_score_is_broken_by_the_submission_time(analyser: Analyser) -> None:
    """Round 271 (healthcare, 2023) invited 431 and above, ties submitted by 2023-05-24T19:47:51Z."""
    profile = example("julien-nurse-francophone.json")
    late = analyse(analyser, profile, DAY)
    early = analyse(analyser, {**profile, "submitted_at": "2023-05-01T00:00:00Z"}, DAY)
    unknown = analyse(analyser, {k: v for k, v in profile.items() if k != "submitted_at"}, DAY)

    def round_271(advice: Advice) -> bool | None:
        return next(r.invited for r in advice.standing[0].rounds if r.number == 271)

    assert (round_271(late), round_271(early), round_271(unknown)) == (False, True, None)


def test_the_same_profile_gives_the_same_output_byte_for_byte(analyser: Analyser) -> None:
    profile = example("meera-data-analyst-raw-scores.yaml")
    first, second = analyse(analyser, profile, DAY), analyse(analyser, profile, DAY)
    assert to_json([first]) == to_json([second])
    assert to_text([first]) == to_text([second]) and to_markdown([first]) == to_markdown([second])
    document = json.loads(to_json([first]))["results"][0]
    assert document["categories"][0]["suggestions"][0]["promise"] == {"category": "french", "verdict": "eligible"}


ANALYST_RULES = """
constant minimum_writing "Writing level needed" cite src = clb 8
constant maximum_age "Oldest age accepted" cite src = 35
constant minimum_experience "Experience needed" cite src = 12 months
constant window "How far back work counts" cite src = 3 years

occupations coders "Coding occupations" cite src {
  21231 "Software engineers and designers" teer 1
}

define writes_well "a writing level of CLB 8 or more" cite src
  = any result in language_tests: result.writing >= minimum_writing

define young_enough "35 years old or younger" cite src
  = age_on(date_of_birth, as_of) <= maximum_age

define codes_long_enough "12 months of continuous full-time work in a coding occupation" cite src
  = any occupation in worked_in(coders):
      continuous_full_time(occupation, within window before as_of) >= minimum_experience

category coders "Coders" cite src {
  eligible when writes_well and codes_long_enough
}

category young_coders "Young coders" cite src {
  eligible when young_enough and writes_well
}
"""

CODER = {"id": "synthetic-coder", "date_of_birth": "1980-01-01",
         "language_tests": [{"test": "ielts_general", "date": "2025-01-10",
                             "levels": {"listening": 8, "reading": 8, "writing": 7, "speaking": 8}}],
         "work_history": [{"noc": "21231", "title": "Software engineer", "country": "Canada", "start": "2024-12-02",
                           "hours_per_week": 40}]}


def test_a_rulebook_written_by_an_analyst_gets_the_same_analysis(write_rules: Any, compiler: Any) -> None:
    """Nothing in the analysis knows these categories: a level and a time, needed together, and an age limit."""
    folder: Path = write_rules(ANALYST_RULES)
    rulebook = compiler.compile_folder(folder)[0]
    advice = analyse(Analyser(rulebook), CODER, DAY)
    (together,) = category(advice, "coders").suggestions
    assert together.kind == "combined"
    assert together.summary == ("IELTS General Training writing CLB 7 → 8; and keep working as Software engineer "
                                "(21231) at 40 hours a week and you meet it on 2025-12-01")
    assert [r.rule for r in together.because] == ["writes_well", "codes_long_enough"]
    young = category(advice, "young_coders")
    assert young.suggestions == ()
    assert [b.rule for b in young.blockers] == ["young_enough", "writes_well"]
    assert "the date of birth (an age limit)" in (young.blockers[0].change or "")
    assert "it alone can be met (IELTS General Training writing CLB 7 → 8)" in (young.blockers[1].change or "")
    check_advice(rulebook, CODER, advice)
