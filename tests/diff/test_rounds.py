"""Rounds held, compared per grouping: how many rounds, how many invitations, the range of the lowest score invited.

A rulebook holds every round of its calendar year, so the 2023 -> 2025 numbers are the reference facts'
`rounds_in_year` of each category (reference/categories_2023.yaml and categories_2025.yaml).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.diff.rulebook_diff import ADDED, CHANGED, REMOVED, UNCHANGED, RoundsDiff, RoundsHeld, RulebookDiff, compare
from engine.lower.rulebook import Compiler
from tests.conftest import REFERENCE

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def change(rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> RulebookDiff:
    return compare(rulebook_2023, rulebook_2025)


def reference(year: str) -> dict[str, RoundsHeld]:
    """Each category's rounds in the year, from the reference facts."""
    document: dict[str, Any] = yaml.safe_load((REFERENCE / f"categories_{year}.yaml").read_text(encoding="utf-8"))
    held = {}
    for category in document["categories"]:
        rounds = category.get("rounds_in_year")
        if rounds and rounds["rounds_held"]:
            held[category["id"]] = RoundsHeld(rounds["rounds_held"], rounds["invitations_total"],
                                              rounds["crs_cutoff_min"], rounds["crs_cutoff_max"])
    return held


def grouping(change: RulebookDiff, kind: str, target: str | None) -> RoundsDiff:
    return next(r for r in change.rounds if r.grouping == kind and r.id == target)


def test_french_rounds_from_2023_to_2025(change: RulebookDiff) -> None:
    french = grouping(change, "category", "french")
    assert french.old == RoundsHeld(6, 8_700, 375, 486)
    assert french.new == RoundsHeld(9, 48_000, 379, 481)
    assert french.status == CHANGED
    assert (french.old.cutoff, french.new.cutoff) == ("375–486", "379–481")


def test_every_category_holds_the_rounds_of_its_year(change: RulebookDiff) -> None:
    by_category = {r.id: r for r in change.rounds if r.grouping == "category"}
    assert {i: r.old for i, r in by_category.items() if r.old.count} == reference("2023")
    assert {i: r.new for i, r in by_category.items() if r.new.count} == reference("2025")


def test_groupings_that_held_rounds_in_one_year_only(change: RulebookDiff) -> None:
    assert grouping(change, "category", "education").status == ADDED
    assert grouping(change, "category", "transport").status == REMOVED
    assert grouping(change, "category", "stem").new == RoundsHeld()  # STEM held no round in 2025
    assert grouping(change, "all", None).status == REMOVED  # 2025's rounds all drew from a program or category
    assert grouping(change, "program", "cec").status == ADDED
    pnp = grouping(change, "program", "pnp")
    assert pnp.name == "Provincial Nominee Program"
    assert (pnp.old.count, pnp.new.count) == (5, 24)


def test_the_renamed_category_keeps_its_rounds_together(change: RulebookDiff) -> None:
    healthcare = grouping(change, "category", "healthcare")
    assert healthcare.name == "Healthcare and social services occupations"
    assert (healthcare.old.count, healthcare.new.count) == (3, 7)


def test_a_rulebook_against_itself_has_unchanged_rounds(rulebook_2025: ir.Rulebook) -> None:
    same = compare(rulebook_2025, rulebook_2025)
    assert same.rounds and all(r.status == UNCHANGED for r in same.rounds)
    assert not same.has_differences


ROUND = """
source round_{number} "Round {number}" "https://example.org/rounds/{number}"

round {number} "{title}" cite round_{number} {{
  held {held}
  grouping {grouping}
  invitations {invitations}
  lowest_crs {lowest}
  tie_break 2025-01-02T10:00:00Z
}}
"""


def with_rounds(tmp_path: Path, name: str, *rounds: dict[str, Any]) -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / "base", folder)
    (folder / "rounds.rules").write_text("".join(ROUND.format(**r) for r in rounds), encoding="utf-8")
    return folder


FRENCH = {"number": 1, "title": "French-language proficiency", "held": "2025-03-01", "grouping": "category french",
          "invitations": 4500, "lowest": 410}
HEALTH = {"number": 2, "title": "Healthcare occupations", "held": "2025-04-01", "grouping": "category healthcare",
          "invitations": 2500, "lowest": 470}


def test_a_change_only_in_rounds_is_a_difference(tmp_path: Path, compiler: Compiler) -> None:
    old = with_rounds(tmp_path, "old", FRENCH)
    new = with_rounds(tmp_path, "new", FRENCH, {**HEALTH, "number": 3})
    change = compare(compiler.compile_folder(old)[0], compiler.compile_folder(new)[0])
    assert all(c.status == UNCHANGED for c in change.categories)
    assert [(r.id, r.status) for r in change.rounds] == [("french", UNCHANGED), ("healthcare", ADDED)]
    assert change.has_differences

    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--exit-code"])
    assert result.exit_code == 1, result.output
    row = next(line for line in result.output.splitlines() if "category healthcare" in line)
    assert row.split() == ["+", "category", "healthcare", "0", "→", "1", "0", "→", "2,500", "none", "→", "470"]
    assert CliRunner().invoke(main, ["diff", str(old), str(old), "--exit-code"]).exit_code == 0


def test_rounds_in_json_and_markdown(tmp_path: Path) -> None:
    old = with_rounds(tmp_path, "old", FRENCH)
    new = with_rounds(tmp_path, "new", {**FRENCH, "invitations": 7000, "lowest": 379},
                      {**FRENCH, "number": 4, "held": "2025-05-01", "lowest": 420})
    document = json.loads(CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"]).output)
    assert document["diff"]["rounds_changed"] is True
    assert document["diff"]["rounds"] == [{
        "status": "changed", "grouping": "category", "id": "french", "old_id": "french",
        "name": "French-language proficiency",
        "old": {"rounds": 1, "invitations": 4500, "lowest_crs": {"min": 410, "max": 410}},
        "new": {"rounds": 2, "invitations": 11500, "lowest_crs": {"min": 379, "max": 420}},
    }]
    markdown = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "markdown"]).output
    assert "| category french | French-language proficiency | changed | 1 → 2 | 4,500 → 11,500 | 410 → 379–420 |" \
        in markdown
