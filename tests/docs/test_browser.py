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
