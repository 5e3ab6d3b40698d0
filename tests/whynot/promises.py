"""Checking a suggestion's contract: applied, it delivers its promise; one step less does not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine import ir
from engine.eval.verdicts import evaluate_verdicts
from engine.model.facts import facts_from_profile
from engine.model.profile import validate
from engine.model.quantities import Points
from engine.whynot.edits import apply
from engine.whynot.model import Advice, Suggestion


def outcome(rulebook: ir.Rulebook, profile: Mapping[str, Any], suggestion: Suggestion,
            patch: Any = None, day: Any = None) -> Any:
    """What the suggestion promises, measured on the profile with the patch (or another), on its day (or another)."""
    edited = apply(profile, suggestion.patch if patch is None else patch)
    checked = validate(edited, "edited")
    assert checked.problems == (), checked.problems
    verdicts = evaluate_verdicts(rulebook, facts_from_profile(edited), day or suggestion.holds_from)
    if suggestion.category is not None:
        return dict((c.id, v.value) for c, v in verdicts.categories)[suggestion.category]
    total = verdicts.score_total
    return total.amount if isinstance(total, Points) else None


def promised(suggestion: Suggestion) -> Any:
    return suggestion.verdict if suggestion.category is not None else suggestion.crs


def one_step_less(suggestion: Suggestion) -> list[tuple[Any, Any]]:
    """(patch, day) pairs that each take one step back from the suggestion: a level one less, a score just below the
    boundary, an hour fewer, a day earlier. Each must fail to deliver the promise."""
    if suggestion.kind == "time":
        return [((), suggestion.holds_from - timedelta(days=1))]
    lesser = []
    for index, operation in enumerate(suggestion.patch):
        value = operation.get("value")
        path = operation["path"]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and ("/levels/" in path or "/scores/" in path
                                                                              or path.endswith("hours_per_week")):
            if "/levels/" in path and value <= 1 or value <= 0:
                continue
            step = 1 if float(value).is_integer() else 0.5
            changed = {**operation, "value": value - step}
            lesser.append((suggestion.patch[:index] + (changed,) + suggestion.patch[index + 1:], None))
        elif isinstance(value, dict) and isinstance(value.get("levels"), dict):
            for name, level in value["levels"].items():
                if level > 1:
                    element = {**value, "levels": {**value["levels"], name: level - 1}}
                    lesser.append((suggestion.patch[:index] + ({**operation, "value": element},)
                                   + suggestion.patch[index + 1:], None))
    return lesser


def check_advice(rulebook: ir.Rulebook, profile: Mapping[str, Any], advice: Advice) -> int:
    """Every suggestion of the analysis delivers its promise, and (for categories, where a level or a day is the
    least that works) one step less does not. Returns how many suggestions were checked."""
    checked = 0
    suggestions = [s for c in advice.categories for s in c.suggestions]
    for suggestion in suggestions + list(advice.score.suggestions if advice.score else ()):
        assert outcome(rulebook, profile, suggestion) == promised(suggestion), suggestion
        checked += 1
    for suggestion in suggestions:
        if suggestion.kind == "missing" and suggestion.verdict != "eligible":
            continue
        for patch, day in one_step_less(suggestion):
            assert outcome(rulebook, profile, suggestion, patch, day) != promised(suggestion), (suggestion, patch, day)
    for suggestion in advice.score.suggestions if advice.score else ():
        if suggestion.kind == "time":
            before = outcome(rulebook, profile, suggestion, (), suggestion.holds_from - timedelta(days=1))
            assert before is not None and before < (suggestion.crs or 0), suggestion
    return checked
