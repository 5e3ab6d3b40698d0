"""The website covers every year from 2023 to 2026 with a changes page between each pair, and shows the standing of
each source: on the year overview (each source's standing and confidence; which categories rest on third-party
sources; the pending rules), on each category page, and beside each source added on a changes page."""

from __future__ import annotations

import pytest

from dsl.loader import load_folder
from engine import ir
from engine.cli.main import main as cli_main
from engine.docs.render import Site, SiteInput, render_site
from tests.conftest import RULES

YEARS = ("2023", "2024", "2025", "2026")


@pytest.fixture(scope="module")
def site(rulebook_2023: ir.Rulebook, rulebook_2024: ir.Rulebook, rulebook_2025: ir.Rulebook,
         rulebook_2026: ir.Rulebook) -> Site:
    texts: dict[str, str] = {}
    for year in YEARS:
        texts.update(load_folder(RULES / year, f"rules/{year}").texts)
    return render_site(SiteInput([rulebook_2023, rulebook_2024, rulebook_2025, rulebook_2026], texts, cli_main))


def test_every_year_has_its_overview_and_category_pages_and_each_change_its_page(
        site: Site, rulebook_2024: ir.Rulebook, rulebook_2026: ir.Rulebook) -> None:
    for rulebook in (rulebook_2024, rulebook_2026):
        assert f"years/{rulebook.year}/index.md" in site.pages
        assert {f"years/{rulebook.year}/{c.id}.md" for c in rulebook.categories} <= set(site.pages)
    assert {"changes/2023-2024.md", "changes/2024-2025.md", "changes/2025-2026.md"} <= set(site.pages)
    assert len(rulebook_2026.categories) == 10


def test_the_2026_overview_gives_each_source_its_standing_and_each_category_what_it_rests_on(site: Site) -> None:
    page = site.pages["years/2026/index.md"]
    assert "| `bearing_ai_catalogue` | [Third-party: bearing-ai NOC catalogue" in page
    assert "| third-party, confidence medium-high |" in page
    assert "| `crs_criteria` | [Comprehensive Ranking System (CRS) criteria](" in page
    assert "| official, confidence high |" in page
    french_row = next(line for line in page.splitlines() if "| `french` |" in line)
    healthcare_row = next(line for line in page.splitlines() if "| `healthcare` |" in line)
    assert french_row.endswith("| official sources | medium-high |")
    assert healthcare_row.endswith("| third-party sources | medium |")


def test_the_2026_overview_lists_the_pending_high_wage_points(site: Site) -> None:
    page = site.pages["years/2026/index.md"]
    assert "## Known to exist, not encoded" in page
    assert "| the high-wage occupation points (`high_wage_occupation_points`) | 2026-11-03 |" in page


def test_a_2025_overview_has_only_official_sources_and_nothing_pending(site: Site) -> None:
    page = site.pages["years/2025/index.md"]
    assert "| third-party" not in page and "third-party sources |" not in page and "Known to exist" not in page
    row = {c: next(line for line in page.splitlines() if f"| `{c}` |" in line) for c in ("trades", "healthcare")}
    assert row["trades"].endswith("| official sources | high |")
    assert row["healthcare"].endswith("| official sources | medium-high |")


def test_a_category_page_says_what_its_verdicts_rest_on_and_gives_each_source_its_standing(site: Site) -> None:
    page = site.pages["years/2026/transport.md"]
    standing = next(line for line in page.splitlines() if line.startswith("**Standing:**"))
    assert standing.replace("\\_", "_").startswith(
        "**Standing:** this category rests on third-party sources: bearing_ai_catalogue, bearing_ai_categories")
    assert "| Source | Standing | Cited for |" in page
    french = site.pages["years/2026/french.md"]
    assert "**Standing:**" not in french
    assert "**Confidence:** the rule files give this category as written confidence medium-high" in french


def test_a_category_page_known_surely_says_nothing_of_its_confidence(site: Site) -> None:
    assert "**Confidence:** the rule files give" not in site.pages["years/2025/trades.md"]
    assert "**Confidence:** medium → high" in site.pages["years/2025/trades.md"]  # what changed from 2024
    assert "**Confidence:** the rule files give this category as written confidence medium-high" in \
        site.pages["years/2025/stem.md"]


def test_the_changes_page_to_2026_shows_the_standing_of_each_source_added(site: Site) -> None:
    page = site.pages["changes/2025-2026.md"]
    added = [line for line in page.splitlines() if line.startswith("- **Added:**")]
    assert added and all(line.endswith(")") for line in added)
    assert any("(third-party, confidence medium-high)" in line for line in added)
