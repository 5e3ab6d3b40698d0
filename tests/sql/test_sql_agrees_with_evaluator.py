"""The SQL backend and the single-profile evaluator agree on every verdict and every reason code.

Hypothesis builds profiles around every edge the rules have: the ends of the 3-year window, 30 hours a week, six
calendar months (month ends included), 780 hours, NCLC 7, back-to-back and overlapping jobs in one occupation, and
facts left out (programs, hours, levels, whole lists). Hours are multiples of a quarter hour, as real hours are, so
both engines' sums are exact.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ir
from engine.lower.rulebook import Compiler
from engine.model.pool_columns import profile_from_row
from engine.model.quantities import add_months
from engine.pool.synth import rows, settings_for
from tests.sql.agreement import duckdb_verdicts, python_verdicts

AS_OF = date(2025, 6, 1)
WINDOW_FIRST = add_months(AS_OF, -36) + timedelta(days=1)
ANCHORS = (WINDOW_FIRST, AS_OF, add_months(AS_OF, -6), add_months(WINDOW_FIRST, 6), date(2024, 1, 31),
           date(2024, 2, 29), date(2023, 8, 31))
HOURS = (None, 0.0, 7.5, 15.0, 15.25, 29.75, 30.0, 30.25, 37.5, 40.0)
LEVELS = (None, 6, 7, 8, 10)
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")


def _codes(rulebook: ir.Rulebook) -> list[str]:
    """Two codes from each list, and one on no list."""
    picked = [code for table in rulebook.occupation_lists.values() for code in sorted(table.codes)[:2]]
    return [*picked, "99999"]


@st.composite
def _job(draw: st.DrawFn, codes: list[str]) -> dict[str, Any]:
    start = draw(st.sampled_from(ANCHORS)) + timedelta(days=draw(st.integers(-40, 40)))
    length = draw(st.one_of(st.sampled_from((0, 180, 181, 182, 183, 184, 363, 364, 365)), st.integers(0, 1300)))
    ongoing = draw(st.booleans())
    job: dict[str, Any] = {"noc": draw(st.sampled_from(codes)), "start": start.isoformat(),
                           "end": None if ongoing else (start + timedelta(days=length)).isoformat()}
    hours = draw(st.sampled_from(HOURS))
    if hours is not None:
        job["hours_per_week"] = hours
    return job


@st.composite
def _career(draw: st.DrawFn, codes: list[str]) -> list[dict[str, Any]]:
    """Jobs, some of them back to back in one occupation (the next starts the day after the last one ends)."""
    jobs = draw(st.lists(_job(codes), max_size=4))
    if jobs and jobs[-1]["end"] is not None and draw(st.booleans()):
        follow = dict(jobs[-1])
        follow["start"] = (date.fromisoformat(jobs[-1]["end"]) + timedelta(days=1)).isoformat()
        follow["end"] = None if draw(st.booleans()) else \
            (date.fromisoformat(follow["start"]) + timedelta(days=draw(st.integers(0, 400)))).isoformat()
        jobs.append(follow)
    return jobs


@st.composite
def _test(draw: st.DrawFn) -> dict[str, Any]:
    levels = {a: draw(st.sampled_from(LEVELS)) for a in ("listening", "reading", "writing", "speaking")}
    return {"test": draw(st.sampled_from(TESTS)), "levels": {a: v for a, v in levels.items() if v is not None}}


@st.composite
def _profile(draw: st.DrawFn, codes: list[str]) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": "p"}
    programs = draw(st.sampled_from((None, [], ["fsw"], ["cec", "fst"])))
    if programs is not None:
        profile["eligible_programs"] = programs
    if draw(st.integers(0, 9)) > 0:
        profile["language_tests"] = draw(st.lists(_test(), max_size=3))
    if draw(st.integers(0, 9)) > 0:
        profile["work_history"] = draw(_career(codes))
    if draw(st.booleans()):
        profile["crs"] = draw(st.sampled_from((300, 479, 480, 481, 500, 600)))
    if draw(st.booleans()):
        moment = draw(st.sampled_from(("2024-05-31T23:59:59Z", "2024-06-01T00:00:00Z", "2024-06-01T00:00:01Z")))
        profile["submitted_at"] = moment
    if draw(st.booleans()):
        profile["date_of_birth"] = draw(st.sampled_from(("1989-12-31", "1990-01-01", "1990-01-02")))
    return profile


def _pools(rulebook: ir.Rulebook) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(_profile(_codes(rulebook)), min_size=1, max_size=25)


def _agree(rulebook: ir.Rulebook, profiles: list[dict[str, Any]], as_of: date = AS_OF) -> None:
    expected = python_verdicts(rulebook, profiles, as_of)
    found = duckdb_verdicts(rulebook, profiles, as_of)
    for profile, want, got in zip(profiles, expected, found):
        assert got == want, profile


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_sql_verdicts_equal_evaluator_verdicts_around_every_edge(year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"given_programs_{year}")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_pools(rulebook))
    def check(profiles: list[dict[str, Any]]) -> None:
        _agree(rulebook, profiles)

    check()


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_sql_verdicts_equal_evaluator_verdicts_on_a_synthetic_pool(year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"given_programs_{year}")
    as_of = rulebook.in_force_until - timedelta(days=60)
    profiles = [profile_from_row(r) for r in rows(settings_for(1500, 11, as_of, [rulebook]))]
    _agree(rulebook, profiles, as_of)


def test_sql_and_evaluator_agree_on_which_scores_the_pending_high_wage_points_leave_a_lower_bound(
        rulebook_2026: ir.Rulebook) -> None:
    """After 2026-11-03 a computed CRS is `lower_bound` for a profile with work in Canada or a job offer, `computed`
    otherwise; a pool of raw facts (no stated CRS) has both kinds, and the two backends split it the same way."""
    as_of = date(2026, 11, 20)
    profiles = [profile_from_row(r) for r in rows(settings_for(800, 5, as_of, [rulebook_2026],
                                                               stated_conclusions=False))]
    expected = python_verdicts(rulebook_2026, profiles, as_of)
    assert {row["crs_source"] for row in expected} >= {"lower_bound", "computed"}
    _agree(rulebook_2026, profiles, as_of)


def test_a_profile_with_nothing_but_an_id_is_undetermined_in_both_engines(given_programs_2025: ir.Rulebook) -> None:
    expected = python_verdicts(given_programs_2025, [{"id": "bare"}], AS_OF)
    assert {expected[0][c.id] for c in given_programs_2025.categories} == {"undetermined"}
    assert (expected[0]["crs"], expected[0]["crs_source"], expected[0]["programs"]) == (None, None, None)
    assert duckdb_verdicts(given_programs_2025, [{"id": "bare"}], AS_OF) == expected


EVERY_NODE = """
occupations stem "Some STEM occupations" cite src {
  21231 "Software engineers and designers" teer 1
  21211 "Data scientists" teer 1
}
define strong_english "Speaking CLB 7 in every English result" cite src
  = all result in language_tests where result.test not in ["tef_canada", "tcf_canada"]:
      result.speaking >= clb 7
