"""The OpenAPI document at /openapi.json is a valid OpenAPI 3.1 document, lists every route the API serves, carries
the shipped profile schema as it is, and describes what the server really answers."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from starlette.routing import Route
from starlette.testclient import TestClient

from engine.model.profile import profile_schema
from engine.serve.app import create_app
from engine.serve.library import Library
from tests.serve.conftest import EXAMPLE_FILES, example, example_of


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def schema_validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A validator for one of the document's schemas, its `$ref`s resolved inside the document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_route_is_described(document: dict[str, Any], library: Library) -> None:
    served = {route.path.replace("{old}", "{from}").replace("{new}", "{to}")
              for route in create_app(library).routes if isinstance(route, Route)}
    assert set(document["paths"]) == served - {"/", "/openapi.json"}
    assert {"/v1/eval", "/v1/whynot", "/v1/whatif"} <= set(document["paths"])


def test_the_profile_schema_is_the_shipped_one(document: dict[str, Any]) -> None:
    """Its definitions moved to components of their own, it says of every profile what the shipped schema says."""
    assert document["components"]["schemas"]["Profile"]["properties"].keys() == profile_schema()["properties"].keys()
    shipped, served = Draft202012Validator(profile_schema()), schema_validator(document, "Profile")
    profiles: list[Any] = [example_of(path) for path in EXAMPLE_FILES]
    profiles += [{"id": "x", "work_history": [{"noc": "123", "start": "2020-01-01", "hours": 3}]},
                 {"id": "x", "language_tests": [{"test": "ielts_general", "levels": {"reading": 13}}]},
                 {"id": "x", "spouse": {"education": {"level": "phd"}}}, {"name": "x"}]
    for profile in profiles:
        assert ({tuple(e.absolute_path) for e in served.iter_errors(profile)}
                == {tuple(e.absolute_path) for e in shipped.iter_errors(profile)})
    assert any(list(shipped.iter_errors(profile)) for profile in profiles)
    request = document["paths"]["/v1/eval"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert request == {"$ref": "#/components/schemas/EvalRequest"}


def test_a_request_the_server_takes_fits_the_document_and_one_it_refuses_does_not(document: dict[str, Any],
                                                                               client: TestClient) -> None:
    validator = schema_validator(document, "EvalRequest")
    good = {"profiles": [example("meera-data-analyst-raw-scores.yaml")], "year": "2023", "explain": "summary"}
    bad = {"profiles": [{"id": "x", "work_history": [{"noc": "123", "start": "2020-01-01"}]}], "year": 2025}
    assert list(validator.iter_errors(good)) == []
    assert client.post("/v1/eval", json=good).status_code == 200
    assert {tuple(e.absolute_path) for e in validator.iter_errors(bad)} >= {("year",)}
    assert client.post("/v1/eval", json=bad).status_code == 422


@pytest.mark.parametrize(("schema", "good", "bad", "refused_at"), [
    ("WhyNotRequest", {"profiles": [example("kwame-cook.yaml")], "category": "trades"},
     {"profiles": [example("kwame-cook.yaml")], "category": ["trades"]}, ("category",)),
    ("WhatIfRequest",
     {"profile": example("kwame-cook.yaml"), "patch": [{"op": "remove", "path": "/eligible_programs"}]},
     {"profile": example("kwame-cook.yaml"), "patch": [{"op": "merge", "path": "/spouse"}]}, ("patch", 0, "op")),
])
def test_the_analyses_requests_the_server_takes_fit_the_document(document: dict[str, Any], client: TestClient,
                                                                 schema: str, good: Any, bad: Any,
                                                                 refused_at: tuple[Any, ...]) -> None:
    validator = schema_validator(document, schema)
    url = "/v1/whynot" if schema == "WhyNotRequest" else "/v1/whatif"
    assert list(validator.iter_errors(good)) == []
    assert client.post(url, json=good).status_code == 200
    assert refused_at in {tuple(e.absolute_path) for e in validator.iter_errors(bad)}
    assert client.post(url, json=bad).status_code == 422


@pytest.mark.parametrize(("method", "url", "body", "schema"), [
    ("POST", "/v1/eval", {"profiles": [example("aisha-nurse-french-first.yaml"), example("fatima-incomplete.yaml")],
                          "year": ["2023", "2025"]}, "EvalResponse"),
    ("POST", "/v1/eval", {"profiles": [{"id": "x", "date_of_birth": "1990-02-30"}]}, "Problem"),
    ("POST", "/v1/eval", {"profiles": [example("kwame-cook.yaml")], "year": "2025", "why_not": True}, "EvalResponse"),
    ("POST", "/v1/whynot", {"profiles": [example("kwame-cook.yaml"), example("fatima-incomplete.yaml")],
                            "year": "2025", "as_of": "2025-06-01"}, "WhyNotResponse"),
    ("POST", "/v1/whynot", {"profiles": [{"id": "x"}], "category": "none"}, "Problem"),
    ("POST", "/v1/whatif", {"profile": example("kwame-cook.yaml"), "year": ["2023", "2025"], "patch": [
        {"op": "replace", "path": "/work_history/0/noc", "value": "72400"}]}, "WhatIfResponse"),
    ("POST", "/v1/whatif", {"profile": example("kwame-cook.yaml"), "patch": [{"op": "copy", "path": "/x"}]},
     "Problem"),
    ("GET", "/v1/rulebooks", None, "RulebookList"),
    ("GET", "/v1/rulebooks/2025", None, "Rulebook"),
    ("GET", "/v1/rulebooks/1999", None, "Problem"),
])
def test_answers_fit_the_document(document: dict[str, Any], client: TestClient, method: str, url: str,
                                  body: Any, schema: str) -> None:
    response = client.request(method, url, json=body)
    assert list(schema_validator(document, schema).iter_errors(response.json())) == []
