"""Profiles evaluated against rulebooks into reports: the one path that `rules eval` and the web API's
`POST /v1/eval` share, so that the command and the API cannot come to say different things.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import ir
from engine.eval.traced import EvaluationLimit, evaluate_profile
from engine.explain.as_of import AsOf, choose_as_of
from engine.explain.report import ProfileReport, build_report
from engine.model.facts import MISSING, facts_from_profile
from engine.model.profile import Problem, ProfileInput


class OutOfTime(Exception):
    """The time allowed for one call ran out; `evaluated` profile-rulebook pairs were done before it did."""

    def __init__(self, evaluated: int) -> None:
        super().__init__(f"stopped after {evaluated} evaluation(s)")
        self.evaluated = evaluated


@dataclass(frozen=True, slots=True)
class Evaluated:
    """The reports of the valid profiles (each profile against each rulebook, in that order) and the inputs that got
    none: those invalid from the start, then those that hit the evaluator's step limit. `pairs` says, report by
    report, which profile (its data) and rulebook it is of and on what day (what a further analysis of each needs)."""

    reports: list[ProfileReport]
    rejected: list[ProfileInput]
    pairs: list[tuple[Mapping[str, Any], ir.Rulebook, AsOf]]


def evaluate_inputs(inputs: Sequence[ProfileInput], rulebooks: Sequence[ir.Rulebook], given: date | None,
                    detail: str, deadline: float | None = None) -> Evaluated:
    """Every valid input against every rulebook, with explanations at `detail` (`full`, `summary` or `brief`).

    `deadline` is a `time.monotonic()` instant: when it has passed after an evaluation, `OutOfTime` is raised. One
    evaluation cannot be cut short, but the evaluator's step limit bounds it.
    """
    reports = []
    pairs = []
    rejected: list[ProfileInput] = [p for p in inputs if p.data is None]
    evaluated = 0
    for profile in inputs:
        if profile.data is None:
            continue
        facts = facts_from_profile(profile.data)
        stated = facts.values["eligible_programs"]
        for rulebook in rulebooks:
            when = choose_as_of(rulebook, given)
            try:
                evaluation = evaluate_profile(rulebook, facts, when.day)
            except EvaluationLimit as limit:
                rejected.append(ProfileInput(profile.origin, None, (Problem("$", str(limit)),)))
            else:
                reports.append(build_report(facts.profile_id, rulebook, when.day, when.note, evaluation.categories,
                                            detail, evaluation.programs, evaluation.score,
                                            given_programs=None if stated is MISSING else tuple(stated)))
                pairs.append((profile.data, rulebook, when))
            evaluated += 1
            if deadline is not None and time.monotonic() > deadline:
                raise OutOfTime(evaluated)
    return Evaluated(reports, rejected, pairs)
