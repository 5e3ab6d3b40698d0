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


@pytest.mark.parametrize(("year", "expected_count"), [("2023", 42), ("2025", 58)])
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
