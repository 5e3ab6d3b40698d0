"""Durations in months and durations in days are never compared with each other, and everything else about them is
exact, at its edges, in every backend.

A month has 28 to 31 days, so "a run of 2 months 1 day is at least 183 days" depends on which months: the checker
refuses such comparisons (E307) rather than answer months-first. Within one measure, comparisons, periods and date
moves are exact, and the evaluator with a trace, the evaluator without one and the SQL backend (DuckDB) give the same
verdict on each side of every boundary. A sum of the two measures (`3 years + 1 day`) is a period's length or a date's
move, folded into one value that every backend reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from dsl.diagnostics import RuleErrors
from engine import ir
from engine.eval.verdicts import evaluate_verdicts
from engine.lower.rulebook import Compiler
from engine.model.facts import facts_from_profile
from engine.model.quantities import Duration, add_months
from tests.sql.agreement import duckdb_verdicts, python_verdicts

AS_OF = date(2025, 6, 1)
UNITS = ("days", "weeks", "months", "years")
MEASURE = {"days": "days", "weeks": "days", "months": "months", "years": "months"}
CODE = '\noccupations listed "Listed" cite src { 21231 "Software engineers and designers" teer 1 }\n'


def compile_rules(write_rules: Callable[..., Path], text: str) -> ir.Rulebook:
    return Compiler().compile_folder(write_rules(CODE + text))[0]


def refusal(write_rules: Callable[..., Path], text: str) -> list[str]:
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(write_rules(CODE + text))
    return [d.code for d in caught.value.diagnostics]


def verdicts_everywhere(rulebook: ir.Rulebook, profiles: list[dict[str, Any]]) -> list[str]:
    """The verdict of category `c` for each profile, after checking that all three backends give it."""
    traced = [row["c"] for row in python_verdicts(rulebook, profiles, AS_OF)]
    plain = [str(next(verdict for category, verdict in
                      evaluate_verdicts(rulebook, facts_from_profile(p), AS_OF).categories if category.id == "c"))
             for p in profiles]
    sql = [row["c"] for row in duckdb_verdicts(rulebook, profiles, AS_OF)]
    assert traced == plain == sql
    return traced


def worker(first_day: date, hours: float = 40) -> dict[str, Any]:
    return {"id": f"from {first_day}", "eligible_programs": ["cec"], "date_of_birth": "1990-01-01",
            "work_history": [{"noc": "21231", "start": first_day.isoformat(), "end": AS_OF.isoformat(),
                              "hours_per_week": hours}]}


def born(day: date) -> dict[str, Any]:
    return {"id": f"born {day}", "eligible_programs": ["cec"], "date_of_birth": day.isoformat()}


# One length written in each unit of its measure: 14 days are 2 weeks, 12 months are 1 year.
SAME_LENGTH = {"days": "14 days", "weeks": "2 weeks", "months": "12 months", "years": "1 year"}


@pytest.mark.parametrize(("left", "right"), list(product(UNITS, UNITS)))
def test_every_pair_of_units_compares_exactly_within_a_measure_and_is_refused_across(
        write_rules: Callable[..., Path], left: str, right: str) -> None:
    """Equal lengths in every pair of units, on each side of equality: exact in one measure, in every backend;
    refused (E307) when one is in months or years and the other in days or weeks."""
    same, other = SAME_LENGTH[left], SAME_LENGTH[right]
    if MEASURE[left] != MEASURE[right]:
        other = {"days": "365 days", "weeks": "52 weeks", "months": "12 months", "years": "1 year"}[right]
    rules = (f'category c "C" cite src {{ eligible when {same} >= {other} }}\n'
             f'category above "C" cite src {{ eligible when {same} > {other} }}\n'
             f'category equal "C" cite src {{ eligible when {same} == {other} }}\n')
    if MEASURE[left] != MEASURE[right]:
        assert set(refusal(write_rules, rules)) == {"E307"}
        return
    rulebook = compile_rules(write_rules, rules)
    profile = [born(date(1990, 1, 1))]
    wanted = {"c": "eligible", "above": "not_eligible", "equal": "eligible"}
    traced, sql = python_verdicts(rulebook, profile, AS_OF)[0], duckdb_verdicts(rulebook, profile, AS_OF)[0]
    assert {k: traced[k] for k in wanted} == {k: sql[k] for k in wanted} == wanted


@pytest.mark.parametrize("threshold", ["6 months", "1 year", "18 months", "2 years"])
def test_a_run_of_work_reaches_a_duration_in_months_exactly_on_its_last_day(
        write_rules: Callable[..., Path], threshold: str) -> None:
    amount, unit = threshold.split()
    months = int(amount) * (12 if unit.startswith("year") else 1)
    rulebook = compile_rules(write_rules, f"""
constant needed "n" cite src = {threshold}
category c "C" cite src {{
  eligible when any code in worked_in(listed): continuous_full_time(code, within 3 years before as_of) >= needed
}}
""")
    exactly = add_months(AS_OF + timedelta(days=1), -months)  # the run from here up to the as-of date is `threshold`
    runs = [worker(exactly), worker(exactly + timedelta(days=1)), worker(add_months(exactly, 1) - timedelta(days=1))]
    assert verdicts_everywhere(rulebook, runs) == ["eligible", "not_eligible", "not_eligible"]


@pytest.mark.parametrize("threshold", ["183 days", "26 weeks", "6 months + 1 day", "3 years + 1 day"])
def test_a_run_of_work_against_days_or_a_sum_of_months_and_days_is_refused_with_the_reason(
        write_rules: Callable[..., Path], threshold: str) -> None:
    """The defect: `continuous_full_time(...) >= 183 days` held for a run of 2 months 1 day, months first."""
    folder = write_rules(CODE + f"""
