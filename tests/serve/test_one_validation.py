"""The web API refuses the same bad values with the same problems as `rules eval` and `rules batch` (see
`tests/pools/test_one_validation.py`): each named by its JSON path, under `$.profiles[N]` of the request, and the good
profiles of the same values are evaluated. A number JSON does not have (NaN, infinity) cannot reach a profile at all:
the body is refused as JSON."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.testclient import TestClient

from engine.model.profile import validate
from tests.pools.test_one_validation import _documents


def non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(non_finite(v) for v in value)
    return False


def test_each_bad_profile_gets_the_problems_every_other_path_names(client: TestClient) -> None:
    documents = _documents()
    good, bad = [documents[0], documents[-1]], documents[1:-1]
    refused_as_json = 0
    for document in bad:
        response = client.post("/v1/eval", content=json.dumps({"profiles": [document], "year": "2025"}),
                               headers={"content-type": "application/json"})
        found = [(p["path"], p["message"]) for p in response.json()["problems"]]
        if non_finite(document):
            assert response.status_code == 400
            assert found in ([("$", "not valid JSON: NaN is not a JSON number")],
                             [("$", "not valid JSON: Infinity is not a JSON number")])
            refused_as_json += 1
            continue
        assert response.status_code == 422, document["id"]
        expected = [(p.path.replace("$", "$.profiles[0]", 1), p.message) for p in validate(document, "").problems]
        assert found == expected, document["id"]
    assert refused_as_json >= 1
    response = client.post("/v1/eval", json={"profiles": good, "year": "2025"})
    assert response.status_code == 200
    assert [r["profile"] for r in response.json()["results"]] == ["good", "good-again"]
