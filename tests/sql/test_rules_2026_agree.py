"""The 2026 rules in SQL give the evaluator's verdicts and reason codes: the 12-month rule counted in hours per
occupation, work in Canada only for physicians, researchers and senior managers (hours over the jobs of one
occupation in Canada: `hours_in` compiled per occupation), and the skilled military recruits' facts.

Profiles are drawn around the edges: 52 weeks of full time, a day less, part time, stints in Canada and abroad in one
occupation, a job without its country or hours, and military facts given, partly given or left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ir
from engine.cases.runner import case_files, load_cases
from engine.sql.compile import compile_rulebook
from tests.conftest import RULES
from tests.sql.agreement import duckdb_verdicts, python_verdicts

AS_OF = date(2026, 9, 3)
# Physicians (also healthcare), researchers, senior managers, a healthcare code, a code on no list.
CODES = ("31102", "31100", "41200", "00012", "31301", "64100")
COUNTRIES = ("Canada", "Canada", "France", None)
HOURS = (None, 7.0, 15.0, 30.0, 40.0)
LENGTHS = (181, 363, 364, 365, 729, 1200)


@st.composite
def _job(draw: st.DrawFn) -> dict[str, Any]:
    end = AS_OF - timedelta(days=draw(st.sampled_from((0, 0, 30, 400, 900))))
    start = end - timedelta(days=draw(st.sampled_from(LENGTHS)) - 1)
    job: dict[str, Any] = {"noc": draw(st.sampled_from(CODES)), "start": start.isoformat(),
                           "end": None if end == AS_OF and draw(st.booleans()) else end.isoformat()}
    country = draw(st.sampled_from(COUNTRIES))
    if country is not None:
        job["country"] = country
    hours = draw(st.sampled_from(HOURS))
    if hours is not None:
        job["hours_per_week"] = hours
    return job


@st.composite
def _military(draw: st.DrawFn) -> dict[str, Any]:
    military: dict[str, Any] = {}
    if draw(st.integers(0, 4)) > 0:
        military["serving"] = draw(st.booleans())
    if draw(st.integers(0, 4)) > 0:
        military["continuous_service_years"] = draw(st.sampled_from((9, 10, 15)))
    if draw(st.booleans()):
        offer: dict[str, Any] = {"noc": draw(st.sampled_from(("40042", "42102", "43204", "40041")))}
        for name, values in (("years", (2, 3, 4)), ("full_time", (True, False)), ("in_canada", (True, False))):
            if draw(st.integers(0, 4)) > 0:
                offer[name] = draw(st.sampled_from(values))
        military["caf_offer"] = offer
    return military


@st.composite
def _profile(draw: st.DrawFn) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": "p", "eligible_programs": draw(st.sampled_from((["cec"], ["fsw"], []))),
                               "crs": 450}
    if draw(st.integers(0, 9)) > 0:
        profile["work_history"] = draw(st.lists(_job(), max_size=4))
    if draw(st.booleans()):
        profile["military"] = draw(_military())
    if draw(st.integers(0, 3)) > 0:
        profile["education"] = {"level": draw(st.sampled_from(("one_year_post_secondary", "two_year_post_secondary",
                                                               "doctoral")))}
    return profile


def test_the_2026_rules_compile_to_sql_whole(rulebook_2026: ir.Rulebook) -> None:
    compiled = compile_rulebook(rulebook_2026, AS_OF)
    assert "hours_code_" in "\n".join(compiled.views)  # hours in Canada, per occupation
    assert compiled.categories[-1] == "skilled_military_recruits"


def test_the_2026_rule_cases_agree(rulebook_2026: ir.Rulebook) -> None:
    """The profiles of the rule cases, each case's edge placed at 2026-10-01 or earlier: evaluated on that day (one
    compilation), and on their own days the `rules test` cases check the evaluator."""
    profiles: list[dict[str, Any]] = []
    for file in case_files(RULES / "2026"):
        for case in load_cases(file):
            assert case.profile is not None and case.profile.data is not None
            profiles.append(dict(case.profile.data))
    assert len(profiles) >= 30
    day = date(2026, 10, 1)
    expected = python_verdicts(rulebook_2026, profiles, day)
    assert {row["physicians"] for row in expected} == {"eligible", "not_eligible", "undetermined"}
    found = duckdb_verdicts(rulebook_2026, profiles, day)
    for profile, want, got in zip(profiles, expected, found):
        assert got == want, profile


def test_the_2026_rules_agree_around_their_edges(rulebook_2026: ir.Rulebook) -> None:
    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(_profile(), min_size=30, max_size=60))
    def check(profiles: list[dict[str, Any]]) -> None:
        expected = python_verdicts(rulebook_2026, profiles, AS_OF)
        found = duckdb_verdicts(rulebook_2026, profiles, AS_OF)
        for profile, want, got in zip(profiles, expected, found):
            assert got == want, profile

    check()
