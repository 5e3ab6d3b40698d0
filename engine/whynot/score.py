"""Score what-ifs: the single changes that raise the score in force most, each with the points gained and the total.

The changes tried are read off the score's footprint, not written per factor: one more level in each ability of
each result the score reads (by raw score when the result gives scores), a result of each test not taken, at the
language levels the score compares against, each higher choice of a credential the score reads, each credential fact
and claim within reach, and time (ongoing jobs go on: the first day the total rises). Each is evaluated; those that
gain are ranked by points gained.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from typing import Any

from dsl import types as t
from engine import ir
from engine.eval.verdicts import ProfileVerdicts
from engine.explain.standing import bound_note
from engine.ir.visitor import walk
from engine.model.facts import MISSING
from engine.model.quantities import Points
from engine.whynot.categories import article, element_patch, list_record, ongoing_jobs
from engine.whynot.context import Session
from engine.whynot.edits import Patch, fact_at, items_at, set_value, value_at
from engine.whynot.footprint import Footprint
from engine.whynot.levels import HIGHEST_LEVEL, TEST_NAMES, abilities_of, describe_raise, raise_patch
from engine.whynot.model import Reason, ScoreAdvice, Suggestion
from engine.whynot.reach import CLAIMS_WITHIN_REACH, STUDY_WITHIN_REACH, fact_label

_KIND_ORDER = {"level": 0, "new_result": 1, "credential": 2, "claim": 3, "time": 4}


def advise_score(session: Session, baseline: ProfileVerdicts, limit: int | None = None) -> ScoreAdvice | None:
    rulebook = session.rulebook
    if not rulebook.scores:
        return None
    score = rulebook.score_on(session.as_of)
    if baseline.score_given:
        total = baseline.score_total.amount if isinstance(baseline.score_total, Points) else None
        return ScoreAdvice("given", total, (), "the profile gives its score, so the rules do not compute it: the "
                                               "what-ifs need the facts it is computed from")
    if score is None:
        return ScoreAdvice(None, None, (), f"no score version is in force on {session.as_of}")
    if baseline.score_total is MISSING:
        return ScoreAdvice(score.id, None, (), "the score is undetermined: the profile lacks facts it needs")
    base = int(baseline.score_total.amount)
    footprint = session.analyser.score_footprint(score)
    factors = _factors(score)
    found: list[Suggestion] = []
    for kind, summary, patch, day in _changes(session, footprint, base):
        total = session.oracle.total(patch, day)
        if total is None or total <= base:
            continue
        after = session.oracle.scored(patch, day)
        found.append(Suggestion(kind, summary, patch, day or session.as_of, crs=total, gain=total - base,
                                because=_changed(factors, baseline, after)))
    found = _best_per_change(found)
    found.sort(key=lambda s: (-(s.gain or 0), _KIND_ORDER.get(s.kind, 9), s.summary))
    note = bound_note(baseline.bounded_by)
    if note is not None:
        note = f"a lower bound: {note}; the what-ifs leave those points out too"
    return ScoreAdvice(score.id, base, tuple(found[:limit] if limit else found), note, bool(baseline.bounded_by))


def _changes(session: Session, footprint: Footprint, base: int) -> Iterator[tuple[str, str, Patch, date | None]]:
    yield from _one_more_level(session, footprint)
    yield from _new_results(session, footprint)
    yield from _credentials(session, footprint)
    for claim in (*CLAIMS_WITHIN_REACH, *STUDY_WITHIN_REACH):
        if claim in footprint.reads and fact_at(session.facts.values, claim) is False:
            kind = "claim" if claim in CLAIMS_WITHIN_REACH else "credential"
            yield kind, f"obtain {fact_label(claim)}", set_value(session.profile, claim, True), None
    day = session.first_day(lambda when: (session.oracle.total((), when) or 0) > base)
    if day is not None:
        jobs = ongoing_jobs(session)
        summary = (f"keep working {' and '.join(jobs)}: on {day}" if jobs else f"with nothing else changed: on {day}")
        yield "time", summary, (), day


def _one_more_level(session: Session, footprint: Footprint) -> Iterator[tuple[str, str, Patch, date | None]]:
    for origin in footprint.origins():
        for item in items_at(session.facts.values, origin):
            for ability in abilities_of(session.rulebook, session.facts, session.as_of, footprint, origin, item):
                if ability.level >= HIGHEST_LEVEL:
                    continue
                raised = {ability: ability.level + 1}
                patch = raise_patch(session.profile, raised)
                if patch is not None:
                    yield "level", describe_raise(raised), patch, None


def _new_results(session: Session, footprint: Footprint) -> Iterator[tuple[str, str, Patch, date | None]]:
    levels = sorted(level for level in footprint.levels if level <= HIGHEST_LEVEL)
    for origin in footprint.origins():
        shape = list_record(footprint, origin)
        if shape is None:
            continue
        record, choice, level_fields = shape
        kind = record.field_type(choice)
        assert isinstance(kind, t.Choice)
        held = {item.fields.get(choice) for item in items_at(session.facts.values, origin)}
        owner = "a spouse's " if origin.startswith("spouse.") else None

        patch_of = functools.partial(element_patch, session, footprint, origin, shape)

        # Tests that give the same total at the highest level are one change (English tests among themselves); the
        # first of each (in the profile model's order) is tried at the lower levels.
        groups: dict[int | None, list[str]] = {}
        for member in (m for m in kind.members if m not in held):
            patch = patch_of(member, dict.fromkeys(level_fields, levels[-1])) if levels else None
            if patch is not None:
                groups.setdefault(session.oracle.total(patch), []).append(member)
        for members in groups.values():
            names = " or ".join(TEST_NAMES.get(m, m) for m in members)
            for level in levels:
                patch = patch_of(members[0], dict.fromkeys(level_fields, level))
                assert patch is not None
                summary = f"{owner or article(names)}{names} result at level {level} in {', '.join(level_fields)}"
                yield "new_result", summary, patch, None


def _credentials(session: Session, footprint: Footprint) -> Iterator[tuple[str, str, Patch, date | None]]:
    """Each higher choice (in the order the profile model lists them) of a credential field the score reads, in a
    record the profile has (a spouse's credential only for a spouse it has)."""
    for path, kind in footprint.reads.items():
        if "[]" in path or "." not in path or not isinstance(kind, t.Choice):
            continue
        owner = path.rsplit(".", 2)[0] if path.count(".") >= 2 else None
        if owner is not None and not isinstance(value_at(session.profile, owner), dict):
            continue
        current = value_at(session.profile, path)
        members = list(kind.members)
        higher = members[members.index(current) + 1:] if current in members else members
        for member in higher:
            who = "the spouse's " if path.startswith("spouse.") else ""
            yield "credential", f"{who}{path.rsplit('.', 1)[-1].replace('_', ' ')}: {member}", \
                set_value(session.profile, path, member), None


def _best_per_change(found: list[Suggestion]) -> list[Suggestion]:
    """Of the same change at several levels or choices, keep each that gains more than every lesser one: the first
    level of a new test that gains, and the levels beyond it that gain more."""
    kept: list[Suggestion] = []
    best: dict[str, int] = {}
    for suggestion in found:
        family = _family(suggestion)
        if family is None:
            kept.append(suggestion)
            continue
        if suggestion.gain is not None and suggestion.gain > best.get(family, 0):
            best[family] = suggestion.gain
            kept.append(suggestion)
    return kept


def _family(suggestion: Suggestion) -> str | None:
    if suggestion.kind == "new_result":
        return suggestion.summary.split(" result at ")[0]
    if suggestion.kind == "credential" and ": " in suggestion.summary:
        return suggestion.summary.split(": ")[0]
    return None


def _factors(score: ir.Score) -> list[tuple[ir.Section, ir.RuleCall]]:
    """The named factors of each section: the rules it calls directly (without arguments)."""
    found = []
    for section in score.sections:
        for node in walk(section.value):
            if isinstance(node, ir.RuleCall) and not node.arguments:
                found.append((section, node))
    return found


def _changed(factors: list[tuple[ir.Section, ir.RuleCall]], before: ProfileVerdicts,
             after: ProfileVerdicts) -> tuple[Reason, ...]:
    reasons = []
    for _, call in factors:
        was, now = _points(before.value_of(call)), _points(after.value_of(call))
        if was != now:
            rule = call.rule
            reasons.append(Reason(rule.name, rule.description or rule.name, rule.span.short, rule.cites,
                                  f"{was} → {now} points"))
    return tuple(reasons)


def _points(value: Any) -> Any:
    return value.amount if isinstance(value, Points) else value
