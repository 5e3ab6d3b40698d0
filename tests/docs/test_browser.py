"""The built website in a real headless Chromium: a category page shows its occupations, the filter box narrows
the table, and the search finds an occupation by its NOC code.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing); skipped, saying so, when
they are not installed. The site is served on localhost because the search runs in a web worker, which browsers
refuse to start from `file://` pages.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium, needs_chromium, wait_for

pytestmark = needs_chromium


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def visible_rows(browser: Any) -> list[str]:
    """The text of the occupation rows a reader sees, read in one step (the theme re-wraps tables as it loads)."""
    rows: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll('div.occupations table tbody tr'))"
        ".filter(row => row.offsetParent !== null).map(row => row.innerText.replace(/\\s+/g, ' ').trim());")
    return rows


def test_a_category_page_shows_its_occupations_table(browser: Any, site_url: str) -> None:
    browser.get(f"{site_url}/years/2025/healthcare/")
    assert "Healthcare and social services occupations (2025)" in browser.find_element("css selector", "h1").text
    rows = wait_for(browser, lambda b: visible_rows(b))
    assert len(rows) == 37
    assert any(row.startswith("31301 Registered nurses and registered psychiatric nurses 1") for row in rows)
    chart = browser.find_element("css selector", 'img[src$="healthcare-rounds.svg"]')
    assert browser.execute_script("return arguments[0].naturalWidth", chart) > 0


def test_the_filter_box_narrows_the_table(browser: Any, site_url: str) -> None:
    browser.get(f"{site_url}/years/2025/healthcare/")
    box = wait_for(browser, lambda b: next((e for e in b.find_elements("css selector", "input.occupations-filter")
                                            if e.is_displayed()), None))
    box.send_keys("nurse")
    rows = wait_for(browser, lambda b: (lambda r: r if len(r) < 37 else None)(visible_rows(b)))
    assert rows and all("nurse" in row.lower() for row in rows)
    assert len(rows) == 4
    assert browser.find_element("css selector", ".occupations-filter__status").text == "4 of 37 shown"
    box.clear()
    box.send_keys("3210")
    rows = wait_for(browser, lambda b: (lambda r: r if len(r) != 4 else None)(visible_rows(b)))
    assert [row.split()[0] for row in rows] == ["32101", "32102", "32103", "32104", "32109"]


def test_the_search_finds_an_occupation_by_its_code(browser: Any, site_url: str) -> None:
    browser.get(f"{site_url}/")
    search = wait_for(browser, lambda b: next((e for e in b.find_elements("css selector", "input.md-search__input")
                                               if e.is_displayed()), None))
    search.click()
    search.send_keys("21220")
    results = wait_for(browser, lambda b: [a.get_attribute("href") for a in
                                           b.find_elements("css selector", ".md-search-result__item a")] or None)
    pages = {urlsplit(link).path for link in results}
    assert {"/years/2023/stem/", "/years/2025/stem/"} <= pages, results
    assert any(urlsplit(link).fragment == "occupations" for link in results), results


PHONE, DESKTOP = (390, 844), (1440, 1000)
PAGES = ("/", "/years/2025/healthcare/", "/years/2023/stem/", "/tutorial/", "/reference/language/",
         "/changes/2023-2025/", "/profiles/", "/pools/")


def at_width(browser: Any, size: tuple[int, int]) -> None:
    browser.set_window_size(*size)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_code_block_is_cut_off(browser: Any, site_url: str, size: tuple[int, int]) -> None:
    at_width(browser, size)
    for page in PAGES:
        browser.get(f"{site_url}{page}")
        cut = browser.execute_script(
            "return Array.from(document.querySelectorAll('article pre > code'))"
            ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 60));")
        assert cut == [], (page, size, cut)
        assert not browser.execute_script("return document.documentElement.scrollWidth > window.innerWidth"), page


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_identifiers_in_tables_never_break_inside_a_word(browser: Any, site_url: str, size: tuple[int, int]) -> None:
    at_width(browser, size)
    seen = 0
    for page in ("/years/2025/healthcare/", "/years/2025/french/", "/years/2023/stem/", "/changes/2023-2025/"):
        browser.get(f"{site_url}{page}")
        broken = browser.execute_script(
            "return Array.from(document.querySelectorAll('article table td code'))"
            ".filter(c => c.getClientRects().length > 1).map(c => c.textContent);")
        assert broken == [], (page, size, broken)
        seen += browser.execute_script("return document.querySelectorAll('article table td code').length")
    assert seen > 10


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_title_has_no_empty_line_under_it(browser: Any, site_url: str, size: tuple[int, int]) -> None:
    """The title's permalink used to wrap onto a line of its own, an empty gap under the home page's title."""
    at_width(browser, size)
    for page in ("/", "/tutorial/", "/years/2025/healthcare/"):
        browser.get(f"{site_url}{page}")
        title_lines, text_lines = browser.execute_script("""
            const h1 = document.querySelector('article h1');
            const range = document.createRange();
            range.selectNodeContents(h1.firstChild);
            const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
            return [Math.round(h1.getBoundingClientRect().height / parseFloat(getComputedStyle(h1).lineHeight)),
                    tops.size];""")
        assert title_lines == text_lines, (page, size)


def test_occupation_codes_link_to_their_official_noc_2021_pages(browser: Any, site_url: str) -> None:
    at_width(browser, DESKTOP)
    browser.get(f"{site_url}/years/2025/healthcare/")
    links = wait_for(browser, lambda b: b.execute_script(
        "return Array.from(document.querySelectorAll('div.occupations td:first-child a'))"
        ".map(a => [a.textContent, a.href]);") or None)
    assert len(links) == 37
    for code, href in links:
        assert href == ("https://noc.esdc.gc.ca/Structure/NOCProfile?GocTemplateCulture=en-CA&code="
                        f"{code}&version=2021.0"), (code, href)
