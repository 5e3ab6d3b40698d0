"""The 2023 -> 2025 change, as the reference facts record it (reference/categories_2025.yaml, `changes_vs_2023`)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from engine import ir
from engine.diff.rulebook_diff import (
    ADDED,
    CHANGED,
    CITATIONS_CHANGED,
    REMOVED,
    UNCHANGED,
    CategoryDiff,
    RulebookDiff,
    compare,
)
from tests.conftest import REFERENCE


@pytest.fixture(scope="module")
def change(rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> RulebookDiff:
    return compare(rulebook_2023, rulebook_2025)


@pytest.fixture(scope="module")
def reference_2025() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REFERENCE / "categories_2025.yaml").read_text(encoding="utf-8"))
    return document


def category(change: RulebookDiff, category_id: str) -> CategoryDiff:
    return next(c for c in change.categories if c.id == category_id)


def codes(entries: Any) -> set[str]:
    return {entry.code for entry in entries}


def test_education_is_added_and_transport_removed(change: RulebookDiff, reference_2025: dict[str, Any]) -> None:
    assert [c.id for c in change.with_status(ADDED)] == ["education"]
    assert [c.id for c in change.with_status(REMOVED)] == [r["id"] for r in reference_2025["removed_categories"]]
    education = category(change, "education")
    listed = next(c for c in reference_2025["categories"] if c["id"] == "education")
    assert codes(education.occupations_added) == {o["noc"] for o in listed["occupations"]}
    assert len(category(change, "transport").occupations_removed) == 10


def test_healthcare_is_renamed_with_eight_codes_added_and_six_removed(change: RulebookDiff) -> None:
    healthcare = category(change, "healthcare")
    assert healthcare.status == CHANGED
    assert healthcare.matched_by == "id"
    assert healthcare.renamed
    assert (healthcare.old_name, healthcare.new_name) == ("Healthcare occupations",
                                                          "Healthcare and social services occupations")
    assert (len(healthcare.occupations_added), len(healthcare.occupations_removed)) == (8, 6)
    assert (healthcare.old_occupation_count, healthcare.new_occupation_count) == (35, 37)


@pytest.mark.parametrize(("category_id", "added", "removed"), [
    ("healthcare", 8, 6), ("stem", 6, 19), ("trades", 19, 4), ("agriculture", 0, 2),
])
def test_occupation_changes_match_the_reference(change: RulebookDiff, reference_2025: dict[str, Any],
                                                category_id: str, added: int, removed: int) -> None:
    expected = next(c for c in reference_2025["categories"] if c["id"] == category_id)["changes_vs_2023"]
    found = category(change, category_id)
    assert codes(found.occupations_added) == set(expected["added"])
    assert codes(found.occupations_removed) == set(expected["removed"])
    assert (len(found.occupations_added), len(found.occupations_removed)) == (added, removed)


def test_added_occupations_carry_title_and_teer(change: RulebookDiff) -> None:
    pharmacists = next(o for o in category(change, "healthcare").occupations_added if o.code == "31120")
    assert (pharmacists.title, pharmacists.teer) == ("Pharmacists", 1)


def test_french_is_unchanged_in_policy(change: RulebookDiff, reference_2025: dict[str, Any]) -> None:
    french = category(change, "french")
    assert next(c for c in reference_2025["categories"] if c["id"] == "french")["notes"] == "Unchanged from 2023."
    assert french.status == CITATIONS_CHANGED  # the same rule and list; it cites the 2024-25 report instead
    assert french.cites_changed
    assert french.rule_changes == ()
    assert not french.occupations_added and not french.occupations_removed


def test_no_rule_changed_between_2023_and_2025(change: RulebookDiff) -> None:
    """Both years ask 6 months or 780 hours within 3 years, and NCLC 7 for French: only the lists moved."""
    assert all(c.rule_changes == () for c in change.categories)
    assert all(not c.teer_changes for c in change.categories)


def test_in_force_periods_and_sources_are_compared(change: RulebookDiff) -> None:
    assert change.in_force_changed
    assert (change.old.in_force, change.new.in_force) == ("2023-05-31 to 2024-02-28", "2025-02-27 to 2026-02-17")
    assert {(s.kind, s.id) for s in change.sources} == {(ADDED, "report_2024_25"), (REMOVED, "report_2023_24")}
    assert category(change, "french").cites_changed
    assert change.has_differences


def test_a_rulebook_compared_with_itself_has_no_differences(rulebook_2025: ir.Rulebook) -> None:
    same = compare(rulebook_2025, rulebook_2025)
    assert not same.has_differences
    assert {c.status for c in same.categories} == {UNCHANGED}


def test_an_occupation_moving_between_categories_says_where_it_went(change: RulebookDiff) -> None:
    """42203 Instructors of persons with disabilities left Healthcare for the new Education category."""
    left = next(o for o in category(change, "healthcare").occupations_removed if o.code == "42203")
    arrived = next(o for o in category(change, "education").occupations_added if o.code == "42203")
    assert (left.moved, arrived.moved) == ("to education", "from healthcare")
    assert all(o.moved is None for o in category(change, "stem").occupations_removed)

