"""`rules whatif`: a profile with edits, evaluated against the original: which verdicts, programs and score change.

An edit is `PATH=VALUE`: PATH a profile path as explanations write it (`language_tests[0].levels.writing`) or a JSON
Pointer (`/language_tests/0/levels/writing`, `/language_tests/-` to add a result), VALUE a JSON value (`7`, `true`,
`"text"`, `{"level": "doctoral"}`) or else a text. The edits become one JSON Patch, applied with the same library as
the suggestions' patches; the edited profile is validated like any profile.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import ir
from engine.eval.verdicts import ProfileVerdicts, evaluate_verdicts
from engine.explain.standing import bound_note
from engine.model.facts import facts_from_profile
from engine.model.profile import Problem, validate
from engine.model.quantities import Points
from engine.whynot.edits import Patch, apply, set_value


class EditError(ValueError):
    """An edit that cannot be read or applied; the message names it."""


@dataclass(frozen=True, slots=True)
class Change:
    id: str
    name: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True, slots=True)
class WhatIf:
    profile: str
    rulebook: ir.Rulebook
    as_of: date
    as_of_note: str | None
    patch: Patch
    categories: tuple[Change, ...]
    programs: tuple[Change, ...]
    crs_before: int | None
    crs_after: int | None
    # The pending rules that leave each total a lower bound (points in force the rules do not encode).
    bounded_before: tuple[ir.Pending, ...] = ()
    bounded_after: tuple[ir.Pending, ...] = ()

    @property
    def bound_note(self) -> str | None:
        return bound_note(dict.fromkeys((*self.bounded_before, *self.bounded_after)))


def parse_edits(profile: Mapping[str, Any], edits: Sequence[str]) -> Patch:
    """The JSON Patch of `PATH=VALUE` edits, each against the profile as the edits before it left it."""
    patch: Patch = ()
    for edit in edits:
        path, equals, text = edit.partition("=")
        if not equals or not path.strip():
            raise EditError(f"{edit!r}: write PATH=VALUE, for example language_tests[0].levels.writing=7")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        path = path.strip()
        if path.endswith("/-"):
            patch += ({"op": "add", "path": path, "value": value},)
            continue
        dotted = _dotted(path) if path.startswith("/") else path
        try:
            patch += set_value(apply(profile, patch), dotted, value)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            raise EditError(f"{edit!r}: {error}") from None
    return patch


def _dotted(json_pointer: str) -> str:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in json_pointer.lstrip("/").split("/")]
    return "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts).lstrip(".")


def edited_profile(profile: Mapping[str, Any], patch: Patch) -> tuple[dict[str, Any] | None, tuple[Problem, ...]]:
    """The profile with the patch applied and validated, or the problems (JSON paths) of the edited profile."""
    import jsonpatch

    try:
        edited = apply(profile, patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
        return None, (Problem("$", f"the edits cannot be applied: {error}"),)
    checked = validate(edited, str(profile.get("id")))
    if checked.data is None:
        return None, checked.problems
    return dict(checked.data), ()


def what_if(rulebook: ir.Rulebook, profile: Mapping[str, Any], edited: Mapping[str, Any], patch: Patch, as_of: date,
            as_of_note: str | None = None) -> WhatIf:
    before = evaluate_verdicts(rulebook, facts_from_profile(profile), as_of)
    after = evaluate_verdicts(rulebook, facts_from_profile(edited), as_of)
    return WhatIf(str(profile["id"]), rulebook, as_of, as_of_note, patch,
                  _changes(before.categories, after.categories), _changes(before.programs, after.programs),
                  _total(before), _total(after), before.bounded_by, after.bounded_by)


def _changes(before: Iterable[tuple[ir.Category, Any]], after: Iterable[tuple[ir.Category, Any]]) -> tuple[Change,
                                                                                                        ...]:
    return tuple(Change(c.id, c.name, was.value, now.value) for (c, was), (_, now) in zip(before, after, strict=True))


def _total(verdicts: ProfileVerdicts) -> int | None:
    return verdicts.score_total.amount if isinstance(verdicts.score_total, Points) else None


# Views ---------------------------------------------------------------------------------------------------------------


def whatif_json(result: WhatIf) -> dict[str, Any]:
    return {
        "profile": result.profile, "rulebook": result.rulebook.year, "as_of": result.as_of.isoformat(),
        **({"as_of_note": result.as_of_note} if result.as_of_note else {}),
        "patch": list(result.patch),
        "categories": [_change_json(c) for c in result.categories],
        "programs": [_change_json(c) for c in result.programs],
        "crs": {"before": result.crs_before, "after": result.crs_after,
                "change": None if result.crs_before is None or result.crs_after is None
                else result.crs_after - result.crs_before,
                **({"before_lower_bound": True} if result.bounded_before else {}),
                **({"after_lower_bound": True} if result.bounded_after else {}),
                **({"note": result.bound_note} if result.bound_note else {})},
    }


def _change_json(change: Change) -> dict[str, Any]:
    return {"id": change.id, "before": change.before, "after": change.after, "changed": change.changed}


def whatif_text(results: Iterable[WhatIf]) -> str:
    blocks = []
    for result in results:
        lines = [f"What if · profile {result.profile} · rulebook {result.rulebook.year} · as of {result.as_of}"]
        if result.as_of_note:
            lines.append(f"  note: {result.as_of_note}")
        lines.append(f"  edits: {json.dumps(list(result.patch), ensure_ascii=False)}")
        for heading, changes in (("categories", result.categories), ("programs", result.programs)):
            if not changes:
                continue
            lines.append(f"  {heading}:")
            for change in changes:
                mark = "*" if change.changed else " "
                lines.append(f"   {mark} {change.id}: {_word(change.before)} → {_word(change.after)}")
        lines.append(f"  CRS: {_crs(result)}")
        moved = sum(c.changed for c in (*result.categories, *result.programs))
        lines.append(f"  {moved} verdict{'s' if moved != 1 else ''} changed")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def whatif_markdown(results: Iterable[WhatIf]) -> str:
    parts = []
    for result in results:
        parts.append(f"## What if: profile `{result.profile}`\n")
        parts.append(f"Rulebook **{result.rulebook.year}**, as of **{result.as_of}**.\n")
        if result.as_of_note:
            parts.append(f"> {result.as_of_note}\n")
        parts.append(f"Edits: `{json.dumps(list(result.patch), ensure_ascii=False)}`\n")
        parts.append("| | before | after | changed |\n|---|---|---|---|")
        for change in (*result.categories, *result.programs):
            parts.append(f"| {change.name} (`{change.id}`) | {_word(change.before)} | {_word(change.after)} | "
                         f"{'yes' if change.changed else ''} |")
        parts.append(f"\nCRS: **{_crs(result)}**.\n")
    return "\n".join(parts).rstrip() + "\n"


def _word(verdict: str) -> str:
    return verdict.replace("_", " ")


def _crs(result: WhatIf) -> str:
    def shown(total: int | None, bounded: bool) -> str:
        return "undetermined" if total is None else f"at least {total}" if bounded else str(total)

    text = f"{shown(result.crs_before, bool(result.bounded_before))} → " \
        f"{shown(result.crs_after, bool(result.bounded_after))}"
    if result.crs_before is not None and result.crs_after is not None:
        text += f" ({result.crs_after - result.crs_before:+d})"
    note = result.bound_note
    if note is not None:
        text += f"; {note}"
    return text
