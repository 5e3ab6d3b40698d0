"""Every suggestion, applied to the profile and evaluated again, delivers exactly what it promises; one level less,
one day earlier, one hour fewer does not. Checked on every example profile and on generated profiles of raw facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from engine import ir
from engine.model.profile import read_profiles
from engine.whynot.analyse import analyse
from engine.whynot.context import Analyser
from tests.conftest import EXAMPLES
from tests.raw_profiles import AS_OF, raw_profile
from tests.whynot.promises import check_advice

EXAMPLE_FILES = sorted(EXAMPLES.iterdir())


@pytest.fixture(scope="module")
def analyser(rulebook_2025: ir.Rulebook, rulebook_2023: ir.Rulebook) -> Analyser:
    return Analyser(rulebook_2025, rulebook_2023)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_every_suggestion_for_an_example_delivers_its_promise(path: Path, analyser: Analyser,
                                                               rulebook_2025: ir.Rulebook) -> None:
    (profile,) = read_profiles(path)
    assert profile.data is not None
    advice = analyse(analyser, profile.data, date(2025, 6, 1))
    check_advice(rulebook_2025, profile.data, advice)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(profile=raw_profile())
def test_every_suggestion_for_a_generated_profile_delivers_its_promise(profile: dict[str, Any],
                                                                        analyser: Analyser,
                                                                        rulebook_2025: ir.Rulebook) -> None:
    advice = analyse(analyser, profile, AS_OF)
    check_advice(rulebook_2025, profile, advice)


def test_the_checked_suggestions_cover_every_kind(analyser: Analyser) -> None:
    """The properties above are not vacuous: the examples and a fixed sample of generated profiles get suggestions of
    every kind (time for a category is pinned in test_suggestions.py)."""
    from hypothesis import strategies as st

    kinds: set[str] = set()
    for path in EXAMPLE_FILES:
        (profile,) = read_profiles(path)
        assert profile.data is not None
        advice = analyse(analyser, profile.data, date(2025, 6, 1))
        kinds.update(s.kind for c in advice.categories for s in c.suggestions)
        kinds.update(s.kind for s in (advice.score.suggestions if advice.score else ()))

    @settings(max_examples=25, database=None)
    @given(st.just(None), raw_profile())
    def collect(_: None, profile: dict[str, Any]) -> None:
        advice = analyse(analyser, profile, AS_OF)
        kinds.update(s.kind for c in advice.categories for s in c.suggestions)
        kinds.update(s.kind for s in (advice.score.suggestions if advice.score else ()))

    collect()
    assert {"level", "new_result", "missing", "credential", "claim", "time"} <= kinds
