"""A rulebook's closures and its remembered table lookups are built once and shared by every profile evaluated
against it; nothing one profile sets may show in another's verdicts, score or explanations."""

from __future__ import annotations

import json
from datetime import date

from engine import ir
from engine.eval.traced import ProfileEvaluation, evaluate_profile
from engine.explain.explanation import explain_results, explain_sections
from engine.lower.rulebook import Compiler
from engine.model.facts import Facts, facts_from_profile
from engine.model.profile import read_profiles
from engine.model.quantities import LanguageLevel
from tests.conftest import EXAMPLES, RULES

AS_OF = date(2025, 6, 1)


def every_example() -> list[Facts]:
    profiles = [p for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path)]
    return [facts_from_profile(p.data) for p in profiles if p.data is not None]


def rendered(evaluation: ProfileEvaluation, rulebook: ir.Rulebook) -> str:
    explained = [e.to_json() for e in explain_results([*evaluation.categories, *evaluation.programs], rulebook)]
    score = evaluation.score
    sections = [] if score is None else [s.to_json() for s in explain_sections(score.sections, rulebook)]
    total = None if score is None else str(score.total)
    return json.dumps({"explained": explained, "sections": sections, "total": total}, default=str, sort_keys=True)


def test_profiles_evaluated_one_after_another_read_as_each_one_alone() -> None:
    examples = every_example()
    assert len(examples) >= 10
    shared = Compiler().compile_year("2025", RULES)[0]
    in_turn = [rendered(evaluate_profile(shared, facts, AS_OF), shared) for facts in [*examples, *reversed(examples)]]
    for position, facts in enumerate(examples):
        alone = Compiler().compile_year("2025", RULES)[0]
        assert alone is not shared
        expected = rendered(evaluate_profile(alone, facts, AS_OF), alone)
        assert in_turn[position] == expected, facts.profile_id
        assert in_turn[-1 - position] == expected, facts.profile_id


def test_a_table_lookup_remembered_for_one_scale_finds_the_same_row_for_the_other(
        rulebook_2025: ir.Rulebook) -> None:
    table = rulebook_2025.tables["crs_first_language"]
    first = table.row_for((LanguageLevel(8, "clb"),))
    assert first is not None and first is table.row_for((LanguageLevel(8, "nclc"),))
    assert table.row_for((LanguageLevel(8, "clb"),)) is first