category c "C" cite src {{
  eligible when any code in worked_in(listed): continuous_full_time(code, within 3 years before as_of) >= {threshold}
}}
""")
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(folder)
    (diagnostic,) = [d for d in caught.value.diagnostics if d.is_error]
    assert diagnostic.code == "E307"
    assert "28 to 31 days" in diagnostic.message
    assert diagnostic.suggestion is not None


@pytest.mark.parametrize(("length", "first_day"), [
    ("10 days", AS_OF - timedelta(days=9)),
    ("2 weeks", AS_OF - timedelta(days=13)),
    ("6 months", date(2024, 12, 2)),
    ("3 years", date(2022, 6, 2)),
    ("3 years + 1 day", date(2022, 6, 1)),
    ("1 year - 1 day", date(2024, 6, 3)),
])
def test_a_period_of_each_unit_starts_on_its_first_day_in_every_backend(
        write_rules: Callable[..., Path], length: str, first_day: date) -> None:
    rulebook = compile_rules(write_rules, f"""
constant period_length "p" cite src = {length}
constant one_hour "h" cite src = 1 hours
category c "C" cite src {{
  eligible when any code in worked_in(listed): hours_worked(code, within period_length before as_of) >= one_hour
}}
""")
    inside = {**worker(first_day), "work_history": [{"noc": "21231", "start": "2020-01-01",
                                                     "end": first_day.isoformat(), "hours_per_week": 40}]}
    outside = {**worker(first_day), "work_history": [{"noc": "21231", "start": "2020-01-01",
                                                      "end": (first_day - timedelta(days=1)).isoformat(),
                                                      "hours_per_week": 40}]}
    assert verdicts_everywhere(rulebook, [inside, outside]) == ["eligible", "not_eligible"]


def test_a_period_written_as_a_sum_inside_a_rule_is_folded_for_every_backend(write_rules: Callable[..., Path]) -> None:
    """The SQL backend refused `within (3 years + 1 day) before as_of` ("a period must have a fixed length"): the sum
    is now one value, so the closed window of the law (the same date 3 years before, up to the as-of date) is written
    for pools too."""
    rulebook = compile_rules(write_rules, """
constant one_hour "h" cite src = 1 hours
category c "C" cite src {
  eligible when any code in worked_in(listed): hours_worked(code, within (3 years + 1 day) before as_of) >= one_hour
}
""")
    on_the_day = {**worker(AS_OF), "work_history": [{"noc": "21231", "start": "2020-01-01", "end": "2022-06-01",
                                                     "hours_per_week": 40}]}
    before = {**on_the_day, "work_history": [{**on_the_day["work_history"][0], "end": "2022-05-31"}]}
    assert verdicts_everywhere(rulebook, [on_the_day, before]) == ["eligible", "not_eligible"]


@pytest.mark.parametrize(("move", "boundary"), [
    ("10 days", AS_OF - timedelta(days=10)),
    ("2 weeks", AS_OF - timedelta(days=14)),
    ("18 years", date(2007, 6, 1)),
    ("6 months", date(2024, 12, 1)),
    ("18 years + 1 day", date(2007, 5, 31)),
])
def test_a_date_moves_by_each_unit_exactly_in_every_backend(
        write_rules: Callable[..., Path], move: str, boundary: date) -> None:
    rulebook = compile_rules(write_rules, f"""
constant moved_by "m" cite src = {move}
category c "C" cite src {{ eligible when date_of_birth <= as_of - moved_by }}
""")
    assert verdicts_everywhere(rulebook, [born(boundary), born(boundary + timedelta(days=1))]) == \
        ["eligible", "not_eligible"]


def test_a_constant_sum_of_months_and_days_evaluates_where_it_crashed(write_rules: Callable[..., Path]) -> None:
    """`constant w = 3 years + 1 day` passed `rules check` and gave AttributeError in `rules eval`."""
    rulebook = compile_rules(write_rules, """
constant w "The window" cite src = 3 years + 1 day
constant one_hour "h" cite src = 1 hours
category c "C" cite src {
  eligible when any code in worked_in(listed): hours_worked(code, within w before as_of) >= one_hour
}
""")
    assert rulebook.constants["w"].value == Duration(36, 1)
    assert rulebook.constants["w"].text == "3 years + 1 day"
    assert verdicts_everywhere(rulebook, [worker(date(2022, 6, 1))]) == ["eligible"]


def test_days_compare_with_days_and_total_over_nothing_is_zero_days(write_rules: Callable[..., Path]) -> None:
    rulebook = compile_rules(write_rules, """
constant grace "g" cite src = 2 weeks
category c "C" cite src { eligible when (total job in work_history: 7 days) >= grace }
""")
    two_jobs = {**worker(date(2024, 1, 1)), "work_history": [worker(date(2024, 1, 1))["work_history"][0]] * 2}
    none = {**worker(date(2024, 1, 1)), "work_history": []}
    assert verdicts_everywhere(rulebook, [two_jobs, none]) == ["eligible", "not_eligible"]
