"""The state an analysis shares: per rulebook, the footprints of its conditions; per profile, the oracle and facts.

Footprints depend on the rulebook only, so an `Analyser` finds each once and serves every profile (as the evaluators
build their closures once per rulebook).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from engine import ir
from engine.eval.verdicts import ProfileVerdicts
from engine.ir.reasons import conjuncts
from engine.model.facts import Facts, facts_from_profile
from engine.whynot.edits import Oracle, Patch
from engine.whynot.footprint import Footprint, footprint
from engine.whynot.model import Reason

# How far ahead time is projected: a suggestion that waits longer than this is not made.
HORIZON = timedelta(days=5 * 365 + 1)
# The first look ahead, in days; each next one is twice as far (the days looked at are the same for every question,
# so their evaluations are shared).
FIRST_STEP = 16


class Analyser:
    """One rulebook's footprints, found on first use."""

    def __init__(self, rulebook: ir.Rulebook, earlier: ir.Rulebook | None = None) -> None:
        self.rulebook = rulebook
        self.earlier = earlier
        self._footprints: dict[tuple[int, ...], Footprint] = {}
        self._score_footprints: dict[str, Footprint] = {}

    def footprint(self, *nodes: ir.Node) -> Footprint:
        key = tuple(id(node) for node in nodes)
        found = self._footprints.get(key)
        if found is None:
            found = self._footprints[key] = footprint(*nodes)
        return found

    def score_footprint(self, score: ir.Score) -> Footprint:
        found = self._score_footprints.get(score.id)
        if found is None:
            found = self._score_footprints[score.id] = footprint(*(s.value for s in score.sections))
        return found


class Session:
    """One profile under analysis: its data, facts, as-of date and oracle."""

    def __init__(self, analyser: Analyser, profile: Mapping[str, Any], as_of: date) -> None:
        self.analyser = analyser
        self.rulebook = analyser.rulebook
        self.profile = profile
        self.as_of = as_of
        self.facts: Facts = facts_from_profile(profile)
        self.oracle = Oracle(analyser.rulebook, profile, as_of)
        # When the rules compute the score, every evaluation computes it too, so that a day or an edit looked at for a
        # category serves the score's what-ifs as well; when the profile gives its score, categories alone are cheaper.
        self.with_score = bool(analyser.rulebook.scores) and profile.get("crs") is None

    def verdict(self, category: str, patch: Patch = (), day: date | None = None) -> str:
        """The category's verdict on the patched profile, on `day` (the as-of date)."""
        for found, verdict in self.oracle.verdicts(patch, day, self.with_score).categories:
            if found.id == category:
                return verdict.value
        raise KeyError(category)

    def first_day(self, holds: Any, start: date | None = None) -> date | None:
        """The first day after `start` (the as-of date) on which `holds(day)` is true, within the horizon: days
        16, 32, 64, ... ahead until it holds, then bisection between the last two, down to the day (exact when,
        between them, it turns true once and stays so: it holds on the day found and not on the day before)."""
        first = start or self.as_of
        horizon = HORIZON.days
        low, step = 0, FIRST_STEP
        while True:
            offset = min(step, horizon)
            if holds(first + timedelta(days=offset)):
                high = offset
                break
            if offset == horizon:
                return None
            low, step = offset, step * 2
        while high - low > 1:
            middle = (low + high) // 2
            if holds(first + timedelta(days=middle)):
                high = middle
            else:
                low = middle
        return first + timedelta(days=high)


def rule_reason(node: ir.Node, fallback: ir.Category, change: str | None = None) -> Reason:
    """A part of a condition as a reason: the rule it calls (description, place, citations), or the part itself."""
    if isinstance(node, ir.Not) and isinstance(node.operand, ir.RuleCall):
        node = node.operand
    if isinstance(node, ir.RuleCall):
        rule = node.rule
        return Reason(rule.name, rule.description or rule.name, rule.span.short, rule.cites, change)
    return Reason(fallback.id, f"a condition of {fallback.name}", node.span.short, fallback.cites, change)


def flipped_parts(category: ir.Category, before: ProfileVerdicts, after: ProfileVerdicts) -> tuple[Reason, ...]:
    """The parts of the category's condition that the change turns from not met to met: the rules that make it
    necessary."""
    reasons = []
    for _, part in conjuncts(category):
        was, now = before.value_of(part), after.value_of(part)
        if was is not True and now is True:
            reasons.append(rule_reason(part, category, f"{_state(was)} → met"))
    return tuple(reasons)


def failing_parts(category: ir.Category, verdicts: ProfileVerdicts) -> list[ir.Node]:
    return [part for _, part in conjuncts(category) if verdicts.value_of(part) is not True]


def _state(value: object) -> str:
    return "not met" if value is False else "undetermined"
