"""Each construct of the language, evaluated: small rulebooks written for the test, realistic profiles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.eval.traced import Verdict, evaluate
from engine.lower.rulebook import Compiler
from engine.model.facts import facts_from_profile
from engine.model.profile import validate

AS_OF = date(2025, 6, 1)
NURSE = {"id": "nurse", "eligible_programs": ["cec"], "crs": 470,
         "language_tests": [{"test": "celpip_general", "date": "2025-01-10",
                             "levels": {"listening": 9, "reading": 8, "writing": 7, "speaking": 8}}],
         "work_history": [{"noc": "31301", "start": "2023-01-02", "end": "2024-12-31", "hours_per_week": 36}]}
LISTS = 'occupations nursing "Nursing" cite src {\n  31301 "Registered nurses" teer 1\n}\n'


@pytest.fixture
def verdict(write_rules: Callable[..., Path]) -> Callable[..., Verdict]:
    def run(condition: str, profile: dict[str, Any] | None = None, extra: str = "") -> Verdict:
        folder = write_rules(LISTS + extra + f'category c "C" cite src {{ eligible when {condition} }}\n')
        rulebook = Compiler().compile_folder(folder, "test")[0]
        checked = validate(profile or NURSE, "profile")
        assert checked.data is not None, checked.problems
        (result,) = evaluate(rulebook, facts_from_profile(checked.data), AS_OF)
        return result.verdict

    return run


ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = Verdict.ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.UNDETERMINED


@pytest.mark.parametrize(("condition", "expected"), [
    ("true", ELIGIBLE),
    ("false", NOT_ELIGIBLE),
    ("not false", ELIGIBLE),
    ("true and false", NOT_ELIGIBLE),
    ("false or true", ELIGIBLE),
    ("count(work_history) == 1", ELIGIBLE),
    ("count(language_tests) != 1", NOT_ELIGIBLE),
    ("crs >= 470 points", ELIGIBLE),
    ("crs > 470 points", NOT_ELIGIBLE),
    ("crs - 20 points == 450 points", ELIGIBLE),
    ("6 months + 1 years == 18 months", ELIGIBLE),
    ("2 weeks == 14 days", ELIGIBLE),
    ("as_of == 2025-06-01", ELIGIBLE),
    ("as_of < 2025-01-01", NOT_ELIGIBLE),
    ('"cec" in eligible_programs', ELIGIBLE),
    ('"fst" not in eligible_programs', ELIGIBLE),
    ('"31301" in nursing', ELIGIBLE),
    ('"21220" in nursing', NOT_ELIGIBLE),
    ("all t in language_tests: t.writing >= clb 7", ELIGIBLE),
    ("all t in language_tests: t.writing >= clb 8", NOT_ELIGIBLE),
    ("any j in work_history where j.noc in nursing: j.hours_per_week >= 30 hours", ELIGIBLE),
    ('any j in work_history where j.country == "Canada": true', UNDETERMINED),
    ("any code in worked_in(nursing): continuous_full_time(code, within 3 years before as_of) >= 23 months",
     ELIGIBLE),
    ("any code in worked_in(nursing): continuous_full_time(code, within 3 years before as_of) >= 25 months",
     NOT_ELIGIBLE),
    ("any code in worked_in(nursing): hours_worked(code, within 6 months before as_of) >= 780 hours", NOT_ELIGIBLE),
    ("all j in work_history: j.end < as_of", ELIGIBLE),
    ("if crs >= 500 points then false else true", ELIGIBLE),
    ("(date_of_birth < 2000-01-01) otherwise true", ELIGIBLE),
    ("date_of_birth < 2000-01-01", UNDETERMINED),
    ("(date_of_birth < 2000-01-01) or true", ELIGIBLE),
    ("(date_of_birth < 2000-01-01) and false", NOT_ELIGIBLE),
])
def test_construct(verdict: Callable[..., Verdict], condition: str, expected: Verdict) -> None:
    assert verdict(condition) is expected


def test_constants_and_parameterised_definitions(verdict: Callable[..., Verdict]) -> None:
    extra = ('constant least "Least" cite src = 12 months\n'
             'define worked(list: occupations, needed: duration) "Worked long enough" cite src =\n'
             '  any code in worked_in(list): continuous_full_time(code, within 3 years before as_of) >= needed\n')
    assert verdict("worked(nursing, least)", extra=extra) is ELIGIBLE
    assert verdict("worked(nursing, 3 years)", extra=extra) is NOT_ELIGIBLE


def test_an_ongoing_job_runs_up_to_the_as_of_date(verdict: Callable[..., Verdict]) -> None:
    profile = {**NURSE, "work_history": [{"noc": "31301", "start": "2025-05-01", "hours_per_week": 36}]}
    assert verdict("all j in work_history: j.end == as_of", profile) is ELIGIBLE
