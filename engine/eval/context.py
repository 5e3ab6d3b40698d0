"""One profile's evaluation state, shared by both evaluators: its facts, the as-of date, the step count and the
memoised results of rules and of the work-time arithmetic."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from engine import ir
from engine.eval.closures import ClosureBuilder
from engine.ir.kernel import EvaluationLimit
from engine.model.facts import MISSING, Facts, Item
from engine.model.quantities import Duration, Hours, LanguageLevel, Period, Points
from engine.model.work import OccupationTime, Stint, in_window

MAX_STEPS = 200_000


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDETERMINED = "undetermined"


def verdict_of(value: Any) -> Verdict:
    if value is MISSING:
        return Verdict.UNDETERMINED
    return Verdict.ELIGIBLE if value is True else Verdict.NOT_ELIGIBLE


class ProfileContext:
    """The state of one profile's evaluation: its facts, the as-of date, and memoised results. `builder` is the
    evaluator's closure builder for the rulebook (closures are built once per node and kept with the rulebook)."""

    __slots__ = ("builder", "facts", "as_of", "steps", "rule_memo", "value_memo", "time_memo", "jobs_by_code")

    def __init__(self, builder: ClosureBuilder[Any], facts: Facts, as_of: date) -> None:
        self.builder = builder
        self.facts = facts.values
        self.as_of = as_of
        self.steps = 0
        self.rule_memo: dict[tuple[Any, ...], Any] = {}  # traces of rules (the traced evaluator)
        self.value_memo: dict[Any, Any] = {}  # values of rules (the evaluator without a trace)
        self.time_memo: dict[tuple[str, Period], tuple[OccupationTime | None, tuple[tuple[str, Any], ...]]] = {}
        self.jobs_by_code: dict[str, list[Item]] | None = None

    def count_step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise EvaluationLimit(f"evaluation stopped after {MAX_STEPS:,} steps")

    # work history

    def jobs_in(self, code: str) -> list[Item]:
        if self.jobs_by_code is None:
            grouped: dict[str, list[Item]] = {}
            history = self.facts["work_history"]
            for job in history if history is not MISSING else ():
                grouped.setdefault(job.fields["noc"], []).append(job)
            self.jobs_by_code = grouped
        return self.jobs_by_code.get(code, [])

    def occupation_time(self, code: str, window: Period) -> tuple[OccupationTime | None, tuple[tuple[str, Any], ...]]:
        """One occupation's time inside a window (None when a job's start or hours are missing), with the facts read."""
        key = (code, window)
        if key not in self.time_memo:
            self.time_memo[key] = self._occupation_time(code, window)
        return self.time_memo[key]

    def _occupation_time(self, code: str, window: Period) -> tuple[OccupationTime | None,
                                                                    tuple[tuple[str, Any], ...]]:
        stints = []
        facts: list[tuple[str, Any]] = []
        complete = True
        for job in self.jobs_in(code):
            facts += job_facts(job)
            stint = stint_of(job, self.as_of)
            if stint is None:
                complete = False
            else:
                stints.append(stint)
        if self.facts["work_history"] is MISSING:
            return None, (("work_history", MISSING),)
        if not complete:
            return None, tuple(facts)
        return in_window(stints, window), tuple(facts)


PLAIN_KEYS = frozenset({str, int, bool, float, date, Duration, Hours, Points})  # values that key a memo as they are


def memo_key(value: Any) -> Any:
    if isinstance(value, LanguageLevel):
        return value.value, value.scale  # equal levels, but an explanation names the scale it was asked in
    return id(value) if isinstance(value, (ir.OccupationList, Item)) else value


def stint_of(job: Item, as_of: date) -> Stint | None:
    """A job's dates and weekly hours for the interval arithmetic (ongoing: up to the as-of date); None when its start
    or its hours are missing."""
    fields = job.fields
    if fields["start"] is MISSING or fields["hours_per_week"] is MISSING:
        return None
    end = fields["end"] if fields["end"] is not None else as_of
    return Stint(fields["start"], end, fields["hours_per_week"].amount)


def job_facts(job: Item) -> list[tuple[str, Any]]:
    """The facts of a job that the interval arithmetic reads, as an explanation shows them."""
    fields = job.fields
    return [(f"{job.path}.start", fields["start"]),
            (f"{job.path}.end", fields["end"] if fields["end"] is not None else "ongoing"),
            (f"{job.path}.hours_per_week", fields["hours_per_week"])]


__all__ = ["MAX_STEPS", "PLAIN_KEYS", "EvaluationLimit", "ProfileContext", "Verdict", "job_facts", "memo_key",
           "stint_of", "verdict_of"]
