"""The shipped rulebooks, pool membership and the CRS computed from raw facts included, give the same verdicts, reason
codes, programs and CRS in SQL as in the evaluator.

Profiles that do not state their programs make the rules compute FSW, CEC and FST eligibility, and profiles that do
not state a CRS make them compute it with the version in force on the as-of date (2025-06-01 for 2025: the version
without job-offer points; the last day of the 2023 rulebook: the version with them). `tests/raw_profiles.py` draws
each fact around its edges, and leaves each out.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import ir
from tests.raw_profiles import AS_OF, raw_profile
from tests.sql.agreement import duckdb_verdicts, python_verdicts


@pytest.mark.parametrize("year", ["2023", "2025"])
def test_shipped_rulebook_verdicts_programs_and_crs_agree_when_computed_from_raw_facts(
        year: str, request: pytest.FixtureRequest) -> None:
    rulebook: ir.Rulebook = request.getfixturevalue(f"rulebook_{year}")
    as_of = min(AS_OF, rulebook.in_force_until or AS_OF)

    # Few examples of many profiles each: most of the time goes to planning the query, not to the profiles.
    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(raw_profile(), min_size=60, max_size=120))
    def check(profiles: list[dict[str, Any]]) -> None:
        expected = python_verdicts(rulebook, profiles, as_of)
        found = duckdb_verdicts(rulebook, profiles, as_of)
        for profile, want, got in zip(profiles, expected, found):
            assert got == want, profile

    check()