define recent(code: code) "Recent part-time hours" cite src
  = hours_worked(code, within 1 year before as_of) + 100 hours >= 500 hours
category negation "Not high scores, some work" cite src {
  eligible when not (crs >= 500 points) and count(work_history) + 1 >= 2
}
category fallback "A score, or else English" cite src {
  eligible when (crs >= 480 points otherwise false) or strong_english
}
category conditional "Early profiles of programs, or young" cite src {
  eligible when if "fsw" in eligible_programs then submitted_at <= 2024-06-01T00:00:00Z
                else date_of_birth >= 1990-01-01
}
category jobs "An ongoing listed job with recent hours" cite src {
  eligible when any job in work_history where job.noc in stem: job.end >= as_of and recent(job.noc)
}
category runs "Every listed occupation has a long run" cite src {
  eligible when all code in worked_in(stem): continuous_full_time(code, within 2 years before as_of) > 7 months
}
"""


def test_every_kind_of_rule_node_agrees(write_rules: Any) -> None:
    rulebook, _ = Compiler().compile_folder(write_rules(EVERY_NODE))
    codes = ["21231", "21211", "99999"]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_profile(codes), min_size=1, max_size=25))
    def check(profiles: list[dict[str, Any]]) -> None:
        _agree(rulebook, profiles)

    check()
