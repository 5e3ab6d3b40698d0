"""The JSON document of `rules eval` writes a profile's explanations as a graph: a statement read in several places
(pool membership under every category, a language result's levels under the programs and the CRS) is written once,
in the result's `shared` table, under a key made of its rule and its arguments, and stands as `{"ref": key}` wherever
it is read. Read back, the graph says exactly what the tree of every statement says, and every document the project
keeps as a golden fits the shipped JSON Schema."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine import ir
from engine.explain.evaluation import evaluate_inputs
from engine.explain.explanation import Explanation
from engine.explain.graph import FORMAT, GraphWriter, report_schema
from engine.explain.report import ProfileReport, report_document
from engine.lower.rulebook import Compiler
from engine.model.profile import read_profiles
from tests.conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
# The goldens the tests keep up to date: each example profile's explanation per year, and `rules eval`'s output.
GOLDEN_DOCUMENTS = sorted(path for path in (GOLDEN / "explanations").glob("*.json")
                          if any(path.name.startswith(p.stem + ".") for p in EXAMPLES.iterdir())) + \
    sorted((GOLDEN / "commands").glob("eval-*-json.txt"))


@pytest.fixture(scope="module")
def rulebook_2025() -> ir.Rulebook:
    return Compiler().compile_year("2025")[0]


def report_of(profile: str, rulebook: ir.Rulebook, detail: str = "full") -> ProfileReport:
    return evaluate_inputs(read_profiles(EXAMPLES / profile), [rulebook], date(2025, 6, 1), detail).reports[0]


def expanded(statement: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """The statement with every reference replaced by the statement it names."""
    if "ref" in statement:
        return expanded(shared[statement["ref"]], shared)
    if "children" not in statement:
        return statement
    return {**statement, "children": [expanded(child, shared) for child in statement["children"]]}


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["ref"]] if "ref" in node else []) + [r for value in node.values() for r in references(value)]
    if isinstance(node, list):
        return [r for value in node for r in references(value)]
    return []


def document_in(path: Path) -> Any:
    """A golden's JSON document: the whole file, or the standard output a command golden records."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        text = text.split("--- stdout\n", 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


@pytest.mark.parametrize("path", GOLDEN_DOCUMENTS, ids=lambda p: p.name)
def test_every_golden_document_fits_the_shipped_schema(path: Path) -> None:
    document = document_in(path)
    validator = Draft202012Validator(report_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []
    assert document["format"] == FORMAT == 2


def test_the_schema_refuses_a_reference_with_anything_beside_it() -> None:
    """A reference stands for the statement it names: a reader never has to merge it with fields of its own."""
    validator = Draft202012Validator(report_schema())
    statement = {"kind": "category", "label": "Education occupations", "outcome": "holds",
                 "children": [{"ref": "in_pool", "label": "In the Express Entry pool"}]}
    document = {"format": 2, "results": [{"profile": "p", "rulebook": "2025", "as_of": "2025-06-01", "shared": {},
                                          "categories": [{"id": "education", "verdict": "eligible",
                                                          "explanation": statement}]}]}
    assert not validator.is_valid(document)
    statement["children"] = [{"ref": "in_pool"}]
    assert validator.is_valid(document)


@pytest.mark.parametrize("profile", sorted(p.name for p in EXAMPLES.iterdir()))
@pytest.mark.parametrize("detail", ["full", "summary"])
def test_read_back_the_graph_is_the_tree_of_every_statement(profile: str, detail: str,
                                                            rulebook_2025: ir.Rulebook) -> None:
    report = report_of(profile, rulebook_2025, detail)
    (result,) = report_document([report], [])["results"]
    written = [c["explanation"] for c in (*result["categories"], *result.get("programs", ()))]
    written += [s["explanation"] for s in result.get("crs", {}).get("sections", {}).values()]
    trees = [v.explanation.to_json() for v in (*report.categories, *report.programs)]
    trees += [s.explanation.to_json() for s in (report.score.sections if report.score else ())]
    assert [expanded(statement, result["shared"]) for statement in written] == trees


def test_a_statement_read_in_several_places_is_written_once(rulebook_2025: ir.Rulebook) -> None:
    """meera (raw scores: an IELTS and a TEF result) under 2025: pool membership under each category, and each
    result's levels under the programs and the CRS, are each written once."""
    (result,) = report_document([report_of("meera-data-analyst-raw-scores.yaml", rulebook_2025)], [])["results"]
    shared = result["shared"]
    assert list(shared)[0] == "in_pool"
    assert {"listening_level(language_tests[0])", "speaking_level(language_tests[1])",
            "all_abilities_at_least(language_tests[0], CLB 7)"} <= set(shared)
    read = Counter(references(result))
    assert read["in_pool"] == len(result["categories"])
    assert set(read) == set(shared)
    assert all(count >= 2 for count in read.values())  # a statement read once stays where it is read
    assert shared["listening_level(language_tests[0])"]["rule"] == \
        "listening_level(ielts_general result of 2024-09-14 (language_tests[0]))"


def test_the_same_profile_gives_the_same_document(rulebook_2025: ir.Rulebook) -> None:
    first = report_document([report_of("meera-data-analyst-raw-scores.yaml", rulebook_2025)], [])
    again = report_document([report_of("meera-data-analyst-raw-scores.yaml", Compiler().compile_year("2025")[0])], [])
    assert json.dumps(first) == json.dumps(again)


def test_two_statements_with_one_key_are_told_apart_in_reading_order() -> None:
    """Should two different statements of one result ever have the same key, the one read a second time later gets
    `#2`."""
    def level(score: str) -> Explanation:
        return Explanation("rule", "listening level", None, detail=f"CLB {score}", key="listening_level(x)")

    first, second = level("7"), level("9")
    roots = [Explanation("category", name, "holds", children=(first, second)) for name in ("STEM", "Healthcare")]
    graph = GraphWriter()
    written = [graph.write(root) for root in roots]
    assert written[0]["children"] == [{"ref": "listening_level(x)"}, {"ref": "listening_level(x)#2"}]
    assert written[1] == {**written[1], "children": written[0]["children"]}
    assert [s["detail"] for s in graph.shared.values()] == ["CLB 7", "CLB 9"]


def test_the_facts_missing_below_a_shared_statement_are_those_of_the_tree(rulebook_2025: ir.Rulebook) -> None:
    """fatima's profile lacks facts: each undetermined verdict names them, as the tree would."""
    report = report_of("fatima-incomplete.yaml", rulebook_2025)
    (result,) = report_document([report], [])["results"]
    for verdict, category in zip(report.categories, result["categories"], strict=True):
        assert category["explanation"].get("missing", []) == (
            list(verdict.explanation.missing) if verdict.explanation.outcome == "unknown" else [])
    assert any(c["explanation"].get("missing") for c in result["categories"])
