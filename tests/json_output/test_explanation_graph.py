"""The JSON document of `rules eval` writes a profile's explanations as a graph: a statement read in several places
(pool membership under every category, a language result's levels under the programs and the CRS) is written once,
in the result's `shared` table, under a key made of its rule and its arguments, and stands as `{"ref": key}` wherever
it is read. What a statement says because of its rule (kind, label, citations, source line) is written once per
rulebook, in the document's `rules` table, and each fact of the profile once per result, in its `facts` table. Read
back, the graph says exactly what the tree of every statement says, and every document the project keeps as a golden
fits the shipped JSON Schema."""

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
from engine.explain.graph import FORMAT, GraphWriter, RulesTable, report_schema
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


def expanded(statement: dict[str, Any], result: dict[str, Any], rules: dict[str, Any]) -> dict[str, Any]:
    """The statement as a tree, as docs/explanations.md reads it back: every reference replaced by the statement it
    names, the fields of its rule and the facts it lists filled in."""
    if "ref" in statement:
        return expanded(result["shared"][statement["ref"]], result, rules)
    full = {"kind": "check", **rules.get(statement.get("rule", "").partition("(")[0], {}), **statement}
    if "facts" in statement:
        full["facts"] = [{"path": fact, **result["facts"][fact]} if isinstance(fact, str) else fact
                         for fact in statement["facts"]]
    if "children" in statement:
        full["children"] = [expanded(child, result, rules) for child in statement["children"]]
    return full


def explanations(result: dict[str, Any]) -> list[dict[str, Any]]:
    """A result's explanations as written: categories, programs, CRS sections."""
    written = [c["explanation"] for c in (*result["categories"], *result.get("programs", ()))]
    return written + [s["explanation"] for s in result.get("crs", {}).get("sections", {}).values()]


def trees(report: ProfileReport) -> list[dict[str, Any]]:
    """A report's explanations as trees, every statement written where it stands."""
    written = [v.explanation.to_json() for v in (*report.categories, *report.programs)]
    return written + [s.explanation.to_json() for s in (report.score.sections if report.score else ())]


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
    assert document["format"] == FORMAT == 3


def test_the_schema_refuses_a_reference_with_anything_beside_it() -> None:
    """A reference stands for the statement it names: a reader never has to merge it with fields of its own."""
    validator = Draft202012Validator(report_schema())
    statement = {"kind": "category", "label": "Education occupations", "outcome": "holds",
                 "children": [{"ref": "in_pool", "label": "In the Express Entry pool"}]}
    document = {"format": 3, "rules": {}, "results": [{"profile": "p", "rulebook": "2025", "as_of": "2025-06-01",
                                                         "shared": {}, "facts": {},
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
    document = report_document([report], [])
    (result,) = document["results"]
    rules = document["rules"]["2025"]
    assert [expanded(statement, result, rules) for statement in explanations(result)] == trees(report)


def test_a_rule_is_written_once_however_many_statements_explain_it(rulebook_2025: ir.Rulebook) -> None:
    """meera under 2025: the conversion chart gives each of her two results' four levels, and every statement of it
    is a row of one table; its title, citations and line are in the document once, in `rules`."""
    document = report_document([report_of("meera-data-analyst-raw-scores.yaml", rulebook_2025)], [])
    title = "Language test results to CLB/NCLC levels, per test scale and ability"
    chart = document["rules"]["2025"]["table language_levels"]
    assert chart == {"kind": "row", "label": title, "cites": ["language_tests_page", "language_level_page"],
                     "source": chart["source"]}
    rows = [s for s in statements(document) if s.get("rule") == "table language_levels"]
    assert len(rows) == 8
    assert all(set(row) == {"detail", "rule", "source", "facts"} for row in rows)  # a row's own line stays
    assert json.dumps(document).count(title) == 1


def test_a_row_of_a_table_of_several_columns_names_its_column(rulebook_2025: ir.Rulebook) -> None:
    """The CRS age table has a column with a spouse and one without: its label in `rules` would fit neither, so the
    table is there without one and each row writes the label naming its column."""
    document = report_document([report_of("meera-data-analyst-raw-scores.yaml", rulebook_2025)], [])
    assert "label" not in document["rules"]["2025"]["table crs_age"]
    (age,) = [s for s in statements(document) if s.get("rule") == "table crs_age"]
    assert age["label"] == "CRS core: age (completed years) (with spouse)"


def test_the_schema_refuses_a_statement_that_names_neither_label_nor_rule() -> None:
    """Without a rule to take it from, a statement's label must be written."""
    validator = Draft202012Validator(report_schema())
    statement: dict[str, Any] = {"kind": "category", "outcome": "holds"}
    document = {"format": 3, "rules": {"2025": {}}, "results": [{
        "profile": "p", "rulebook": "2025", "as_of": "2025-06-01", "shared": {}, "facts": {},
        "categories": [{"id": "education", "verdict": "eligible", "explanation": statement}]}]}
    assert not validator.is_valid(document)
    statement["rule"] = "category education"
    assert validator.is_valid(document)


def test_profiles_of_one_rulebook_share_its_rules_table(rulebook_2025: ir.Rulebook) -> None:
    """Two profiles in one document: the rules both read are written once, and each result reads back as its tree."""
    reports = [report_of(p, rulebook_2025) for p in ("meera-data-analyst-raw-scores.yaml", "chen-civil-engineer.yaml")]
    document = report_document(reports, [])
    assert list(document["rules"]) == ["2025"]
    assert json.dumps(document).count('"A. Core / human capital factors"') == 2  # a section is not a definition
    assert json.dumps(document).count("Eligible for the Federal Skilled Worker Program") == 1
    rules = document["rules"]["2025"]
    for report, result in zip(reports, document["results"], strict=True):
        assert [expanded(statement, result, rules) for statement in explanations(result)] == trees(report)


def test_each_rulebook_has_its_own_rules_table() -> None:
    """The same name may mean other words in another year: a result reads the table of its own rulebook."""
    years = [Compiler().compile_year(year)[0] for year in ("2023", "2025")]
    reports = [report_of("meera-data-analyst-raw-scores.yaml", rulebook) for rulebook in years]
    document = report_document(reports, [])
    assert list(document["rules"]) == ["2023", "2025"]
    for report, result in zip(reports, document["results"], strict=True):
        rules = document["rules"][result["rulebook"]]
        assert [expanded(statement, result, rules) for statement in explanations(result)] == trees(report)


def test_a_fact_read_in_several_places_is_written_once(rulebook_2025: ir.Rulebook) -> None:
    """meera's IELTS result is read by every rule about it; its test is in the result's `facts` once."""
    document = report_document([report_of("meera-data-analyst-raw-scores.yaml", rulebook_2025)], [])
    (result,) = document["results"]
    assert result["facts"]["language_tests[0].test"] == {"value": "ielts_general"}
    readers = [s for s in statements(document) if "language_tests[0].test" in s.get("facts", ())]
    assert len(readers) > 1
    assert json.dumps(document).count('"ielts_general"') == 1


def statements(node: Any) -> list[dict[str, Any]]:
    """Every statement written in a document (references not followed)."""
    if isinstance(node, list):
        return [s for value in node for s in statements(value)]
    if not isinstance(node, dict):
        return []
    own = [node] if "children" in node or "detail" in node or "label" in node and "kind" in node else []
    return own + [s for value in node.values() for s in statements(value)]


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
    graph = GraphWriter(RulesTable())
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
