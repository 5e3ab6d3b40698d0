"""The website's pages, rendered from the shipped rulebooks without MkDocs: what a reader must find on them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import click
import pytest

from dsl.loader import load_folder
from engine import ir
from engine.cli.main import main as cli_main
from engine.docs.render import Site, SiteInput, category_page, changes_page, render_site
from engine.lower.rulebook import Compiler
from tests.conftest import RULES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> Site:
    texts = {**load_folder(RULES / "2023", "rules/2023").texts, **load_folder(RULES / "2025", "rules/2025").texts}
    return render_site(SiteInput([rulebook_2025, rulebook_2023], texts, cli_main))


def table_rows(page: str, first_cell: str) -> list[list[str]]:
    """The rows of the page's tables, each cell's text (an occupation code, a link to its NOC page, as the code)."""
    rows = [[re.sub(r"^\[(\d{5})\]\(https://noc\.esdc\.gc\.ca/[^)]*\)$", r"\1", cell.strip())
             for cell in line.strip("|").split(" | ")]
            for line in page.splitlines() if line.startswith("| ")]
    return [row for row in rows if row[0] == first_cell] if first_cell else rows


class TestPagesAndNavigation:
    def test_one_page_per_category_per_year_an_overview_per_year_and_a_changes_page(
            self, site: Site, rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> None:
        expected = {"index.md", "years/2023/index.md", "years/2025/index.md", "changes/2023-2025.md",
                    "reference/cli.md"}
        expected |= {f"years/{r.year}/{c.id}.md" for r in (rulebook_2023, rulebook_2025) for c in r.categories}
        assert expected == {p for p in site.pages if p.endswith(".md")}

    def test_the_nav_lists_years_in_order_and_every_generated_page(self, site: Site) -> None:
        listed = re.findall(r"'([^']+\.md)'", repr(site.nav))
        assert sorted(listed) == sorted(p for p in site.pages if p.endswith(".md"))
        assert listed.index("years/2023/index.md") < listed.index("years/2025/index.md")

    def test_rendering_is_deterministic(self, site: Site, rulebook_2023: ir.Rulebook,
                                        rulebook_2025: ir.Rulebook) -> None:
        texts = {**load_folder(RULES / "2023", "rules/2023").texts, **load_folder(RULES / "2025", "rules/2025").texts}
        again = render_site(SiteInput([rulebook_2023, rulebook_2025], texts,
                                      cli_main))
        assert again.pages == site.pages

    def test_the_home_page_says_how_to_start_and_links_every_year(self, site: Site) -> None:
        home = site.pages["index.md"]
        assert "rules eval" in home and "(tutorial.md)" in home
        assert "(serving.md)" in home
        assert "(years/2023/index.md)" in home and "(years/2025/index.md)" in home


def test_the_year_overview_lists_the_programs_of_the_pool(site: Site, rulebook_2025: ir.Rulebook) -> None:
    page = site.pages["years/2025/index.md"]
    for program in rulebook_2025.programs:
        assert f"| {program.name} | `{program.id}` |" in page
    assert "| Federal Skilled Worker Program | `fsw` |" in page


def test_the_year_overview_lists_every_round_and_whom_it_drew_from(site: Site, rulebook_2023: ir.Rulebook) -> None:
    page = site.pages["years/2023/index.md"]
    assert f"{len(rulebook_2023.rounds)} rounds declared in the rulebook" in page
    assert "| [239](" in page and "| 2023-02-01 | program: `pnp` | 893 | 733 |" in page
    assert "| 2023-06-28 | category: [Healthcare occupations](healthcare.md) | 500 | 476 |" in page
    assert "| `round_239` |" not in page


class TestCategoryPage:
    def test_lists_every_occupation_with_code_title_and_teer(self, site: Site, rulebook_2025: ir.Rulebook) -> None:
        for category in rulebook_2025.categories:
            page = site.pages[f"years/2025/{category.id}.md"]
            listed = [o for t in category.occupation_lists for o in t.occupations]
            for occupation in listed:
                assert [occupation.code, occupation.title, str(occupation.teer)] in table_rows(page, occupation.code)
            assert ('class="occupations-filter"' in page) == bool(listed)

    def test_the_stem_2025_table_has_its_eleven_occupations(self, site: Site) -> None:
        page = site.pages["years/2025/stem.md"]
        codes = [row[0] for row in table_rows(page, "") if re.fullmatch(r"\d{5}", row[0])]
        assert len(codes) == 11 and "21220" in codes

    def test_says_the_rule_in_words_and_shows_its_source_highlighted(self, site: Site) -> None:
        page = site.pages["years/2025/french.md"]
        assert "A candidate is eligible when all of these hold:" in page
        assert "- A TEF Canada or TCF Canada result at NCLC 7 or higher in all four abilities" in page
        assert "```rules\ncategory french" in page
        assert "```rules\ndefine french_proficiency" in page
        assert "| `minimum_french_level` | NCLC 7 |" in page

    def test_every_citation_is_a_link_to_its_source(self, site: Site, rulebook_2025: ir.Rulebook) -> None:
        for category in rulebook_2025.categories:
            page = site.pages[f"years/2025/{category.id}.md"]
            cited = {*category.cites, *(s for t in category.occupation_lists for s in t.cites)}
            for source in cited:
                assert f"]({source.url})" in page

    def test_shows_the_rounds_held_under_the_rulebook_with_a_chart(self, site: Site) -> None:
        page = site.pages["years/2023/healthcare.md"]
        rounds = [row[0] for row in table_rows(page, "") if re.match(r"\[\d+\]", row[0])]
        assert [re.sub(r"\[(\d+)\].*", r"\1", r) for r in rounds] == ["252", "255", "271"]
        assert "| [252](https://www.canada.ca/" in page and "invitations.html?q=252) | 2023-06-28 | 500 | 476 |" in page
        assert "![Lowest CRS invited in each Healthcare occupations round](healthcare-rounds.svg)" in page
        chart = ElementTree.fromstring(site.pages["years/2023/healthcare-rounds.svg"])
        labels = [t.text for t in chart.iter(f"{SVG}text")]
        assert len(list(chart.iter(f"{SVG}circle"))) == 3
        assert {"476", "463", "431"} <= set(labels)

    def test_a_category_without_rounds_says_so_and_has_no_chart(self, site: Site) -> None:
        stem = site.pages["years/2025/stem.md"]
        assert "The 2025 rulebook declares no round of invitations for this category." in stem
        assert "years/2025/stem-rounds.svg" not in site.pages

    def test_says_what_changed_from_the_previous_year(self, site: Site) -> None:
        stem = site.pages["years/2025/stem.md"]
        assert "**Occupations:** 24 → 11 (6 added, 19 removed, 0 TEER changes)" in stem
        assert "New in 2025" in site.pages["years/2025/education.md"]
        assert "Changes from" not in site.pages["years/2023/stem.md"]


class TestChangesPage:
    def test_the_2023_to_2025_change(self, site: Site) -> None:
        page = site.pages["changes/2023-2025.md"]
        assert "- **Added:** [Education occupations](../years/2025/education.md) (`education`, 5 occupations)" in page
        assert "- **Removed:** [Transport occupations](../years/2023/transport.md) (`transport`, 10 occupations)" \
            in page
        assert "- **Renamed:** `healthcare`: Healthcare occupations → Healthcare and social services occupations" \
            in page
        for counts in ("35 → 37 (8 added, 6 removed", "24 → 11 (6 added, 19 removed", "10 → 25 (19 added, 4 removed",
                       "3 → 1 (0 added, 2 removed"):
            assert counts in page
        french = page.split("## French-language proficiency")[1].split("\n## ")[0]
        assert "No change in the rule or the occupations." in french
        assert "Rule changes" not in page
        assert "| removed | [42203](https://noc.esdc.gc.ca/Structure/NOCProfile?GocTemplateCulture=en-CA&code=42203&" \
               "version=2021.0) | Instructors of persons with disabilities | 2 | to [`education`]" \
               "(../years/2025/education.md) |" in page
        stem = page.split("## Science, Technology, Engineering and Math (STEM) occupations")[1].split("\n## ")[0]
        assert "**Rounds held:** 2023: 2 rounds, 6,400 invitations, lowest CRS invited 481 to 486; 2025: none" in stem
        rounds = page.split("\n## Rounds held\n")[1].split("\n## ")[0]
        assert "| all candidates | 19 → 0 | 76,700 → 0 | 481–561 → none |" in rounds
        assert "| program: Provincial Nominee Program (`pnp`) | 5 → 24 | 4,396 → 10,898 | 691–791 → 667–855 |" in rounds

    def test_a_changed_threshold_shows_as_a_changed_value(self, write_rules: Callable[..., Path],
                                                          compiler: Compiler) -> None:
        body = ('constant minimum "Minimum programs" cite src = {n}\n'
                'define in_pool "In the pool" cite src = count(eligible_programs) >= minimum\n'
                'category pool "In the pool" cite src {{ eligible when in_pool }}\n')
        old = compiler.compile_folder(write_rules(body.format(n=1)))[0]
        new = compiler.compile_folder(write_rules(body.format(n=2)))[0]
        page = changes_page(old, new)
        assert "| `minimum` | 1 | 2 |" in page
        assert "- Minimum programs: 1 → 2 (" in page


def test_the_cli_reference_has_every_command_and_its_options(site: Site) -> None:
    page = site.pages["reference/cli.md"]
    for name in cli_main.list_commands(click.Context(cli_main)):
        assert f"## rules {name}\n" in page
    assert "Usage: rules eval [OPTIONS] PROFILES..." in page and "--as-of" in page


def test_category_page_renders_a_category_without_an_occupation_list(rulebook_2025: ir.Rulebook) -> None:
    french = next(c for c in rulebook_2025.categories if c.id == "french")
    page = category_page(rulebook_2025, french, None, [], {})
    assert "This category has no occupation list." in page
    assert "declares no round of invitations" in page
