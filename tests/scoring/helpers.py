"""Building realistic profiles and evaluating them: the shared vocabulary of the scoring tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import ir
from engine.eval.traced import ProfileEvaluation, evaluate_profile
from engine.model.facts import facts_from_profile
from engine.model.profile import validate
from engine.model.quantities import Points


def evaluation(rulebook: ir.Rulebook, as_of: date, **profile: Any) -> ProfileEvaluation:
    checked = validate({"id": "case", **profile}, "case")
    assert checked.data is not None, checked.problems
    return evaluate_profile(rulebook, facts_from_profile(checked.data), as_of)


def sections(result: ProfileEvaluation) -> dict[str, int]:
    assert result.score is not None
    return {s.section.id: s.trace.value.amount for s in result.score.sections}


def total(result: ProfileEvaluation) -> int:
    assert result.score is not None and isinstance(result.score.total, Points)
    return result.score.total.amount


def verdicts(result: ProfileEvaluation) -> dict[str, str]:
    return {p.category.id: p.verdict.value for p in result.programs}


def ielts(listening: float, reading: float, writing: float, speaking: float,
          taken: str = "2024-09-14") -> dict[str, Any]:
    return {"test": "ielts_general", "date": taken,
            "scores": {"listening": listening, "reading": reading, "writing": writing, "speaking": speaking}}


def levels(test: str, listening: int, reading: int, writing: int, speaking: int,
           taken: str = "2024-09-14") -> dict[str, Any]:
    return {"test": test, "date": taken,
            "levels": {"listening": listening, "reading": reading, "writing": writing, "speaking": speaking}}


def job(noc: str, country: str, start: str, end: str | None, hours: float = 40) -> dict[str, Any]:
    return {"noc": noc, "country": country, "start": start, "end": end, "hours_per_week": hours,
            "self_employed": False}


def single_candidate(**changes: Any) -> dict[str, Any]:
    """A 29-year-old single software developer: bachelor's, IELTS at CLB 9 in all abilities, 3 years abroad and
    2 years in Canada. Every test starts from here and changes one thing."""
    profile: dict[str, Any] = {
        "date_of_birth": "1996-01-15",
        "education": {"level": "bachelors_or_3yr", "canadian": False, "completed": True},
        "language_tests": [levels("ielts_general", 9, 9, 9, 9)],
        "work_history": [
            job("21232", "India", "2019-03-01", "2022-02-28"),
            job("21232", "Canada", "2023-05-01", None),
        ],
    }
    profile.update(changes)
    return profile
