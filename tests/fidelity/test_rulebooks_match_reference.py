"""Fidelity: the shipped rulebooks say exactly what the project's copy of the reference facts says.

The facts are in `reference/categories_<year>.yaml` (with their provenance); the rules are in `rules/<year>/`.
Every category id and name, every occupation code, title and TEER, the totals, the in-force period and the
thresholds must agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from engine import ir
from tests.conftest import REFERENCE

YEARS = ["2023", "2024", "2025", "2026"]
EXPECTED_IDS = {
    "2023": ["french", "healthcare", "stem", "trades", "transport", "agriculture"],
    "2024": ["french", "healthcare", "stem", "trades", "transport", "agriculture"],
    "2025": ["french", "healthcare", "stem", "trades", "agriculture", "education"],
    "2026": ["french", "healthcare", "stem", "trades", "education", "transport", "physicians", "researchers",
             "senior_managers", "skilled_military_recruits"],
}
# List entries (an occupation on two lists counts twice), and distinct codes.
TOTALS = {"2023": 82, "2024": 82, "2025": 79, "2026": 94}
DISTINCT_CODES = {"2026": 91}
IN_FORCE = {"2023": (date(2023, 5, 31), date(2024, 2, 28)), "2024": (date(2024, 2, 29), date(2025, 2, 26)),
            "2025": (date(2025, 2, 27), date(2026, 2, 17)), "2026": (date(2026, 2, 18), date(2026, 12, 2))}
# The source each year's occupation lists cite for the official list (2026: the category page, known only through
# third-party transcriptions).
OFFICIAL_LIST = {"2023": "report_2023_24", "2024": "report_2024_25", "2025": "report_2024_25", "2026": "cbs_page_2026"}


def reference(year: str) -> dict[str, Any]:
    with open(REFERENCE / f"categories_{year}.yaml", encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


@pytest.fixture(params=YEARS)
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
    listed = [o.code for c in rulebook.categories for t in c.occupation_lists for o in t.occupations]
    document = reference(year)
    assert len(listed) == TOTALS[year] == sum(c["occupation_count"] or 0 for c in document["categories"])
    if "total_listed_occupations" in document:
        assert len(listed) == document["total_listed_occupations"]
    if "total_unique_listed_occupations" in document:
        assert len(set(listed)) == DISTINCT_CODES[year] == document["total_unique_listed_occupations"]


def test_in_force_period(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    assert (rulebook.in_force_from, rulebook.in_force_until) == IN_FORCE[year]
    document = reference(year)
    start = rulebook.in_force_from.isoformat()
    if year == "2024":
        # No announcement date: the renewal shows in the round labels, "(2024-1)" from 2024-02-29 on.
        assert f"rounds from {start} on were published" in " ".join(document["established"]["version_labels"].split())
    elif year == "2026":
        # No end is known: the rulebook ends on the day the reference facts were compiled.
        assert all(f"In force from {start}" in c["requirement_summary"] for c in document["categories"]
                   if c["occupations"] and c["id"] != "skilled_military_recruits")
        assert f"In force from {start}" in document["work_experience_rule_occupational_categories"]
        assert rulebook.in_force_until is not None and rulebook.in_force_until.isoformat() == document["compiled"]
    else:
        assert start == document["established"]["announced"]


def test_the_years_follow_one_another_without_gap_or_overlap(rulebook_2023: ir.Rulebook, rulebook_2024: ir.Rulebook,
                                                             rulebook_2025: ir.Rulebook,
                                                             rulebook_2026: ir.Rulebook) -> None:
    books = [rulebook_2023, rulebook_2024, rulebook_2025, rulebook_2026]
    for earlier, later in zip(books, books[1:]):
        assert earlier.in_force_until is not None
        assert (later.in_force_from - earlier.in_force_until).days == 1, (earlier.year, later.year)


def test_every_category_list_and_definition_is_cited(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    _, rulebook = year_and_rulebook
    cited = [*rulebook.categories, *rulebook.occupation_lists.values(), *rulebook.rules.values()]
    assert all(item.cites for item in cited)
    assert all(source.url.startswith("https://") for source in rulebook.sources.values())


def test_occupation_lists_cite_the_years_official_list(year_and_rulebook: tuple[str, ir.Rulebook]) -> None:
    year, rulebook = year_and_rulebook
    report = OFFICIAL_LIST[year]
    lists = [t for c in rulebook.categories for t in c.occupation_lists if c.id != "skilled_military_recruits"]
    assert lists and all(report in {s.id for s in table.cites} for table in lists)


@pytest.mark.parametrize("year", ["2023", "2024", "2025"])
def test_the_experience_thresholds_are_those_of_the_reference(year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    values = {name: str(constant.value) for name, constant in rulebook.constants.items()}
    rule = " ".join(reference(year)["categories"][1]["requirement_summary"].split())
    assert "within the 3 years before the round, at least 6 months of full-time continuous work" in rule.lower()
    assert values["experience_window"] == "3 years"
    assert values["minimum_continuous_experience"] == "6 months"
    assert values["minimum_part_time_hours"] == "780 hours"  # 6 months at 30 hours a week: 26 weeks x 30 hours
    assert values["minimum_french_level"] == "NCLC 7"


def test_the_2026_thresholds_are_those_of_the_reference(rulebook_2026: ir.Rulebook) -> None:
    document = reference("2026")
    rule = " ".join(document["work_experience_rule_occupational_categories"].split())
    assert "Within the 3 years before the round, at least 12 months of full-time work" in rule
    assert "full time = 30 h/week, i.e. about 1,560 h" in rule and "need not be continuous" in rule
    values = {name: constant.value for name, constant in rulebook_2026.constants.items()}
    assert str(values["experience_window"]) == "3 years"
    assert str(values["minimum_experience_hours"]) == "1,560 hours" == f"{52 * 30:,} hours"  # 12 months, 30 h a week
    assert "minimum_continuous_experience" not in values  # the months need not be continuous
    assert str(values["minimum_french_level"]) == "NCLC 7"
    french = next(c for c in document["categories"] if c["id"] == "french")
    assert "NCLC 7 or higher in all 4 abilities" in french["requirement_summary"]


def test_the_2026_categories_count_work_where_the_reference_says(rulebook_2026: ir.Rulebook) -> None:
    """Canada only for the categories whose rule says so, Canada or abroad for the others, and the military
    category's own conditions instead of the 12-month rule."""
    conditions = {c.id: c.source_text for c in rulebook_2026.categories}
    for entry in reference("2026")["categories"]:
        summary = " ".join(entry["requirement_summary"].split())
        text = conditions[entry["id"]]
        if entry["id"] == "skilled_military_recruits":
            assert "The 12-month occupational rule does not apply" in summary
            assert "experience_in" not in text and "canadian_armed_forces_offer" in text
        elif "experience must be gained IN CANADA" in summary:
            assert "canadian_experience_in(" in text
        elif "may be in Canada or abroad" in summary:
            assert "experience_in(" in text and "canadian_experience_in(" not in text
        else:
            assert entry["id"] == "french" and "french_proficiency" in text
    assert [c for c in conditions if "canadian_experience_in(" in conditions[c]] == [
        "physicians", "researchers", "senior_managers"]


