"""The explanation of a profile is bounded by the caps on its lists: a profile at every cap (10 language results, a
spouse with 10, 50 jobs, all in one occupation so that every job is read by every rule about that occupation) gets
its full explanation in well under the size that made 50 results give 308 MB, and a list past its cap is refused by
its JSON path before anything is evaluated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from engine.cli.main import main
from engine.explain.explanation import MAX_FACTS_LISTED
from engine.model.profile import fact_loader
from tests.conftest import EXAMPLES

MAX_RESULTS, MAX_JOBS = 10, 50
# The bytes of indented JSON the largest profile's full explanation may take (1.6 MB today; 4.5 MB when every
# statement listed every fact it read).
MAX_EXPLANATION_BYTES = 2_000_000

MEERA: dict[str, Any] = yaml.load((EXAMPLES / "meera-data-analyst-raw-scores.yaml").read_text("utf-8"),  # noqa: S506
                                  Loader=fact_loader())


def at_the_caps(results: int = MAX_RESULTS, jobs: int = MAX_JOBS) -> dict[str, Any]:
    tests, (spouse_test,), (job, *_) = MEERA["language_tests"], MEERA["spouse"]["language_tests"], MEERA["work_history"]
    return {**MEERA,
            "language_tests": [{**tests[i % 2], "date": f"2024-{1 + i % 12:02d}-{1 + i:02d}"} for i in range(results)],
            "spouse": {**MEERA["spouse"], "language_tests": [spouse_test] * results},
            "work_history": [{**job, "start": f"{1990 + i % 30}-01-01", "end": f"{1990 + i % 30}-06-30"}
                             for i in range(jobs)]}


def evaluate(profile: dict[str, Any], folder: Path) -> Any:
    path = folder / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    return CliRunner().invoke(main, ["eval", str(path), "--year", "2025", "--as-of", "2025-06-01", "--format", "json",
                                     "--explain", "full"])


def test_a_profile_at_every_cap_has_a_bounded_explanation(tmp_path: Path) -> None:
    result = evaluate(at_the_caps(), tmp_path)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.encode("utf-8")) < MAX_EXPLANATION_BYTES
    (answer,) = json.loads(result.stdout)["results"]
    assert answer["crs"]["total"] is not None  # the results and the jobs were read, not refused


def test_lists_past_their_caps_are_refused_by_their_paths(tmp_path: Path) -> None:
    result = evaluate(at_the_caps(MAX_RESULTS + 1, MAX_JOBS + 1), tmp_path)
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["results"] == []
    ((error,),) = [document["errors"]]
    assert {p["path"]: p["message"] for p in error["problems"]} == {
        "$.language_tests": f"{MAX_RESULTS + 1} language test results: a profile gives at most {MAX_RESULTS}",
        "$.spouse.language_tests": f"{MAX_RESULTS + 1} language test results: a profile gives at most {MAX_RESULTS}",
        "$.work_history": f"{MAX_JOBS + 1} jobs: a profile gives at most {MAX_JOBS}"}


def explanation_bytes(jobs: int, folder: Path) -> int:
    result = evaluate(at_the_caps(results=2, jobs=jobs), folder)
    assert result.exit_code == 0, result.output
    return len(result.stdout.encode("utf-8"))


def test_the_explanation_grows_linearly_with_the_work_history(tmp_path: Path) -> None:
    # Every job of one occupation is read by each rule about that occupation, and a quantifier over the jobs shows
    # those rules again under each job: listing every fact at each place grew with the square of the jobs.
    small, middle, large = (explanation_bytes(jobs, tmp_path) for jobs in (12, 25, 50))
    assert (large - middle) < 1.3 * (middle - small) * (50 - 25) / (25 - 12)


def test_a_statement_lists_its_first_facts_and_counts_the_rest(tmp_path: Path) -> None:
    result = evaluate(at_the_caps(results=2, jobs=MAX_JOBS), tmp_path)
    statements: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "facts" in node and ("label" in node or "rule" in node):  # a statement (its label may be its rule's)
                statements.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    (document,) = json.loads(result.stdout)["results"]
    walk(document)
    facts = document["facts"]  # a fact a statement lists by its path is written once, in its result's table

    def counts_the_rest(fact: str | dict[str, Any]) -> bool:
        return isinstance(fact, dict) and "not_listed" in fact

    counted = [s for s in statements if any(counts_the_rest(f) for f in s["facts"])]
    assert counted, "no statement read more facts than it lists"
    for statement in counted:
        listed = [f for f in statement["facts"]
                  if not counts_the_rest(f) and not (facts[f] if isinstance(f, str) else f).get("missing")]
        assert len(listed) == MAX_FACTS_LISTED
        (summary,) = [f for f in statement["facts"] if counts_the_rest(f)]
        assert summary["path"] == "work_history"
        assert summary["value"] == (f"{summary['not_listed']:,} more facts read from it, not listed (a statement "
                                    f"lists at most {MAX_FACTS_LISTED} of the facts it reads)")
