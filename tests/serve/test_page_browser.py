"""The eligibility page in a real headless Chromium, served by uvicorn on 127.0.0.1: a candidate fills the form in
(choosing the occupation by a keyboard search of its title), submits, and reads the verdict of every category, its
explanation and the CRS, which are those the API gives for the same profile written as JSON; a date that does not
exist is named beside its field; every field has a label; on a phone's width nothing runs off the screen."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from engine.serve.app import create_app
from engine.serve.library import Library
from tests.browser import chromium, needs_chromium, wait_for
from tests.serve.conftest import example

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server_url(library: Library) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(create_app(library), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def open_page(browser: Any, url: str) -> None:
    browser.get(url)
    wait_for(browser, lambda b: b.execute_script("return document.body.dataset.ready === 'true'"))


def field(browser: Any, css: str) -> Any:
    return browser.find_element("css selector", css)


def type_into(element: Any, text: str) -> None:
    element.clear()
    element.send_keys(text)


def choose(browser: Any, css: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(field(browser, css)).select_by_value(value)


def fill_language_test(entry: Any, test: str, date: str, scores: tuple[str, str, str, str]) -> None:
    from selenium.webdriver.support.ui import Select

    Select(entry.find_element("css selector", "[data-name=test]")).select_by_value(test)
    type_into(entry.find_element("css selector", "[data-name=date]"), date)
    for ability, score in zip(("listening", "reading", "writing", "speaking"), scores, strict=True):
        type_into(entry.find_element("css selector", f"[data-name={ability}]"), score)


def fill_aisha(browser: Any) -> None:
    """The example profile aisha-nurse-french-first.yaml, as its candidate would enter it."""
    from selenium.webdriver.common.keys import Keys

    choose(browser, "#year", "2025")
    type_into(field(browser, "#as-of"), "2025-06-01")
    type_into(field(browser, "#date-of-birth"), "1992-12-04")
    fill_language_test(field(browser, "#language-tests > fieldset"), "tcf_canada", "2024-10-21",
                       ("530", "505", "12", "14"))
    field(browser, "#add-language-test").click()
    fill_language_test(browser.find_elements("css selector", "#language-tests > fieldset")[1], "ielts_general",
                       "2023-03-18", ("7.0", "6.5", "6.0", "6.5"))
    choose(browser, "#education-level", "bachelors_or_3yr")
    job = field(browser, "#jobs > fieldset")
    search = job.find_element("css selector", "[data-name=noc]")
    search.send_keys("registered nurse")
    options = wait_for(browser, lambda b: [o.text for o in job.find_elements("css selector", "[role=option]")])
    assert options[0].startswith("31301 Registered nurses")
    search.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    assert search.get_attribute("value") == "31301"
    assert job.find_element("css selector", "[data-name=title]").get_attribute("value").startswith("Registered nurses")
    type_into(job.find_element("css selector", "[data-name=country]"), "Morocco")
    type_into(job.find_element("css selector", "[data-name=start]"), "2017-09-01")
    type_into(job.find_element("css selector", "[data-name=end]"), "2024-12-31")
    field(browser, "#sibling").click()
    field(browser, "#provincial-nomination").click()


def verdicts(browser: Any, container: str) -> dict[str, str]:
    blocks = browser.find_elements("css selector", f"{container} details.verdict")
    return {block.get_attribute("data-id"): block.get_attribute("class").split()[-1] for block in blocks}


def test_a_candidate_reads_the_verdicts_the_api_gives(browser: Any, server_url: str, client: TestClient) -> None:
    open_page(browser, server_url)
    fill_aisha(browser)
    field(browser, "#submit").click()
    wait_for(browser, lambda b: b.find_element("css selector", "#results").is_displayed())

    answered = client.post("/v1/eval", json={"profiles": [example("aisha-nurse-french-first.yaml")], "year": "2025",
                                             "as_of": "2025-06-01", "why_not": True}).json()
    expected, rules = answered["results"][0], answered["rules"]["2025"]
    assert verdicts(browser, "#categories") == {c["id"]: c["verdict"] for c in expected["categories"]}
    assert verdicts(browser, "#programs") == {p["id"]: p["verdict"] for p in expected["programs"]}
    assert verdicts(browser, "#categories")["healthcare"] == "eligible"
    assert field(browser, "#crs-total").text.startswith(f"{expected['crs']['total']} points")
    assert "as of 2025-06-01" in field(browser, "#results-context").text

    healthcare = field(browser, "#categories details[data-id=healthcare]")
    assert not healthcare.find_element("css selector", "ul.tree").is_displayed()
    healthcare.find_element("css selector", "summary").click()
    shown = healthcare.find_element("css selector", "ul.tree").text
    explanation = next(c for c in expected["categories"] if c["id"] == "healthcare")["explanation"]
    for child in explanation["children"]:  # a statement read elsewhere too is in the result's shared table
        statement = expected["shared"][child["ref"]] if "ref" in child else child
        label = statement["label"] if "label" in statement else rules[statement["rule"].partition("(")[0]]["label"]
        assert label in shown
    assert "work_history[0].noc = 31301" in shown

    for standing in expected["why_not"]["standing"]:  # the rounds of the categories met
        block = field(browser, f"#categories details[data-id={standing['id']}]")
        if not block.get_attribute("open"):
            block.find_element("css selector", "summary").click()
        assert f"invited in {standing['invited']} of {len(standing['rounds'])} rounds" in block.text
    for advice in expected["why_not"]["categories"]:  # what would change a verdict, or why nothing can
        block = field(browser, f"#categories details[data-id={advice['id']}]")
        block.find_element("css selector", "summary").click()
        for suggestion in advice["suggestions"]:
            assert suggestion["summary"] in block.text
        if advice["blockers"]:
            assert "Nothing within reach changes it" in block.text
    assert expected["why_not"]["standing"] and expected["why_not"]["categories"]


def test_a_date_that_does_not_exist_is_named_beside_its_field(browser: Any, server_url: str) -> None:
    open_page(browser, server_url)
    fill_aisha(browser)
    type_into(field(browser, "#date-of-birth"), "1992-02-30")
    field(browser, "#submit").click()
    error = wait_for(browser, lambda b: next(iter(b.find_elements("css selector", "#date-of-birth + .field-error")),
                                             None))
    assert error.text == "'1992-02-30' is not a valid date (for example 2025-02-27)"
    date_of_birth = field(browser, "#date-of-birth")
    assert date_of_birth.get_attribute("aria-invalid") == "true"
    assert date_of_birth.get_attribute("aria-describedby") == error.get_attribute("id")
    summary = field(browser, "#error-summary")
    assert summary.is_displayed()
    assert browser.switch_to.active_element == summary
    assert summary.find_element("css selector", "a").get_attribute("href").endswith("#date-of-birth")
    assert not field(browser, "#results").is_displayed()


def test_an_empty_form_is_evaluated_and_says_what_is_missing(browser: Any, server_url: str,
                                                            client: TestClient) -> None:
    """The job and the language test the form starts with, left empty, are not sent."""
    open_page(browser, server_url)
    type_into(field(browser, "#as-of"), "2025-06-01")
    field(browser, "#submit").click()
    wait_for(browser, lambda b: b.find_element("css selector", "#results").is_displayed())
    assert not field(browser, "#error-summary").is_displayed()
    flags = {"provincial_nomination": False, "certificate_of_qualification": False, "sibling_in_canada": False,
             "relative_in_canada": False}
    expected = client.post("/v1/eval", json={"profiles": [{"id": "my-profile", **flags}],
                                             "as_of": "2025-06-01"}).json()["results"][0]
    assert verdicts(browser, "#categories") == {c["id"]: c["verdict"] for c in expected["categories"]}
    assert set(verdicts(browser, "#categories").values()) == {"undetermined"}
    french = field(browser, "#categories details[data-id=french]")
    french.find_element("css selector", "summary").click()
    assert "Missing facts: " in french.text


def test_every_field_has_a_label_and_a_phone_screen_holds_the_page(browser: Any, server_url: str) -> None:
    open_page(browser, server_url)
    field(browser, "#has-spouse").click()
    field(browser, "#add-spouse-language-test").click()
    unlabelled = browser.execute_script(
        "return Array.from(document.querySelectorAll('input, select'))"
        ".filter(e => e.offsetParent !== null && e.labels.length === 0).map(e => e.outerHTML);")
    assert unlabelled == []
    browser.set_window_size(390, 844)
    try:
        open_page(browser, server_url)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth;")
        assert overflow <= 0
    finally:
        browser.set_window_size(1280, 1000)
