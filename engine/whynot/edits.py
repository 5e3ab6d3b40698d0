"""Edits of a profile as RFC 6902 JSON Patch operations, and the evaluator as the oracle that judges them.

A suggestion is a patch of the profile as the candidate wrote it (YAML or JSON, read into plain data): applying it
with any JSON Patch implementation and evaluating again gives what the suggestion promises. Paths in explanations
(`language_tests[0].levels.writing`) and JSON Pointers (`/language_tests/0/levels/writing`) name the same places.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import jsonpatch

from engine import ir
from engine.eval.verdicts import ProfileVerdicts, evaluate_score, evaluate_verdicts
from engine.model.facts import FIELD_PATHS, MISSING, Item, facts_from_profile

Operation = dict[str, Any]
Patch = tuple[Operation, ...]

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def pointer(path: str) -> str:
    """`spouse.language_tests[1].scores.writing` as a JSON Pointer: `/spouse/language_tests/1/scores/writing`."""
    parts = [name if name else index for name, index in _STEP.findall(path)]
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def field_path(item_path: str, name: str) -> str:
    """Where the field `name` of an element lives in the profile (`writing` of a test result is `levels.writing`)."""
    return f"{item_path}.{FIELD_PATHS.get(name, name)}"


def value_at(profile: Any, path: str) -> Any:
    """The value at a profile path, or MISSING when any step of it is absent."""
    current = profile
    for name, index in _STEP.findall(path):
        if name:
            if not isinstance(current, Mapping) or current.get(name) is None:
                return MISSING
            current = current[name]
        else:
            if not isinstance(current, list) or int(index) >= len(current):
                return MISSING
            current = current[int(index)]
    return current


def set_value(profile: Any, path: str, value: Any) -> Patch:
    """The operations that put `value` at `path`: `replace` when something is there, `add` otherwise (creating the
    mappings on the way, as `levels` of a result that gives only scores)."""
    steps = _STEP.findall(path)
    current = profile
    made = ""
    for position, (name, index) in enumerate(steps):
        step = "/" + (name or index)
        last = position == len(steps) - 1
        exists = (isinstance(current, Mapping) and name in current and current[name] is not None) or (
            isinstance(current, list) and not name and int(index) < len(current))
        if last:
            return ({"op": "replace" if exists else "add", "path": made + step, "value": value},)
        if not exists:
            nested: Any = value
            for later_name, _ in reversed(steps[position + 1:]):
                nested = {later_name: nested}
            return ({"op": "replace" if isinstance(current, Mapping) and name in current else "add",
                     "path": made + step, "value": nested},)
        current = current[name] if name else current[int(index)]
        made += step
    raise ValueError(f"empty path: {path!r}")


def apply(profile: Mapping[str, Any], patch: Sequence[Operation]) -> dict[str, Any]:
    """The profile with the patch applied (the profile itself is left as it was). The library applies it to a copy
    made here: a profile is plain JSON data, which copies several times faster than `copy.deepcopy` copies it (the
    library's own copy), and an analysis applies hundreds of patches."""
    if not patch:
        return dict(profile)
    patched: dict[str, Any] = jsonpatch.JsonPatch(list(patch)).apply(_json_copy(profile), in_place=True)
    return patched


def _json_copy(value: Any) -> Any:
    """A copy of JSON data (mappings, lists and scalars), sharing only the scalars, which are immutable."""
    if isinstance(value, Mapping):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_copy(item) for item in value]
    return value


def item_at(values: Mapping[str, Any], path: str) -> Item | None:
    """The element of the facts at an item path (`spouse.language_tests[1]`), or None."""
    current: Any = values
    for name, index in _STEP.findall(path):
        if isinstance(current, Item):
            current = current.fields
        if name:
            current = current.get(name, MISSING) if isinstance(current, Mapping) else MISSING
        else:
            current = current[int(index)] if isinstance(current, tuple) and int(index) < len(current) else MISSING
        if current is MISSING:
            return None
    return current if isinstance(current, Item) else None


def fact_at(values: Mapping[str, Any], path: str) -> Any:
    """The fact at a dotted path of records (`spouse.education.canadian`), or MISSING."""
    current: Any = values
    for name in path.split("."):
        if isinstance(current, Item):
            current = current.fields
        current = current.get(name, MISSING) if isinstance(current, Mapping) else MISSING
    return current


def items_at(values: Mapping[str, Any], origin: str) -> tuple[Item, ...]:
    """The elements of the list at an origin (`spouse.language_tests[]`) in the facts, in order."""
    current: Any = values
    for name in origin.removesuffix("[]").split("."):
        if isinstance(current, Item):
            current = current.fields
        current = current.get(name, MISSING) if isinstance(current, Mapping) else MISSING
        if current is MISSING:
            return ()
    return tuple(current) if isinstance(current, tuple) else ()


class Oracle:
    """Evaluates a profile with a patch on a day, remembering every answer (a search asks the same twice)."""

    def __init__(self, rulebook: ir.Rulebook, profile: Mapping[str, Any], as_of: date) -> None:
        self.rulebook = rulebook
        self.profile = profile
        self.as_of = as_of
        self.asked = 0
        self._answers: dict[tuple[str, date, bool], ProfileVerdicts] = {}
        self._scores: dict[tuple[str, date], ProfileVerdicts] = {}

    def verdicts(self, patch: Patch = (), day: date | None = None, score: bool = False) -> ProfileVerdicts:
        """Verdicts (and, with `score`, programs and the score) of the patched profile on `day` (the as-of date)."""
        when = day or self.as_of
        key = json.dumps(patch, sort_keys=True)
        for full in (True, False) if not score else (True,):
            found = self._answers.get((key, when, full))
            if found is not None:
                return found
        self.asked += 1
        facts = facts_from_profile(apply(self.profile, patch))
        answer = evaluate_verdicts(self.rulebook, facts, when, with_programs_and_score=score)
        self._answers[(key, when, score)] = answer
        return answer

    def scored(self, patch: Patch = (), day: date | None = None) -> ProfileVerdicts:
        """The score of the patched profile on `day` (the as-of date), and `value_of` for the nodes it reads: a full
        answer already found serves, else the score alone is evaluated (a score what-if needs no category)."""
        when = day or self.as_of
        key = json.dumps(patch, sort_keys=True)
        found = self._answers.get((key, when, True)) or self._scores.get((key, when))
        if found is None:
            self.asked += 1
            facts = facts_from_profile(apply(self.profile, patch))
            found = self._scores[(key, when)] = evaluate_score(self.rulebook, facts, when)
        return found

    def total(self, patch: Patch = (), day: date | None = None) -> int | None:
        answer = self.scored(patch, day)
        if answer.score_given or answer.score_total is MISSING:
            return None
        return int(answer.score_total.amount)
