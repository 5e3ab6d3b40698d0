"""`POST /v1/whynot` answers with what `rules whynot --format json` prints, and `POST /v1/whatif` with what
`rules whatif --format json` prints, for the same profiles and options; a suggestion's patch sent to `/v1/whatif`
delivers the verdict it promises; a patch that is not one, cannot be applied, grows without bound or leaves a bad
profile is a 422 naming the operation or the path, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from engine.cli.main import main
from engine.serve.app import create_app
from engine.serve.library import Library
from engine.serve.patches import MAX_OPERATIONS, MAX_VALUES
from engine.serve.requests import Limits
from tests.conftest import ROOT
from tests.serve.conftest import EXAMPLE_FILES, example, example_of
from tests.serve.test_bad_input import problems

YEAR, AS_OF = "2025", "2025-06-01"


def cli(*arguments: str) -> str:
    result = CliRunner().invoke(main, [*arguments, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def relative(name: str) -> str:
    return str((ROOT / "examples" / "profiles" / name).relative_to(ROOT))


# POST /v1/whynot -----------------------------------------------------------------------------------------------------


def test_whynot_gives_the_commands_document_for_every_example_profile(client: TestClient) -> None:
    files = [str(path.relative_to(ROOT)) for path in EXAMPLE_FILES]
    printed = cli("whynot", *files, "--year", YEAR, "--as-of", AS_OF)
    response = client.post("/v1/whynot?pretty=true", json={"profiles": [example_of(p) for p in EXAMPLE_FILES],
                                                            "year": YEAR, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.content == printed.encode("utf-8")
    results = json.loads(printed)["results"]
    assert [r["profile"] for r in results] == [example_of(p)["id"] for p in EXAMPLE_FILES]
    assert any(c["suggestions"] for r in results for c in r["categories"])


def test_whynot_for_one_category_and_several_years(client: TestClient) -> None:
    name = "meera-data-analyst-raw-scores.yaml"
    printed = cli("whynot", relative(name), "--year", "2023", "--year", "2025", "--as-of", "2024-01-15",
                  "--category", "french")
    response = client.post("/v1/whynot", json={"profiles": [example(name)], "year": ["2023", "2025"],
                                                "as_of": "2024-01-15", "category": "french"})
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(printed)
    assert [[c["id"] for c in r["categories"]] for r in response.json()["results"]] == [["french"], ["french"]]


@pytest.mark.parametrize(("body", "expected"), [
    ({"profiles": [{"id": "x"}], "year": YEAR, "category": "frenhc"},
     [("$.category", "no category 'frenhc'; categories: {categories}")]),
    ({"profiles": [{"id": "x"}], "category": 3}, [("$.category", "expected a category id as a text, found a number")]),
    ({"profiles": [{"id": "x"}], "explain": "full"},
     [("$.explain", "is not a field of the request; fields: profiles, year, as_of, category")]),
    ({"profiles": [{"id": "x", "date_of_birth": "1990-02-30"}]},
     [("$.profiles[0].date_of_birth", "'1990-02-30' is not a valid date (for example 2025-02-27)")]),
    ([{"profiles": [{"id": "x"}]}], [("$", "expected a mapping of fields with 'profiles', found a list")]),
])
def test_a_whynot_request_that_is_not_what_the_api_takes(client: TestClient, library: Library, body: Any,
                                                         expected: list[tuple[str, str]]) -> None:
    categories = ", ".join(c.id for c in library.rulebooks[YEAR].categories)
    response = client.post("/v1/whynot", json=body)
    assert response.status_code == 422
    assert problems(response) == [(path, message.replace("{categories}", categories)) for path, message in expected]


def test_the_time_limit_holds_for_whynot(library: Library) -> None:
    with TestClient(create_app(library, Limits(seconds=0.0))) as hurried:
        response = hurried.post("/v1/whynot", json={"profiles": [example("kwame-cook.yaml")] * 2, "year": YEAR})
    assert response.status_code == 422
    assert problems(response) == [("$.profiles", "stopped after 1 of 2 analyses")]


# POST /v1/whatif -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "edits"), [
    ("meera-data-analyst-raw-scores.yaml", ["language_tests[0].scores.writing=8.5"]),
    ("kwame-cook.yaml", ["/work_history/0/noc=\"21231\"", "/date_of_birth=\"1999-01-01\""]),
    ("fatima-incomplete.yaml", ["work_history[0].hours_per_week=40", "/eligible_programs=[\"fsw\"]",
                                "/language_tests/-={\"test\": \"celpip_general\", \"date\": \"2025-01-10\", "
                                "\"levels\": {\"reading\": 9, \"writing\": 9, \"listening\": 9, \"speaking\": 9}}"]),
])
def test_whatif_gives_the_commands_document(client: TestClient, name: str, edits: list[str]) -> None:
    """The command turns its `--set` edits into a patch and prints it; that patch, sent with the profile, gives the
    same document."""
    arguments = [argument for edit in edits for argument in ("--set", edit)]
    printed = cli("whatif", relative(name), *arguments, "--year", YEAR, "--as-of", AS_OF)
    (result,) = json.loads(printed)["results"]
    response = client.post("/v1/whatif?pretty=true", json={"profile": example(name), "patch": result["patch"],
                                                            "year": YEAR, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    assert response.content == printed.encode("utf-8")
    moved = [c for c in (*result["categories"], *result["programs"]) if c["changed"]]
    assert moved or result["crs"]["change"], "every edit here changes a verdict or the score"


def test_a_suggestion_sent_to_whatif_delivers_its_promise(client: TestClient) -> None:
    """Both verdict sets come back, and what changed is exactly what the suggestion promised and more only if it
    says so: the category it names is eligible after the patch, and was not before."""
    profiles = [example_of(path) for path in EXAMPLE_FILES]
    analysed = client.post("/v1/whynot", json={"profiles": profiles, "year": YEAR, "as_of": AS_OF}).json()
    checked = 0
    for profile, advice in zip(profiles, analysed["results"], strict=True):
        for category in advice["categories"]:
            for suggestion in category["suggestions"][:1]:
                if suggestion["holds_from"] != AS_OF:
                    continue  # a suggestion that holds later is checked on its day by tests/whynot
                response = client.post("/v1/whatif", json={"profile": profile, "patch": suggestion["patch"],
                                                           "year": YEAR, "as_of": AS_OF})
                assert response.status_code == 200, response.text
                (result,) = response.json()["results"]
                after = {c["id"]: c for c in result["categories"]}[category["id"]]
                assert (after["before"], after["after"], after["changed"]) == (
                    category["verdict"], suggestion["promise"]["verdict"], True)
                checked += 1
    assert checked >= 3


def test_the_crs_before_and_after(client: TestClient) -> None:
    profile = example("meera-data-analyst-raw-scores.yaml")
    response = client.post("/v1/whatif", json={"profile": profile, "year": YEAR, "as_of": AS_OF, "patch": [
        {"op": "replace", "path": "/date_of_birth", "value": "1955-01-01"}]})
    crs = response.json()["results"][0]["crs"]
    assert crs["before"] > crs["after"] == crs["before"] + crs["change"]


def doubling(count: int) -> list[dict[str, Any]]:
    """A patch whose every `copy` doubles the list it copies into."""
    return [{"op": "add", "path": "/x", "value": [0]}] + [{"op": "copy", "from": "/x", "path": "/x/-"}] * count


@pytest.mark.parametrize(("patch", "expected"), [
    ({"op": "replace"}, [("$.patch", "expected a list of JSON Patch operations, found a mapping of 1 fields")]),
    ([{"op": "replace", "path": "/id", "value": "y"}] * (MAX_OPERATIONS + 1),
     [("$.patch", f"{MAX_OPERATIONS + 1} operations; a patch may hold at most {MAX_OPERATIONS}")]),
    (["replace"], [("$.patch[0]", "expected an operation such as {\"op\": \"replace\", \"path\": \"/crs\", \"value\": "
                                  "480}, found 'replace'")]),
    ([{"op": "merge", "path": "/id"}], [("$.patch[0].op", "'merge' is not one of: add, remove, replace, move, copy, "
                                                          "test")]),
    ([{"op": "replace", "path": "id"}], [("$.patch[0].path", "'id' is not a JSON Pointer (such as "
                                                             "/language_tests/0/levels/writing)"),
                                         ("$.patch[0].value", "'value' is required by 'replace'")]),
    ([{"op": "replace", "path": "/id", "value": "y"}, {"op": "remove", "path": "/spouse/name"}],
     [("$.patch[1]", "cannot be applied: can't remove a non-existent object 'name'")]),
    ([{"op": "test", "path": "/id", "value": "someone else"}],
     [("$.patch[0]", "cannot be applied: meera-data-analyst-raw-scores (<class 'str'>) is not equal to tested "
                     "value someone else (<class 'str'>)")]),
    (doubling(40), [("$.patch[16]", f"leaves a document of more than {MAX_VALUES:,} values")]),
    ([{"op": "replace", "path": "", "value": []}], [("$.patch", "leaves a list of 0 entries, not a profile")]),
    ([{"op": "replace", "path": "/date_of_birth", "value": "1990-02-30"}, {"op": "remove", "path": "/id"}],
     [("$.profile", "after the patch: 'id' is required"),
      ("$.profile.date_of_birth", "after the patch: '1990-02-30' is not a valid date (for example 2025-02-27)")]),
])
def test_a_patch_that_cannot_be_applied(client: TestClient, patch: Any, expected: list[tuple[str, str]]) -> None:
    profile = example("meera-data-analyst-raw-scores.yaml")
    response = client.post("/v1/whatif", json={"profile": profile, "patch": patch, "year": YEAR})
    assert response.status_code == 422
    assert problems(response) == expected


def test_a_whatif_request_names_every_problem_of_the_request_and_the_profile(client: TestClient) -> None:
    response = client.post("/v1/whatif", json={"profile": {"id": "x", "date_of_birth": "soon"}, "year": "1999",
                                               "profiles": []})
    assert response.status_code == 422
    assert problems(response) == [
        ("$.profiles", "is not a field of the request; did you mean 'profile'?"),
        ("$.year", "no rulebook for '1999'; known years: " + ", ".join(client.get("/healthz").json()["rulebooks"])),
        ("$.profile.date_of_birth", "'soon' is not a valid date (for example 2025-02-27)"),
        ("$.patch", "'patch' is required: a list of JSON Patch operations (RFC 6902)"),
    ]


_POINTERS = st.sampled_from(["", "/", "/id", "/x", "/x/-", "/language_tests/0", "/language_tests/-",
                             "/language_tests/0/levels/writing", "/work_history/9", "/spouse/education",
                             "/~2", "/id/0", "/language_tests/01"])
_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                   max_size=3), max_leaves=8)
_OPERATIONS = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "merge"])},
    optional={"path": _POINTERS | st.integers(), "from": _POINTERS, "value": _VALUES})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(patch=st.lists(_OPERATIONS, max_size=6) | _VALUES)
def test_no_patch_gives_a_500(client: TestClient, patch: Any) -> None:
    profile = example("meera-data-analyst-raw-scores.yaml")
    response = client.post("/v1/whatif", json={"profile": profile, "patch": patch, "year": YEAR, "as_of": AS_OF})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert problems(response)


def test_the_defaults_are_the_commands(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """No year and no as-of date: the rulebook in force today, or its last in-force day (with a note) once today is
    past it, as `rules whynot` and `rules whatif` choose them."""
    name = "kwame-cook.yaml"
    for today in ("2025-06-01", "2099-01-01"):
        monkeypatch.setenv("RULES_TODAY", today)
        analysed = json.loads(cli("whynot", relative(name)))
        assert client.post("/v1/whynot", json={"profiles": [example(name)]}).json() == analysed
        edited = json.loads(cli("whatif", relative(name), "--set", "/date_of_birth=\"1990-01-01\""))
        response = client.post("/v1/whatif", json={"profile": example(name), "patch": edited["results"][0]["patch"]})
        assert response.json() == edited
    assert "the last day this rulebook's facts were checked" in analysed["results"][0]["as_of_note"]
    assert "the last day this rulebook's facts were checked" in edited["results"][0]["as_of_note"]
