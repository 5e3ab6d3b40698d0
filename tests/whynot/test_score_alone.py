"""A score what-if evaluates the score alone (no category, no program): the total, the version in force, whether the
profile gave it, and every section's points are those of the full evaluation, for every example profile, generated
profiles and their edits, on days in and around each rulebook's in-force period."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine import ir
from engine.eval.verdicts import ProfileVerdicts, evaluate_score, evaluate_verdicts
from engine.model.facts import facts_from_profile
from engine.model.profile import read_profiles
from engine.whynot.edits import Oracle, set_value
from tests.conftest import EXAMPLES
from tests.raw_profiles import AS_OF, raw_profile

PROFILES = [p.data for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path)]


def score_of(answer: ProfileVerdicts) -> tuple[Any, ...]:
    sections = answer.score.sections if answer.score is not None else ()
    return (answer.score, answer.score_total, answer.score_given,
            tuple(answer.value_of(section.value) for section in sections))


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_the_score_alone_is_the_full_evaluations_score(year: str, rulebook_2023: ir.Rulebook,
                                                       rulebook_2025: ir.Rulebook) -> None:
    rulebook = {"2023": rulebook_2023, "2025": rulebook_2025}[year]
    days = [rulebook.in_force_from, rulebook.in_force_until, rulebook.in_force_until + timedelta(days=400)]
    totals = set()
    for profile in PROFILES:
        assert profile is not None
        facts = facts_from_profile(profile)
        for day in days:
            alone, full = evaluate_score(rulebook, facts, day), evaluate_verdicts(rulebook, facts, day)
            assert score_of(alone) == score_of(full), (profile["id"], day)
            assert alone.categories == () and alone.programs == ()
            totals.add(str(full.score_total))
    assert len(totals) > 5  # the profiles score differently: the comparison is not of empty scores


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(profile=raw_profile())
def test_a_generated_profile_scores_the_same_alone(profile: dict[str, Any], rulebook_2025: ir.Rulebook) -> None:
    facts = facts_from_profile(profile)
    assert score_of(evaluate_score(rulebook_2025, facts, AS_OF)) == score_of(
        evaluate_verdicts(rulebook_2025, facts, AS_OF))


def test_the_oracle_answers_a_score_question_as_a_full_evaluation_would(rulebook_2025: ir.Rulebook) -> None:
    """Asked first for the score alone, then for everything, and the other way round: the same totals."""
    profile = next(p for p in PROFILES if p is not None and p["id"] == "meera-data-analyst-raw-scores")
    patch = set_value(profile, "language_tests[0].scores.writing", 8.5)
    day = date(2025, 6, 1)
    score_first, full_first = Oracle(rulebook_2025, profile, day), Oracle(rulebook_2025, profile, day)
    total = score_first.total(patch)
    full_first.verdicts(patch, score=True)
    assert full_first.total(patch) == total == score_first.verdicts(patch, score=True).score_total.amount
    assert full_first.asked == 1 and score_first.asked == 2
    assert total is not None and total > (score_first.total() or 0)
