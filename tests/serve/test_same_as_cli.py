"""`POST /v1/eval` answers with the document `rules eval --format json` prints for the same profiles and options:
for every example profile, under several rulebooks (2026 after the high-wage points, with its lower bounds and its
third-party sources), with the full and the summary explanation, and with the defaults (latest year, today) when the
request leaves the options out. `?pretty=true` gives the very bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from engine.cli.main import main
from engine.lower.rulebook import available_years
from tests.conftest import ROOT, RULES
from tests.serve.conftest import EXAMPLE_FILES, example_of

RUNS = [("2023", "2023-11-30", "full"), ("2025", "2025-06-01", "full"), ("2025", "2025-11-30", "summary"),
        ("2026", "2026-11-20", "full")]


def cli_eval(*arguments: str) -> str:
    result = CliRunner().invoke(main, ["eval", *arguments, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module", params=RUNS, ids=["-".join(run) for run in RUNS])
def cli_run(request: pytest.FixtureRequest) -> tuple[tuple[str, str, str], str]:
    year, as_of, detail = request.param
    files = [str(path.relative_to(ROOT)) for path in EXAMPLE_FILES]
    return request.param, cli_eval(*files, "--year", year, "--as-of", as_of, "--explain", detail)


def test_every_example_profile_gets_the_cli_document(client: TestClient,
                                                      cli_run: tuple[tuple[str, str, str], str]) -> None:
    (year, as_of, detail), printed = cli_run
    printed_document = json.loads(printed)
    expected: list[dict[str, Any]] = printed_document["results"]
    assert [r["profile"] for r in expected] == [example_of(p)["id"] for p in EXAMPLE_FILES]
    for path, result in zip(EXAMPLE_FILES, expected, strict=True):
        response = client.post("/v1/eval", json={"profiles": [example_of(path)], "year": year, "as_of": as_of,
                                                 "explain": detail})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        answered = response.json()
        assert (answered["format"], answered["results"]) == (3, [result]), path.name
        # the rules this profile's statements explain, as the command wrote them for all profiles
        rules = answered["rules"][year]
        assert rules == {name: printed_document["rules"][year][name] for name in rules}, path.name


def test_pretty_gives_the_bytes_the_command_prints(client: TestClient,
                                                   cli_run: tuple[tuple[str, str, str], str]) -> None:
    (year, as_of, detail), printed = cli_run
    profiles = [example_of(path) for path in EXAMPLE_FILES]
    response = client.post("/v1/eval?pretty=true", json={"profiles": profiles, "year": year, "as_of": as_of,
                                                          "explain": detail})
    assert response.status_code == 200
    assert response.content == printed.encode("utf-8")


def test_the_defaults_are_the_commands(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """No year: the rulebook in force on the as-of date; no as-of: today, or the last in-force day (with a note) once
    today is past it; past the last day a rulebook of no known end was checked, today with a note."""
    path = ROOT / "examples" / "profiles" / "aisha-nurse-french-first.yaml"
    rulebooks = {}
    for today in ("2023-11-30", "2025-06-01", "2099-01-01"):
        monkeypatch.setenv("RULES_TODAY", today)
        printed = json.loads(cli_eval(str(path)))
        response = client.post("/v1/eval", json={"profiles": [example_of(path)]})
        assert response.json() == printed
        rulebooks[today] = printed["results"][0]["rulebook"]
    assert rulebooks == {"2023-11-30": "2023", "2025-06-01": "2025", "2099-01-01": available_years(RULES)[-1]}
    assert "the last day this rulebook's facts were checked" in printed["results"][0]["as_of_note"]
    monkeypatch.setenv("RULES_TODAY", "2099-01-01")
    printed = json.loads(cli_eval(str(path), "--as-of", "2024-01-10"))
    assert client.post("/v1/eval", json={"profiles": [example_of(path)], "as_of": "2024-01-10"}).json() == printed
    assert printed["results"][0]["rulebook"] == "2023"


def test_several_years_as_the_repeated_year_option(client: TestClient) -> None:
    path = ROOT / "examples" / "profiles" / "julien-nurse-francophone.json"
    printed = cli_eval(str(path), "--year", "2023", "--year", "2025", "--as-of", "2024-01-15")
    response = client.post("/v1/eval", json={"profiles": [example_of(path)], "year": ["2023", "2025"],
                                             "as_of": "2024-01-15"})
    assert response.json() == json.loads(printed)
    assert [r["rulebook"] for r in response.json()["results"]] == ["2023", "2025"]


def test_rulebook_and_diff_documents_are_the_commands(client: TestClient) -> None:
    shown = CliRunner().invoke(main, ["show", "--year", "2025", "--format", "json"])
    assert client.get("/v1/rulebooks/2025?pretty=true").content == shown.stdout.encode("utf-8")
    assert client.get("/v1/rulebooks/2025").json() == json.loads(shown.stdout)
    diffed = CliRunner().invoke(main, ["diff", "2023", "2025", "--format", "json"])
    assert client.get("/v1/diff/2023/2025?pretty=true").content == diffed.stdout.encode("utf-8")
    assert client.get("/v1/diff/2023/2025").json() == json.loads(diffed.stdout)


def test_why_not_is_the_commands_why_not(client: TestClient) -> None:
    """`"why_not": true` adds to each result what `rules eval --why-not` adds: the analysis of every category not met,
    the CRS what-ifs and the rounds of the categories met."""
    files = [str(path.relative_to(ROOT)) for path in EXAMPLE_FILES]
    printed = cli_eval(*files, "--year", "2025", "--as-of", "2025-06-01", "--why-not")
    response = client.post("/v1/eval?pretty=true", json={"profiles": [example_of(p) for p in EXAMPLE_FILES],
                                                          "year": "2025", "as_of": "2025-06-01", "why_not": True})
    assert response.status_code == 200
    assert response.content == printed.encode("utf-8")
    suggested = [c for r in json.loads(printed)["results"] for c in r["why_not"]["categories"] if c["suggestions"]]
    assert suggested
