"""Language levels converted from raw scores: the shipped language rules (a table lookup per test scale and ability,
TEF Canada's chart chosen by test date, a result counting for 2 years after its date) give the same verdicts in SQL
as in the evaluator.

The rulebook is the 2025 category rules for pools that state their programs, with the shipped French rule (which
reads `result_counts` and `all_abilities_at_least` from rules/common/language.rules). Scores are drawn from the
edges of every charted range (each end, half a point either side), so a range's ends, the gaps between ranges and
scores off the chart are all tried.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ir
from engine.lower.rulebook import Compiler
from tests.conftest import GIVEN_PROGRAMS, ROOT
from tests.sql.agreement import duckdb_verdicts, python_verdicts

AS_OF = date(2025, 6, 1)
ABILITIES = ("listening", "reading", "writing", "speaking")
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")
TEST_DATES = (AS_OF - timedelta(days=730), AS_OF - timedelta(days=731), AS_OF - timedelta(days=732),
              date(2023, 12, 10), date(2023, 12, 11), date(2019, 9, 30), date(2019, 10, 1), AS_OF)
SHIPPED_FRENCH = """
define french_proficiency
  "A TEF Canada or TCF Canada result at NCLC 7 or higher in all four abilities, counting on the as-of date"
  cite cbs_page
  = any result in language_tests where result.test in french_tests:
      result_counts(result) and all_abilities_at_least(result, minimum_french_level)
"""


@pytest.fixture(scope="module")
def shipped_language_rulebook(tmp_path_factory: pytest.TempPathFactory) -> ir.Rulebook:
    """given-programs/2025 with the shipped language rules imported and its French rule replaced by the shipped one."""
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(ROOT / "rules" / "common", root / "common")
    folder = root / "2025"
    shutil.copytree(GIVEN_PROGRAMS / "2025", folder)
    rulebook = folder / "rulebook.rules"
    rulebook.write_text(rulebook.read_text(encoding="utf-8").replace(
        'import "../common/sources.rules"', 'import "../common/sources.rules"\nimport "../common/language.rules"'),
        encoding="utf-8")
    eligibility = folder / "eligibility.rules"
    text = eligibility.read_text(encoding="utf-8")
    text = text[:text.index("define french_proficiency")] + SHIPPED_FRENCH.lstrip()
    eligibility.write_text(text, encoding="utf-8")
    return Compiler().compile_folder(folder)[0]


def _edge_scores(rulebook: ir.Rulebook) -> list[float]:
    """Every charted range's ends, and half a point either side."""
    table = next(t for t in rulebook.tables.values() if t.name == "language_levels")
    edges: set[float] = set()
    for row in table.rows:
        cell = row.keys[-1]
        for end in (cell.low, cell.high):
            if end is not None:
                edges.update({end.amount - 0.5, end.amount, end.amount + 0.5})
    return sorted(edges)


@st.composite
def _result(draw: st.DrawFn, scores: list[float]) -> dict[str, Any]:
    result: dict[str, Any] = {"test": draw(st.sampled_from(TESTS))}
    if draw(st.integers(0, 9)) > 0:
        result["date"] = draw(st.sampled_from(TEST_DATES)).isoformat()
    levels = {a: draw(st.sampled_from((6, 7, 8))) for a in ABILITIES if draw(st.integers(0, 3)) == 0}
    given_scores = {a: draw(st.sampled_from(scores)) for a in ABILITIES if draw(st.integers(0, 9)) > 0}
    if levels:
        result["levels"] = levels
    if given_scores:
        result["scores"] = given_scores
    return result


@st.composite
def _profile(draw: st.DrawFn, scores: list[float]) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": "p", "eligible_programs": draw(st.sampled_from(([], ["fsw"])))}
    if draw(st.integers(0, 9)) > 0:
        profile["language_tests"] = draw(st.lists(_result(scores), max_size=3))
    return profile


def test_levels_converted_from_scores_agree(shipped_language_rulebook: ir.Rulebook) -> None:
    scores = _edge_scores(shipped_language_rulebook)

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_profile(scores), min_size=1, max_size=25))
    def check(profiles: list[dict[str, Any]]) -> None:
        expected = python_verdicts(shipped_language_rulebook, profiles, AS_OF)
        assert duckdb_verdicts(shipped_language_rulebook, profiles, AS_OF) == expected

    check()


def test_a_tef_result_of_december_2023_is_read_on_the_chart_of_its_date(
        shipped_language_rulebook: ir.Rulebook) -> None:
    """The same TEF Canada scores are NCLC 7 on one chart and not on the other: both engines pick the chart by date."""
    scores = {"listening": 440, "reading": 440, "writing": 440, "speaking": 460}
    profiles = [{"id": day, "eligible_programs": ["fsw"],
                 "language_tests": [{"test": "tef_canada", "date": day, "scores": scores}]}
                for day in ("2023-12-10", "2023-12-11")]
    expected = python_verdicts(shipped_language_rulebook, profiles, AS_OF)
    assert duckdb_verdicts(shipped_language_rulebook, profiles, AS_OF) == expected
    assert [row["french"] for row in expected] == ["not_eligible", "eligible"]
