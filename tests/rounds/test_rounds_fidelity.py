"""Every round of invitations in the reference round data is a round declaration in the rulebook of its year, with
the same number, date, grouping, invitations, lowest score, tie-break and source."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest

from engine import ir
from tests.conftest import REFERENCE


def _reference(year: str) -> list[dict[str, str]]:
    with (REFERENCE / f"rounds_{year}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _grouping(row: dict[str, str]) -> tuple[str, str | None]:
    if row["type"] == "general":
        return "all", None
    if row["type"] == "program-specific":
        return "program", row["category"].lower()
    return "category", row["category"]


@pytest.mark.parametrize(("year", "expected_count"), [("2023", 42), ("2024", 52), ("2025", 58), ("2026", 59)])
def test_every_reference_round_is_declared_as_published(year: str, expected_count: int,
                                                        request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    rows = _reference(year)
    assert len(rows) == expected_count
    declared = {r.number: r for r in rulebook.rounds}
    assert sorted(declared) == sorted(int(row["round"]) for row in rows)
    for row in rows:
        round_ = declared[int(row["round"])]
        assert round_.held_on.isoformat() == row["date"]
        assert (round_.grouping, round_.target) == _grouping(row)
        assert round_.invitations == int(row["invitations"])
        assert round_.lowest_crs == int(row["crs_cutoff"])
        assert round_.tie_break == datetime.fromisoformat(row["tie_break"].replace("Z", "+00:00"))
        assert [c.url for c in round_.cites] == [row["source"]]


@pytest.mark.parametrize("year", ["2023", "2024", "2025", "2026"])
def test_each_categorys_rounds_are_those_the_reference_counts(year: str, request: pytest.FixtureRequest) -> None:
    """The category facts summarise each category's rounds of the year (2026: through round 447): the same rounds,
    invitations and range of lowest scores as the round declarations."""
    import yaml

    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    document = yaml.safe_load((REFERENCE / f"categories_{year}.yaml").read_text(encoding="utf-8"))
    for category in document["categories"]:
        summary = category.get("rounds_in_year") or category.get("rounds_in_year_through_447")
        held = [r for r in rulebook.rounds if r.grouping == "category" and r.target == category["id"]]
        assert len(held) == summary["rounds_held"], category["id"]
        assert sum(r.invitations for r in held) == summary["invitations_total"], category["id"]
        if held:
            assert [r.number for r in held] == summary["round_numbers"], category["id"]
            assert min(r.lowest_crs or 0 for r in held) == summary["crs_cutoff_min"], category["id"]
            assert max(r.lowest_crs or 0 for r in held) == summary["crs_cutoff_max"], category["id"]


def test_category_rounds_before_the_years_categories_name_their_instructions(rulebook_2024: ir.Rulebook,
                                                                             rulebook_2026: ir.Rulebook) -> None:
    """2024: the rounds of February 1, 14 and 16 were published with the 2023 label; 2026: the French round of
    February 6 was held under the French instructions then in force."""
    early = {r.number: r.instructions for r in rulebook_2024.rounds
             if r.grouping == "category" and r.held_on < rulebook_2024.in_force_from}
    assert early == {282: "2023-1", 284: "2023-1", 285: "2023-1"}
    assert all(r.instructions is None for r in rulebook_2024.rounds if r.held_on >= rulebook_2024.in_force_from)
    early = {r.number: r.instructions for r in rulebook_2026.rounds
             if r.grouping == "category" and r.held_on < rulebook_2026.in_force_from}
    assert early == {394: "Version 1"}
    assert rulebook_2026.rounds[-1].number == 447


def test_a_category_round_is_bound_to_the_compiled_category(rulebook_2023: ir.Rulebook) -> None:
    stem_round = next(r for r in rulebook_2023.rounds if r.number == 254)
    assert stem_round.category is not None and stem_round.category.id == "stem"
    general = next(r for r in rulebook_2023.rounds if r.number == 237)
    assert general.category is None and general.grouping == "all"


def test_the_2025_french_round_before_the_2025_categories_names_its_instructions(rulebook_2025: ir.Rulebook) -> None:
    early = next(r for r in rulebook_2025.rounds if r.number == 337)
    assert early.held_on < rulebook_2025.in_force_from
    assert early.instructions == "2024-1"


def test_rules_show_lists_the_rounds_in_text_and_json() -> None:
    import json

    from click.testing import CliRunner

    from engine.cli.main import main

    runner = CliRunner()
    document = json.loads(runner.invoke(main, ["show", "--year", "2023", "--format", "json"]).output)
    assert len(document["rounds"]) == 42
    assert document["rounds"][17] == {
        "round": 254, "title": "STEM occupations (2023-1)", "held": "2023-07-05", "grouping": "category",
        "target": "stem", "instructions": None, "invitations": 500, "lowest_crs": 486,
        "tie_break": "2022-11-23T00:01:29Z", "cites": ["round_254"], "source": document["rounds"][17]["source"],
    }
    text = runner.invoke(main, ["show", "--year", "2023"]).output
    assert "Rounds of invitations (42)" in text
    assert "254  2023-07-05  category stem" in text
