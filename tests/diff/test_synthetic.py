"""Synthetic rulebooks (tests/diff/fixtures/): `base` against a copy that changes one thing each.

Every fixture is a real rulebook folder with its header and sources; `base` is the old side of every comparison.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from engine import ir
from engine.diff.rule_diff import RuleChange, diff_conditions
from engine.diff.rulebook_diff import (
    CHANGED,
    CITATIONS_CHANGED,
    UNCHANGED,
    CategoryDiff,
    RulebookDiff,
    compare,
    match_categories,
)
from engine.lower.rulebook import Compiler

FIXTURES = Path(__file__).parent / "fixtures"


def rulebook(compiler: Compiler, name: str) -> ir.Rulebook:
    return compiler.compile_folder(FIXTURES / name, f"fixtures/{name}")[0]


def against_base(compiler: Compiler, name: str) -> RulebookDiff:
    return compare(rulebook(compiler, "base"), rulebook(compiler, name))


def category(change: RulebookDiff, category_id: str) -> CategoryDiff:
    return next(c for c in change.categories if c.id == category_id)


def only_change(change: RulebookDiff, category_id: str) -> RuleChange:
    found = category(change, category_id)
    assert found.status == CHANGED
    assert len(found.rule_changes) == 1, found.rule_changes
    return found.rule_changes[0]


def test_a_threshold_change_reads_as_before_and_after(compiler: Compiler) -> None:
    """The fixture moves to 12 months of full-time work or 1,560 hours of part-time work (the 2026 rule)."""
    change = against_base(compiler, "threshold")
    for category_id in ("healthcare", "trades"):
        found = category(change, category_id)
        assert found.status == CHANGED
        full_time, part_time = found.rule_changes
        assert full_time.kind == "changed"
        assert full_time.what == "Continuous full-time work experience needed in one listed occupation"
        assert (full_time.old, full_time.new) == ("6 months", "12 months")
        assert full_time.old_source == "fixtures/base/eligibility.rules:7"
        assert full_time.new_source == "fixtures/threshold/eligibility.rules:7"
        assert full_time.definition == "experience_in"
        assert part_time.what.startswith("Part-time work that equals 12 months of full-time work")
        assert (part_time.old, part_time.new) == ("780 hours", "1560 hours")
    assert category(change, "french").status == UNCHANGED


def test_a_window_change_is_found_when_a_constant_becomes_a_literal(compiler: Compiler) -> None:
    window = only_change(against_base(compiler, "window"), "healthcare")
    assert window.what.startswith("How far back work experience counts")
    assert (window.old, window.new) == ("3 years", "5 years")
    assert window.old_source == "fixtures/base/eligibility.rules:3"
    assert window.new_source == "fixtures/window/eligibility.rules:33"


def test_a_language_level_change_names_the_ability(compiler: Compiler) -> None:
    change = against_base(compiler, "language")
    level = only_change(change, "french")
    assert (level.old, level.new) == ("NCLC 7", "NCLC 5")
    assert "writing" in level.what
    assert not any(word in level.what for word in ("reading", "listening", "speaking"))
    assert category(change, "healthcare").status == UNCHANGED


def test_an_added_condition_reads_as_its_definition(compiler: Compiler) -> None:
    change = against_base(compiler, "condition")
    added = only_change(change, "healthcare")
    assert added.kind == "added"
    assert added.what == "new condition"
    assert added.old is None
    assert added.new == "At least one year of continuous full-time work in Canada, within the 3 years before the round"
    assert added.new_source == "fixtures/condition/eligibility.rules:48"
    assert category(change, "trades").status == UNCHANGED


def test_reversing_a_change_swaps_its_sides(compiler: Compiler) -> None:
    removed = only_change(compare(rulebook(compiler, "condition"), rulebook(compiler, "base")), "healthcare")
    assert (removed.kind, removed.what, removed.new) == ("removed", "condition removed", None)
    assert removed.old_source == "fixtures/condition/eligibility.rules:48"
    full_time, _ = category(compare(rulebook(compiler, "threshold"), rulebook(compiler, "base")), "trades").rule_changes
    assert (full_time.old, full_time.new) == ("12 months", "6 months")


def test_reformatting_and_renaming_show_no_change(compiler: Compiler) -> None:
    """Other layout and file split, renamed sources, constants, definitions, lists and variables, reordered `and`
    operands, `36 months` for `3 years`, and rules moved into definitions: the same policy."""
    change = against_base(compiler, "formatting")
    assert [(c.id, c.status, c.rule_changes, c.cites_changed) for c in change.categories] == [
        ("healthcare", UNCHANGED, (), False), ("trades", UNCHANGED, (), False), ("french", UNCHANGED, (), False)]
    assert change.sources == ()
    assert not change.has_differences


def test_occupation_changes_renames_and_matching_by_name(compiler: Compiler) -> None:
    change = against_base(compiler, "occupations")
    healthcare = category(change, "healthcare")
    assert healthcare.renamed and healthcare.matched_by == "id"
    assert [(o.code, o.title, o.teer) for o in healthcare.occupations_added] == [("31120", "Pharmacists", 1)]
    assert [o.code for o in healthcare.occupations_removed] == ["31102"]
    trades = category(change, "skilled_trades")
    assert (trades.matched_by, trades.old_id, trades.id_changed, trades.renamed) == ("name", "trades", True, False)
    assert [(o.code, o.old_title, o.title) for o in trades.title_changes] == [
        ("72300", "Plumbers", "Plumbers and pipefitters")]
    assert trades.rule_changes == ()


def test_a_teer_change_is_reported(compiler: Compiler) -> None:
    """NOC 2021 ties a code's TEER to its second digit, so the checker refuses a TEER change in rule files; a
    future NOC revision could still bring one, so the diff compares TEER on its own."""
    base = rulebook(compiler, "base")
    nurses = base.occupation_lists["healthcare_occupations"]
    regraded = replace(nurses, occupations=tuple(replace(o, teer=3) if o.code == "32101" else o
                                                 for o in nurses.occupations))
    categories = tuple(replace(c, occupation_lists=(regraded,)) if c.id == "healthcare" else c
                       for c in base.categories)
    healthcare = category(compare(base, replace(base, categories=categories)), "healthcare")
    assert [(o.code, o.old_teer, o.teer) for o in healthcare.teer_changes] == [("32101", 2, 3)]
    assert healthcare.status == CHANGED


@pytest.mark.parametrize("name", ["threshold", "window", "condition", "language", "occupations", "formatting"])
def test_every_fixture_is_a_valid_rulebook_with_a_header_and_sources(compiler: Compiler, name: str) -> None:
    compiled = rulebook(compiler, name)
    assert compiled.sources and compiled.cites
    assert compiled.in_force_from < compiled.in_force_until


def test_every_pair_of_rulebooks_compares_and_renders(compiler: Compiler) -> None:
    """No pair of the shipped years and fixtures breaks the diff or its views; only rulebooks that mean the same
    (a rulebook and itself, the base and its rewriting) show no difference."""
    from engine.diff.report import to_json, to_markdown, to_text

    rulebooks = {name: rulebook(compiler, name) for name in sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())}
    rulebooks |= {year: compiler.compile_year(year)[0] for year in ("2023", "2025")}
    same = {frozenset({"base", "formatting"})}
    for old_name, old in rulebooks.items():
        for new_name, new in rulebooks.items():
            change = compare(old, new)
            expected_same = old_name == new_name or frozenset({old_name, new_name}) in same
            assert change.has_differences is not expected_same, (old_name, new_name)
            assert to_text(change, color=False) and to_markdown(change) and to_json(change)


@pytest.mark.parametrize("name", ["threshold", "window", "condition", "language"])
def test_each_category_compared_on_its_own_finds_the_same_rule_changes(compiler: Compiler, name: str) -> None:
    """`compare` brings the definitions every category calls to canonical form once and shares them."""
    old, new = rulebook(compiler, "base"), rulebook(compiler, name)
    change = compare(old, new)
    assert any(c.rule_changes for c in change.categories)
    for before, after, _ in match_categories(old, new):
        if before is not None and after is not None:
            assert category(change, after.id).rule_changes == diff_conditions(before.condition, after.condition)


def test_a_change_of_confidence_alone_is_a_difference_but_not_a_change_of_policy(compiler: Compiler) -> None:
    """The copy gives healthcare `confidence medium`, which the base does not state: its rule, list and citations
    are the same."""
    change = against_base(compiler, "confidence")
    healthcare = category(change, "healthcare")
    assert healthcare.status == CITATIONS_CHANGED
    assert (healthcare.old_confidence, healthcare.new_confidence) == (None, "medium")
    assert healthcare.confidence_changed and healthcare.has_differences and not healthcare.cites_changed
    document = healthcare.to_json()
    assert document["confidence_changed"] is True
    assert "confidence" not in document["old"] and document["new"]["confidence"] == "medium"
    assert category(change, "trades").status == UNCHANGED
    assert not category(change, "trades").confidence_changed
