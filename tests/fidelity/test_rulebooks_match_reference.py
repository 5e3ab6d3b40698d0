"""Fidelity: the shipped rulebooks say exactly what the project's copy of the reference facts says.

The facts are in `reference/categories_<year>.yaml` (with their provenance); the rules are in `rules/<year>/`.
Every category id and name, every occupation code, title and TEER, and the totals must agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from engine import ir
from tests.conftest import REFERENCE

EXPECTED_IDS = {
    "2023": ["french", "healthcare", "stem", "trades", "transport", "agriculture"],
    "2025": ["french", "healthcare", "stem", "trades", "agriculture", "education"],
}
TOTALS = {"2023": 82, "2025": 79}
IN_FORCE = {"2023": (date(2023, 5, 31), date(2024, 2, 28)), "2025": (date(2025, 2, 27), date(2026, 2, 17))}


def reference(year: str) -> dict[str, Any]:
    with open(REFERENCE / f"categories_{year}.yaml", encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@pytest.fixture(params=["2023", "2025"])
def year_and_rulebook(request: pytest.FixtureRequest) -> tuple[str, ir.Rulebook]:
    year: str = request.param
    return year, request.getfixturevalue(f"rulebook_{year}")


def test_categories_are_the_reference_ones_in_order(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    expected = [(c["id"], c["name"]) for c in reference(year)["categories"]]
    assert [c["id"] for c in reference(year)["categories"]] == EXPECTED_IDS[year]
    assert [(c.id, c.name) for c in rulebook.categories] == expected


def test_occupations_match_code_title_and_teer(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    categories = {c.id: c for c in rulebook.categories}
    for entry in reference(year)["categories"]:
        listed = [(o.code, o.title, o.teer) for t in categories[entry["id"]].occupation_lists for o in t.occupations]
        expected = [(o["noc"], o["title"], o["teer"]) for o in entry["occupations"] or []]
        assert listed == expected, entry["id"]
        assert len(listed) == (entry["occupation_count"] or 0)


def test_total_number_of_listed_occupations(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    total = sum(len(t.occupations) for c in rulebook.categories for t in c.occupation_lists)
    assert total == TOTALS[year] == reference(year)["total_listed_occupations"]


def test_in_force_period(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    assert (rulebook.in_force_from, rulebook.in_force_until) == IN_FORCE[year]
    assert rulebook.in_force_from.isoformat() == reference(year)["established"]["announced"]


def test_every_category_list_and_definition_is_cited(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    _, rulebook = year_and_rulebook
    cited = [*rulebook.categories, *rulebook.occupation_lists.values(), *rulebook.rules.values()]
    assert all(item.cites for item in cited)
    assert all(source.url.startswith("https://") for source in rulebook.sources.values())


def test_occupation_lists_cite_the_years_official_list(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    report = {"2023": "report_2023_24", "2025": "report_2024_25"}[year]
    assert all(report in {s.id for s in table.cites} for table in rulebook.occupation_lists.values())


def test_the_experience_thresholds_are_those_of_the_reference(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    _, rulebook = year_and_rulebook
    values = {name: str(constant.value) for name, constant in rulebook.constants.items()}
    assert values["experience_window"] == "3 years"
    assert values["minimum_continuous_experience"] == "6 months"
    assert values["minimum_part_time_hours"] == "780 hours"
    assert values["minimum_french_level"] == "NCLC 7"
