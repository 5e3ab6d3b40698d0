"""Bad input gets a 4xx problem document (RFC 9457) naming every problem by its JSON path, never a 500 and never a
traceback: a body that is not JSON, a profile that fails the schema, an unknown year, a body over the size limit,
too many profiles, an evaluation that goes over a limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

import engine.eval.traced
from engine.lower.rulebook import available_years
from engine.model.profile import profile_schema
from engine.serve import app as app_module
from engine.serve.app import create_app
from engine.serve.library import Library
from engine.serve.requests import Limits
from tests.conftest import RULES
from tests.serve.conftest import example

JSON = {"content-type": "application/json"}
KNOWN = ", ".join(available_years(RULES))
LATEST = available_years(RULES)[-1]


def problems(response: Any) -> list[tuple[str, str]]:
    assert response.headers["content-type"] == "application/problem+json"
    document = response.json()
    assert document["status"] == response.status_code
    assert "Traceback" not in response.text
    return [(p["path"], p["message"]) for p in document.get("problems", [])]


@pytest.fixture(scope="module")
def small_client(library: Library) -> Iterator[TestClient]:
    """A server with small limits: 3,000 bytes, 2 profiles, no time at all."""
    with TestClient(create_app(library, Limits(body_bytes=3000, profiles=2, seconds=0.0))) as test_client:
        yield test_client


def test_a_body_that_is_not_json(client: TestClient) -> None:
    response = client.post("/v1/eval", content=b'{"profiles": [', headers=JSON)
    assert response.status_code == 400
    assert problems(response) == [("$", "not valid JSON: Expecting value at line 1, column 15")]


@pytest.mark.parametrize(("body", "message"), [
    (b"\xff{}", "byte 0 is not valid UTF-8"),
    (b'{"profiles": [{"id": "x", "crs": NaN}]}', "not valid JSON: NaN is not a JSON number"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid here: the JSON nests too deeply"),
])
def test_bodies_the_parser_refuses(client: TestClient, body: bytes, message: str) -> None:
    response = client.post("/v1/eval", content=body, headers=JSON)
    assert response.status_code == 400
    assert problems(response) == [("$", message)]


def test_every_problem_of_every_profile_by_its_path(client: TestClient) -> None:
    good = example("kwame-cook.yaml")
    bad = {**example("aisha-nurse-french-first.yaml"), "date_of_birth": "1992-02-30", "eye_colour": "brown"}
    bad["work_history"] = [{**bad["work_history"][0], "noc": "3130"}]
    response = client.post("/v1/eval", json={"profiles": [good, bad, "a profile"], "year": "1999",
                                             "as_of": "2025-13-01", "explain": "some", "yaer": "2025"})
    assert response.status_code == 422
    assert problems(response) == [
        ("$.yaer", "is not a field of the request; did you mean 'year'?"),
        ("$.year", f"no rulebook for '1999'; known years: {KNOWN}"),
        ("$.as_of", "'2025-13-01' is not a valid date (for example 2025-06-01)"),
        ("$.explain", "'some' is not one of: full, summary"),
        ("$.profiles[1].date_of_birth", "'1992-02-30' is not a valid date (for example 2025-02-27)"),
        ("$.profiles[1].eye_colour", "is not a field of this record; fields: "
                                     + ", ".join(profile_schema()["properties"])),
        ("$.profiles[1].work_history[0].noc", "'3130' is not a five-digit NOC 2021 code"),
        ("$.profiles[2]", "expected a mapping of fields, found a text"),
    ]


@pytest.mark.parametrize(("body", "expected"), [
    ([], [("$", "expected a mapping of fields with 'profiles', found a list")]),
    ({}, [("$.profiles", "'profiles' is required: a list of profiles")]),
    ({"profiles": {"id": "x"}}, [("$.profiles", "expected a list of profiles, found a mapping of fields")]),
    ({"profiles": []}, [("$.profiles", "the list is empty; give at least one profile")]),
    ({"profiles": [{"id": "x"}], "year": 2025}, [("$.year", f"expected a year as a text such as \"{LATEST}\", "
                                                            "found a number")]),
    ({"profiles": [{"id": "x"}], "year": ["2025", "../2023"]},
     [("$.year[1]", f"no rulebook for '../2023'; known years: {KNOWN}")]),
    ({"profiles": [{"id": "x"}], "why_not": "yes"}, [("$.why_not", "expected true or false, found a text")]),
    ({"profiles": [{"id": "x"}], "as_of": 20250601}, [("$.as_of", "a number is not a valid date (for example "
                                                                  "2025-06-01)")]),
])
def test_a_request_that_is_not_what_the_api_takes(client: TestClient, body: Any,
                                                  expected: list[tuple[str, str]]) -> None:
    response = client.post("/v1/eval", json=body)
    assert response.status_code == 422
    assert problems(response) == expected


def test_a_body_over_the_size_limit(small_client: TestClient) -> None:
    body = json.dumps({"profiles": [{"id": "x" * 180}] * 20}).encode()
    response = small_client.post("/v1/eval", content=body, headers=JSON)
    assert response.status_code == 413
    assert problems(response) == [("$", "more than 3,000 bytes")]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while the body streams in
        yield from (body[i:i + 500] for i in range(0, len(body), 500))

    response = small_client.post("/v1/eval", content=chunks(), headers=JSON)
    assert response.status_code == 413


def test_too_many_profiles(small_client: TestClient) -> None:
    response = small_client.post("/v1/eval", json={"profiles": [{"id": "a"}, {"id": "b"}, {"id": "c"}]})
    assert response.status_code == 422
    assert problems(response) == [("$.profiles", "3 profiles; a request may hold at most 2")]


def test_the_time_limit_of_a_request(small_client: TestClient) -> None:
    """Checked between evaluations: with no time at all, the first evaluation is the last."""
    response = small_client.post("/v1/eval", json={"profiles": [{"id": "a"}, {"id": "b"}], "year": "2025"})
    assert response.status_code == 422
    assert problems(response) == [("$.profiles", "stopped after 1 of 2 evaluations")]
    assert "longer than the 0 s a request may take" in response.json()["detail"]


def test_the_step_limit_of_an_evaluation(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.eval.traced, "MAX_STEPS", 50)
    response = client.post("/v1/eval", json={"profiles": [{"id": "small"}, example("kwame-cook.yaml")]})
    assert response.status_code == 422
    assert ("$.profiles[1]", "evaluation stopped after 50 steps") in problems(response)


def test_a_body_not_sent_as_json(client: TestClient) -> None:
    response = client.post("/v1/eval", content=b'{"profiles": [{"id": "x"}]}', headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert problems(response) == [("$", "the body must be JSON, sent with Content-Type: application/json")]


@pytest.mark.parametrize(("method", "url", "status", "expected"), [
    ("GET", "/v1/rulebooks/1999", 404, [("{year}", f"no rulebook for '1999'; known years: {KNOWN}")]),
    ("GET", "/v1/rulebooks/common", 404, [("{year}", f"no rulebook for 'common'; known years: {KNOWN}")]),
    ("GET", "/v1/diff/2023/2031", 404, [("{to}", f"no rulebook for '2031'; known years: {KNOWN}")]),
    ("GET", "/v1/rulebooks/2025?pretty=yes", 400, [("?pretty", "'yes' is not one of: true, false")]),
    ("GET", "/v1/eval", 405, []),
    ("DELETE", "/v1/rulebooks", 405, []),
    ("GET", "/v1/whynot", 405, []),
    ("GET", "/v1/whynot/2025", 404, []),
])
def test_urls_the_api_does_not_serve(client: TestClient, method: str, url: str, status: int,
                                     expected: list[tuple[str, str]]) -> None:
    response = client.request(method, url)
    assert response.status_code == status
    assert problems(response) == expected


def test_a_failure_of_the_server_is_a_500_without_a_traceback(library: Library,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*arguments: Any) -> Any:
        raise RuntimeError("a bug in the server")

    monkeypatch.setattr(app_module, "report_document", broken)
    with TestClient(create_app(library), raise_server_exceptions=False) as test_client:
        response = test_client.post("/v1/eval", json={"profiles": [{"id": "x"}]})
    assert response.status_code == 500
    assert problems(response) == []
    assert "a bug in the server" not in response.text


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=4), max_leaves=20)
PROFILE_FIELDS = st.sampled_from(["id", "date_of_birth", "language_tests", "work_history", "education", "spouse",
                                  "crs", "eligible_programs", "job_offer", "provincial_nomination"])
BODIES = st.fixed_dictionaries({"profiles": st.lists(st.dictionaries(PROFILE_FIELDS, JSON_VALUES, max_size=5),
                                                     max_size=3)},
                               optional={"year": JSON_VALUES, "as_of": JSON_VALUES, "explain": JSON_VALUES})


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODIES | JSON_VALUES)
def test_no_body_gets_a_500(client: TestClient, body: Any) -> None:
    response = client.post("/v1/eval", content=json.dumps(body).encode(), headers=JSON)
    assert response.status_code in (200, 400, 422), response.text
