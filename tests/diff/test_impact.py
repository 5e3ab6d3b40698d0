"""Impact on people: a pool evaluated under both rulebooks, on the same day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine import ir
from engine.diff.impact import (
    GAINS,
    LOSES,
    NOW_DETERMINED,
    NOW_UNDETERMINED,
    CategoryImpact,
    PoolImpact,
    count_text,
    pool_impact,
    read_pool,
)
from engine.lower.rulebook import Compiler

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def impact(rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> PoolImpact:
    return pool_impact(rulebook_2023, rulebook_2025, read_pool(FIXTURES / "pool.jsonl"), date(2025, 2, 27))


def category(impact: PoolImpact, category_id: str) -> CategoryImpact:
    return next(c for c in impact.categories if c.id == category_id)


@pytest.mark.parametrize(("category_id", "move", "profile"), [
    ("stem", LOSES, "amara-software-engineer"),
    ("healthcare", GAINS, "lucia-pharmacist"),
    ("trades", GAINS, "mei-cook-part-time"),
    ("agriculture", LOSES, "tomas-farm-supervisor"),
    ("education", GAINS, "chloe-secondary-teacher"),
    ("transport", LOSES, "rajesh-truck-driver"),
    ("stem", NOW_DETERMINED, "omar-developer-no-programs"),
])
def test_each_profile_moves_where_the_2025_lists_send_it(impact: PoolImpact, category_id: str, move: str,
                                                         profile: str) -> None:
    found = category(impact, category_id)
    assert found.counts[move] == 1
    assert found.examples[move] == (profile,)
    assert found.explanations[move].profile == profile


def test_unaffected_profiles_and_categories_do_not_move(impact: PoolImpact) -> None:
    french = category(impact, "french")
    assert not french.changed
    assert (french.eligible_before, french.eligible_after) == (1, 1)
    healthcare = category(impact, "healthcare")
    assert (healthcare.eligible_before, healthcare.eligible_after) == (1, 2)
    assert healthcare.counts[LOSES] == 0


def test_a_side_by_side_explanation_shows_why(impact: PoolImpact) -> None:
    side = category(impact, "stem").explanations[LOSES]
    assert (side.old_verdict, side.new_verdict) == ("eligible", "not_eligible")
    assert side.old is not None and side.new is not None
    assert side.old.outcome == "holds" and side.new.outcome == "fails"
    assert any("21231" in (line.detail or "") for line in side.old.walk())


def test_a_category_missing_on_one_side_has_no_explanation_there(impact: PoolImpact) -> None:
    transport = category(impact, "transport").explanations[LOSES]
    assert transport.old is not None and transport.new is None
    education = category(impact, "education").explanations[GAINS]
    assert education.old is None and education.new is not None
    assert category(impact, "transport").status == "removed"


def test_bad_rows_are_reported_never_lost(impact: PoolImpact) -> None:
    assert (impact.read, impact.evaluated, len(impact.rejected)) == (10, 8, 2)
    bad_code, broken_json = impact.rejected
    assert bad_code.origin.endswith("pool.jsonl:9")
    assert [p.path for p in bad_code.problems] == ["$.work_history[0].noc"]
    assert broken_json.origin.endswith("pool.jsonl:10")
    assert broken_json.problems[0].message.startswith("not valid JSON")


def test_a_yaml_pool_and_a_threshold_change(compiler: Compiler) -> None:
    base = compiler.compile_folder(FIXTURES / "base")[0]
    stricter = compiler.compile_folder(FIXTURES / "threshold")[0]
    impact = pool_impact(base, stricter, read_pool(FIXTURES / "threshold_pool.yaml"), date(2025, 6, 30))
    healthcare = category(impact, "healthcare")
    assert healthcare.counts[LOSES] == 2
    assert healthcare.examples[LOSES] == ("ana-nurse-eight-months", "carla-nurse-part-time")
    assert (healthcare.eligible_before, healthcare.eligible_after) == (3, 1)
    assert [p.origin.endswith("[3]") for p in impact.rejected] == [True]


def test_counts_read_as_sentences() -> None:
    assert count_text(GAINS, 1) == "1 profile gains eligibility"
    assert count_text(LOSES, 3) == "3 profiles lose eligibility"
    assert count_text(NOW_UNDETERMINED, 1) == "1 profile goes from not eligible to undetermined"


def test_applying_a_year_outside_its_in_force_period_is_noted(impact: PoolImpact) -> None:
    assert impact.notes == ("2025-02-27 is outside the in-force period of rulebook 2023 (2023-05-31 to 2024-02-28); "
                            "its rules are applied as written",)