def test_the_military_conditions_are_those_of_the_reference(rulebook_2026: ir.Rulebook) -> None:
    entry = next(c for c in reference("2026")["categories"] if c["id"] == "skilled_military_recruits")
    summary = " ".join(entry["requirement_summary"].split())
    values = {name: constant.value for name, constant in rulebook_2026.constants.items()}
    assert "serving in a recognized foreign military with at least 10 years of continuous service" in summary
    assert values["minimum_military_service"] == 10
    assert "continuous full-time work in Canada of at least 3 years" in summary
    assert values["minimum_offer_years"] == 3
    assert "post-secondary credential of at least 2 years" in summary
    assert values["military_credentials"][0] == "two_year_post_secondary"
    offered = rulebook_2026.occupation_lists["military_occupations"].codes
    assert sorted(offered) == sorted(o["noc"] for o in entry["occupations"]) == ["40042", "42102", "43204"]
    assert all(f"NOC {code}" in summary or code in summary for code in offered)
    # Third-party sources only: the category and its definitions cite no official page.
    military = next(c for c in rulebook_2026.categories if c.id == "skilled_military_recruits")
    definitions = [rulebook_2026.rules[n] for n in ("foreign_military_service", "canadian_armed_forces_offer",
                                                    "two_year_credential")]
    constants = [rulebook_2026.constants[n] for n in ("minimum_military_service", "minimum_offer_years",
                                                      "military_credentials")]
    for item in (military, *definitions, *constants, rulebook_2026.occupation_lists["military_occupations"]):
        assert all(s.title.startswith("Third-party") for s in item.cites), item
