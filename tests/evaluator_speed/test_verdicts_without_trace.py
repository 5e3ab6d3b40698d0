"""Verdicts evaluated without a trace (for pools, rounds and diffs) are the verdicts the traced evaluator gives: every
category, every program, the score and the reason of each `not_eligible`, on the example profiles, on generated
profiles of raw facts, and at the limit of work allowed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine import ir
from engine.eval.traced import MAX_STEPS, EvaluationLimit, Verdict, evaluate_profile
from engine.eval.verdicts import evaluate_verdicts
from engine.ir.reasons import first_failed_part, first_unknown_part
from engine.lower.rulebook import Compiler
from engine.model.facts import Facts, facts_from_profile
from engine.model.quantities import Points
from engine.pool.batch import reason_for
from tests.evaluator_speed.test_shared_compilation import every_example
from tests.raw_profiles import raw_profile

# Days on both sides of the CRS versions' change (job-offer points end on 2025-03-24), in each rulebook's year, and on
# both sides of the day the pending high-wage points come into force (2026-11-03).
AS_OF_DAYS = {"2023": (date(2023, 6, 1), date(2023, 12, 31)), "2024": (date(2024, 6, 1),),
              "2025": (date(2025, 3, 24), date(2025, 3, 25), date(2025, 6, 1)),
              "2026": (date(2026, 2, 18), date(2026, 9, 3), date(2026, 11, 2), date(2026, 11, 3))}


def assert_same(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> None:
    traced = evaluate_profile(rulebook, facts, as_of)
    bare = evaluate_verdicts(rulebook, facts, as_of)
    assert [(r.category.id, r.verdict) for r in traced.categories] == [(c.id, v) for c, v in bare.categories]
    assert [(r.category.id, r.verdict) for r in traced.programs] == [(p.id, v) for p, v in bare.programs]
    for result in traced.categories:
        expected = reason_for(result.category, result.trace)
        reasons = {Verdict.NOT_ELIGIBLE: first_failed_part, Verdict.UNDETERMINED: first_unknown_part}
        reason = reasons.get(result.verdict)
        assert (reason(result.category, bare.value_of) if reason else None) == expected
    if traced.score is None:
        assert bare.score_total is None or bare.score is None
    else:
        assert (bare.score_total, bare.score_given) == (traced.score.total, traced.score.given)
        assert bare.score is traced.score.score
        assert bare.bounded_by == traced.score.bounded_by


@pytest.mark.parametrize("year", ["2023", "2024", "2025", "2026"])
def test_every_example_profile_gets_the_same_verdicts_programs_and_score(
        year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    examples = every_example()
    assert len(examples) >= 10
    for as_of in AS_OF_DAYS[year]:
        for facts in examples:
            assert_same(rulebook, facts, as_of)


def test_every_2026_rule_case_gets_the_same_verdicts(rulebook_2026: ir.Rulebook) -> None:
    """Work in Canada selected per occupation, the military facts, countries written as codes."""
    from engine.cases.runner import case_files, load_cases
    from tests.conftest import RULES

    cases = [case for file in case_files(RULES / "2026") for case in load_cases(file)]
    assert len(cases) >= 30
    for case in cases:
        assert case.profile is not None and case.profile.data is not None and case.as_of is not None
        assert_same(rulebook_2026, facts_from_profile(case.profile.data), case.as_of)


def test_a_profile_that_gives_its_crs_keeps_it_and_one_that_does_not_gets_it_computed(
        rulebook_2025: ir.Rulebook) -> None:
    computed = evaluate_verdicts(rulebook_2025, facts_from_profile({"id": "a", "date_of_birth": "1995-01-01"}),
                                 date(2025, 6, 1))
    given = evaluate_verdicts(rulebook_2025, facts_from_profile({"id": "b", "crs": 512}), date(2025, 6, 1))
    assert given.score_given and given.score_total == Points(512)
    assert not computed.score_given and computed.score is not None
    assert computed.score.in_force_from == date(2025, 3, 25)


@pytest.mark.parametrize("year", ["2023", "2025", "2026"])
def test_generated_profiles_of_raw_facts_get_the_same_verdicts_programs_and_score(
        year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(raw_profile())
    def check(profile: dict[str, Any]) -> None:
        for as_of in AS_OF_DAYS[year]:
            assert_same(rulebook, facts_from_profile(profile), as_of)

    check()


def test_evaluation_that_would_do_too_much_work_stops_the_same_way(
        write_rules: Callable[..., Path], compiler: Compiler) -> None:
    many = ", ".join(str(n) for n in range(100))
    folder = write_rules(f"""
constant many "m" cite src = [{many}]
category c "C" cite src {{ eligible when any a in many: any b in many: any c in many: a + b + c == 1000 }}
""")
    rulebook = compiler.compile_folder(folder)[0]
    facts = facts_from_profile({"id": "p"})
    with pytest.raises(EvaluationLimit, match=f"after {MAX_STEPS:,} steps"):
        evaluate_verdicts(rulebook, facts, date(2025, 6, 1))
