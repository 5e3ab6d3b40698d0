"""Wording a reader meets: a category's rule in `rules show` and `rules diff`, the label of a conversion chart, the
status of a category whose citations alone changed, and counts written as everywhere else (1,234)."""

from __future__ import annotations

import json
import re
from datetime import date

from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.diff.impact import GAINS, LOSES, MOVES, CategoryImpact, PoolImpact
from engine.diff.report import to_markdown, to_text
from engine.diff.rulebook_diff import compare
from engine.eval.traced import evaluate_profile
from engine.explain.explanation import explain_results
from engine.model.facts import facts_from_profile
from engine.model.profile import validate


def run(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_lists_the_parts_of_a_rule_instead_of_running_sentences_together() -> None:
    for year in ("2023", "2025"):
        text = run("show", "--year", year)
        assert not re.search(r"; and [A-Z]", text), year
        assert ("  Rule: all of these:\n    - In the Express Entry pool: eligible for at least one of the Federal "
                "Skilled Worker Program") in text
    rules = {c["id"]: c["rule"] for c in json.loads(run("show", "--year", "2025", "--format", "json"))["categories"]}
    assert rules["french"].startswith("all of these: (1) In the Express Entry pool: ")
    assert "; (2) A TEF Canada or TCF Canada result at NCLC 7 or higher" in rules["french"]


def test_an_ielts_lookup_is_not_labelled_as_a_tef_chart(rulebook_2025: ir.Rulebook) -> None:
    checked = validate({"id": "ielts", "eligible_programs": ["fsw"], "language_tests": [
        {"test": "ielts_general", "date": "2025-01-10", "scores": {"listening": 8, "reading": 7, "writing": 7,
                                                                   "speaking": 7}}]}, "ielts")
    assert checked.data is not None
    evaluation = evaluate_profile(rulebook_2025, facts_from_profile(checked.data), date(2025, 6, 1))
    texts = [f"{node.label} {node.detail}" for explanation in explain_results(evaluation.programs, rulebook_2025)
             for node in explanation.walk()]
    lookups = [text for text in texts if "ielts_general; listening" in text]
    assert lookups and all("TEF" not in text for text in lookups)
    assert any("conversion chart = ielts_general" in text for text in lookups)


def test_a_category_whose_citations_alone_changed_says_so(rulebook_2023: ir.Rulebook,
                                                          rulebook_2025: ir.Rulebook) -> None:
    text = to_text(compare(rulebook_2023, rulebook_2025), color=False)
    assert "Categories whose citations changed (1)\n  = french: French-language proficiency" in text
    assert "Categories unchanged" not in text
    assert "1 citations changed, 0 unchanged" in text


def test_an_added_category_shows_its_rule_beside_its_occupations(rulebook_2023: ir.Rulebook,
                                                                 rulebook_2025: ir.Rulebook) -> None:
    change = compare(rulebook_2023, rulebook_2025)
    text = to_text(change, color=False)
    added = text[text.index("  + education: Education occupations"):text.index("Categories removed")]
    assert "      rule: all of these:\n        - In the Express Entry pool" in added
    assert "(the list: Education occupations, 2025)" in added
    removed = text[text.index("  - transport: Transport occupations"):]
    assert "      rule: all of these:" in removed.split("occupations (10)")[0]
    education = next(c for c in change.to_json()["categories"] if c["id"] == "education")
    assert education["new"]["rule"][1].startswith("At least 6 months of continuous full-time work")
    assert "#### Rule\n\nAll of these:\n\n- In the Express Entry pool" in to_markdown(change)


def test_pool_counts_have_thousands_separators(rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> None:
    counts = dict.fromkeys(MOVES, 0) | {GAINS: 12_345, LOSES: 1_001}
    category = CategoryImpact("stem", "STEM", "kept", 20_000, 31_344, counts,
                              dict.fromkeys(MOVES, ()) | {GAINS: ("a",), LOSES: ("b",)}, {})
    impact = PoolImpact(date(2025, 6, 1), 100_000, (), (category,))
    text = to_text(compare(rulebook_2023, rulebook_2025), impact, color=False)
    assert "Impact on the pool: 100,000 of 100,000 profile(s) evaluated" in text
    assert "stem: STEM  eligible 20,000 → 31,344" in text
    assert "12,345 profiles gain eligibility: a ..." in text and "1,001 profiles lose eligibility: b ..." in text
    markdown = to_markdown(compare(rulebook_2023, rulebook_2025), impact)
    assert "100,000 of 100,000 profile(s) evaluated" in markdown
    assert "| STEM (`stem`) | 20,000 | 31,344 | 12,345 | 1,001 | 0 | 0 |" in markdown
