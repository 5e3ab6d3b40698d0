"""Why a category is not met, and the smallest changes that would meet it.

For each category not eligible or undetermined, the kinds of change are tried that the category's footprint makes
relevant, and each is made minimal with the evaluator as the oracle:
- levels: a result the candidate has, with abilities raised to the lowest level that works (by raw score when the
  result gives scores);
- a new result: a test not taken, at the lowest level in all abilities that works;
- time: the profile as it is (ongoing jobs go on), on the first day the verdict turns eligible;
- missing facts, for an undetermined verdict: which facts to give and which value of each decides it;
- claims within reach (a nomination, a certificate of qualification).
When none works, the parts of the condition that fail are named with what keeps them failing.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from dsl import types as t
from engine import ir
from engine.eval.verdicts import ProfileVerdicts
from engine.model.facts import DERIVED_FIELDS, GIVEN_CONCLUSIONS, MISSING, Item
from engine.model.quantities import Score
from engine.whynot.context import Session, failing_parts, flipped_parts, rule_reason
from engine.whynot.edits import Patch, field_path, items_at, set_value, value_at
from engine.whynot.footprint import AS_OF, Footprint
from engine.whynot.levels import (
    HIGHEST_LEVEL,
    TEST_NAMES,
    abilities_of,
    describe_raise,
    least,
    lookup_keys,
    minimal_raise,
    number,
    raise_patch,
)
from engine.whynot.model import CategoryAdvice, Reason, Suggestion
from engine.whynot.reach import CLAIMS_WITHIN_REACH, FIXED_FACTS, fact_label

ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"
_MAX_HOURS = 168  # the profile schema's largest week
_JOINT_TRIALS = 16  # combinations of missing facts tried together, at most


def advise_categories(session: Session, baseline: ProfileVerdicts, only: str | None = None) -> tuple[CategoryAdvice,
                                                                                                     ...]:
    advice = []
    for category, verdict in baseline.categories:
        if (only is not None and category.id != only) or (only is None and verdict.value == ELIGIBLE):
            continue
        advice.append(_advise(session, baseline, category, verdict.value))
    return tuple(advice)


def _advise(session: Session, baseline: ProfileVerdicts, category: ir.Category, verdict: str) -> CategoryAdvice:
    if verdict == ELIGIBLE:
        return CategoryAdvice(category.id, category.name, verdict, (), (), category.third_party, category.confidence)
    # Only a change to what the failing parts read can meet them: the others hold already.
    footprint = session.analyser.footprint(*failing_parts(category, baseline))
    suggestions: list[Suggestion] = []
    if verdict == UNDETERMINED:
        suggestions += _missing(session, baseline, category, footprint)
    levels = list(_levels(session, baseline, category, footprint))
    suggestions += levels or list(_new_results(session, baseline, category, footprint))
    suggestions += _claims(session, baseline, category, footprint)
    suggestions += _time(session, baseline, category, footprint)
    if not any(s.verdict == ELIGIBLE for s in suggestions):
        suggestions += _combined(session, baseline, category)
    blockers: tuple[Reason, ...] = ()
    if not any(s.verdict == ELIGIBLE for s in suggestions):
        blockers = _blockers(session, baseline, category)
    return CategoryAdvice(category.id, category.name, verdict, tuple(suggestions), blockers, category.third_party,
                          category.confidence)


def _eligible(session: Session, category: ir.Category) -> Callable[[Patch], bool]:
    return lambda patch: session.verdict(category.id, patch) == ELIGIBLE


def _goal(session: Session, category: ir.Category, part: ir.Node | None) -> Callable[..., bool]:
    """What a change must achieve: the category eligible, or (when several parts fail) one part of it met."""
    if part is None:
        return lambda patch, day=None: session.verdict(category.id, patch, day) == ELIGIBLE
    return lambda patch, day=None: session.oracle.verdicts(patch, day, session.with_score).value_of(part) is True


def _combined(session: Session, baseline: ProfileVerdicts, category: ir.Category) -> Iterator[Suggestion]:
    """When several parts of the condition fail and no single change meets them all: the least change that meets
    each part alone, made together (on the latest of their days), when that makes the category eligible."""
    parts = failing_parts(category, baseline)
    if len(parts) < 2:
        return
    chosen: list[Suggestion] = []
    for part in parts:
        footprint = session.analyser.footprint(part)
        found = next(itertools.chain(_levels(session, baseline, category, footprint, part),
                                     _new_results(session, baseline, category, footprint, part),
                                     _claims(session, baseline, category, footprint, part),
                                     _time(session, baseline, category, footprint, part)), None)
        if found is None:
            return
        chosen.append(found)
    paths = [operation["path"] for s in chosen for operation in s.patch]
    if len(paths) != len(set(paths)):
        return
    patch = tuple(operation for s in chosen for operation in s.patch)
    day = max(s.holds_from for s in chosen)
    if session.verdict(category.id, patch, day) == ELIGIBLE:
        notes = [s.note for s in chosen if s.note]
        yield _made(session, baseline, category, "combined", "; and ".join(s.summary for s in chosen), patch, day,
                    note="; ".join(notes) or None)


def _made(session: Session, baseline: ProfileVerdicts, category: ir.Category, kind: str, summary: str,
          patch: Patch, day: date | None = None, verdict: str = ELIGIBLE, note: str | None = None) -> Suggestion:
    when = day or session.as_of
    after = session.oracle.verdicts(patch, when)
    reasons = flipped_parts(category, baseline, after) if verdict == ELIGIBLE else ()
    return Suggestion(kind, summary, patch, when, category.id, verdict, because=reasons, note=note)


# Levels of results the candidate has -----------------------------------------------------------------------------


def _levels(session: Session, baseline: ProfileVerdicts, category: ir.Category, footprint: Footprint,
            part: ir.Node | None = None) -> Iterator[Suggestion]:
    targets = sorted({*footprint.levels, HIGHEST_LEVEL})
    good = _goal(session, category, part)
    for origin in footprint.origins():
        for item in items_at(session.facts.values, origin):
            abilities = abilities_of(session.rulebook, session.facts, session.as_of, footprint, origin, item)
            if not abilities:
                continue
            raised = minimal_raise(session.profile, abilities, targets, good)
            if raised:
                patch = raise_patch(session.profile, raised)
                assert patch is not None
                yield _made(session, baseline, category, "level", describe_raise(raised), patch)


# A result of a test not taken ------------------------------------------------------------------------------------


def new_element(record: t.Record, footprint: Footprint, origin: str, choice: str, member: str,
                levels: dict[str, int], day: date) -> dict[str, Any]:
    """A new element of the list at `origin`: the choice field, the date fields on `day`, and the levels, laid out
    as the profile writes them (`levels.writing`)."""
    from engine.model.facts import FIELD_PATHS

    element: dict[str, Any] = {choice: member}
    read = footprint.fields_of(origin)
    for name, kind in record.fields:
        if kind == t.DATE and name in read:
            element[name] = day.isoformat()
    for name, level in levels.items():
        target = element
        *parents, last = FIELD_PATHS.get(name, name).split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = level
    return element


def list_record(footprint: Footprint, origin: str) -> tuple[t.Record, str, tuple[str, ...]] | None:
    """The record type of the list's elements, its choice field and its level fields read, when it has both."""
    kind = footprint.reads.get(origin.removesuffix("[]"))
    if not isinstance(kind, t.ListOf) or not isinstance(kind.element, t.Record):
        return None
    read = footprint.fields_of(origin)
    choices = [name for name, field_kind in kind.element.fields if isinstance(field_kind, t.Choice) and name in read]
    levels = tuple(name for name, field_kind in kind.element.fields if field_kind == t.LEVEL and name in read)
    if not choices or not levels:
        return None
    return kind.element, choices[0], levels


def element_patch(session: Session, footprint: Footprint, origin: str, shape: tuple[t.Record, str, tuple[str, ...]],
                  member: str, levels: dict[str, int]) -> Patch | None:
    """The patch that adds a result of `member` (a test) at these levels to the list at `origin`."""
    record, choice, _ = shape
    return append_patch(session.profile, origin, new_element(record, footprint, origin, choice, member, levels,
                                                             session.as_of))


def append_patch(profile: Any, origin: str, element: dict[str, Any]) -> Patch | None:
    """Add an element at the end of the list at `origin` (creating the list); None when its owner is absent (a
    spouse's result is added only to a spouse the profile has)."""
    path = origin.removesuffix("[]")
    if "." in path and not isinstance(value_at(profile, path.rsplit(".", 1)[0]), dict):
        return None
    existing = value_at(profile, path)
    if isinstance(existing, list):
        from engine.whynot.edits import pointer

        return ({"op": "add", "path": pointer(path) + "/-", "value": element},)
    return set_value(profile, path, [element])


def _new_results(session: Session, baseline: ProfileVerdicts, category: ir.Category, footprint: Footprint,
                 part: ir.Node | None = None) -> Iterator[Suggestion]:
    good = _goal(session, category, part)
    targets = sorted({*footprint.levels, HIGHEST_LEVEL})
    for origin in footprint.origins():
        shape = list_record(footprint, origin)
        if shape is None:
            continue
        record, choice, level_fields = shape
        kind = record.field_type(choice)
        assert isinstance(kind, t.Choice)
        held = {item.fields.get(choice) for item in items_at(session.facts.values, origin)}
        patch_of = functools.partial(element_patch, session, footprint, origin, shape)

        # A test that does not work at the highest level does not work at any; of those that do, the first (in the
        # profile model's order) is searched down to its least levels, and the others are tried at those levels.
        top = dict.fromkeys(level_fields, targets[-1])
        working = [m for m in kind.members if m not in held and (p := patch_of(m, top)) is not None and good(p)]
        while working:
            member = working[0]
            levels = _lowest_levels(level_fields, targets, functools.partial(patch_of, member), good)
            assert levels is not None
            same = [m for m in working if m == member or ((p := patch_of(m, levels)) is not None and good(p))]
            working = [m for m in working if m not in same]
            patch = patch_of(member, levels)
            assert patch is not None
            names = " or ".join(TEST_NAMES.get(m, m) for m in same)
            owner = "a spouse's " if origin.startswith("spouse.") else None
            summary = f"{owner or article(names)}{names} result, taken by {session.as_of}, at " + _levels_text(levels)
            note = (f"the patch adds a {TEST_NAMES.get(member, member)} result; "
                    + ", ".join(TEST_NAMES.get(m, m) for m in same[1:]) + " does the same") if same[1:] else None
            yield _made(session, baseline, category, "new_result", summary, patch, note=note)


def article(name: str) -> str:
    return "an " if name[:1] in "AEIOU" else "a "


def _levels_text(levels: dict[str, int]) -> str:
    values = set(levels.values())
    if len(values) == 1:
        return f"level {values.pop()} in {', '.join(levels)}"
    return ", ".join(f"{name} {level}" for name, level in levels.items())


def _lowest_levels(fields: tuple[str, ...], targets: list[int], patch_of: Callable[[dict[str, int]], Patch | None],
                   good: Callable[[Patch], bool]) -> dict[str, int] | None:
    """The lowest level in every field that works, each then lowered alone to the least that still works."""
    def works(levels: dict[str, int]) -> bool:
        patch = patch_of(levels)
        return patch is not None and good(patch)

    low = 0
    for target in targets:
        if works(dict.fromkeys(fields, target)):
            high = target
            break
        low = target
    else:
        return None
    def uniform(level: int) -> bool:
        return works(dict.fromkeys(fields, level))

    levels = dict.fromkeys(fields, least(uniform, low, high))
    for name in fields:
        def alone(level: int, name: str = name, levels: dict[str, int] = levels) -> bool:
            return works({**levels, name: level})

        levels[name] = least(alone, 0, levels[name])
    return levels


# Claims within reach -----------------------------------------------------------------------------------------------


def _claims(session: Session, baseline: ProfileVerdicts, category: ir.Category, footprint: Footprint,
            part: ir.Node | None = None) -> Iterator[Suggestion]:
    good = _goal(session, category, part)
    for claim in CLAIMS_WITHIN_REACH:
        if claim in footprint.reads and value_at(session.profile, claim) is not True:
            patch = set_value(session.profile, claim, True)
            if good(patch):
                yield _made(session, baseline, category, "claim", f"obtain {fact_label(claim)}", patch)


# Time -----------------------------------------------------------------------------------------------------------------


def _time(session: Session, baseline: ProfileVerdicts, category: ir.Category, footprint: Footprint,
          part: ir.Node | None = None) -> Iterator[Suggestion]:
    if not footprint.reads_time:
        return
    good = _goal(session, category, part)
    day = session.first_day(lambda when: good((), when))
    if day is None:
        return
    ongoing = ongoing_jobs(session) if "work_history[].start" in footprint.reads else []
    if ongoing:
        summary = f"keep working {' and '.join(ongoing)} and you meet it on {day}"
    else:
        summary = f"with nothing else changed, you meet it on {day}"
    note = None
    if day > session.rulebook.in_force_until:
        note = (f"after this rulebook's in-force period ({session.rulebook.period_text()}): it holds if the rules "
                f"stay as they are")
    yield _made(session, baseline, category, "time", summary, (), day, note=note)


def ongoing_jobs(session: Session) -> list[str]:
    """The jobs that go on past the as-of date, as `as a Registered nurse (31301) at 35 hours a week`."""
    jobs = []
    for item in items_at(session.facts.values, "work_history[]"):
        fields = item.fields
        end, hours = fields.get("end"), fields.get("hours_per_week")
        if (end is None or (isinstance(end, date) and end > session.as_of)) and hours is not MISSING:
            title = fields.get("title")
            who = f"as {title} ({fields['noc']})" if isinstance(title, str) else f"in {fields['noc']}"
            jobs.append(f"{who} at {number(hours.amount) if hours is not None else '?'} hours a week")
    return jobs


# Missing facts ---------------------------------------------------------------------------------------------------


def _missing(session: Session, baseline: ProfileVerdicts, category: ir.Category,
             footprint: Footprint) -> list[Suggestion]:
    """Each missing fact the category reads: the values that decide the verdict when it alone is given; when no single
    fact decides eligibility, the fewest facts given together that do."""
    missing = list(missing_facts(session, footprint))
    suggestions: list[Suggestion] = []
    for path, values in missing:
        suggestions += _deciding(session, baseline, category, path, values)
    if not any(s.verdict == ELIGIBLE for s in suggestions) and len(missing) > 1:
        suggestions += _together(session, baseline, category, missing)
    return suggestions


Values = tuple[list[Any], bool]  # candidate values (in order), and whether they are numbers to search between


def missing_facts(session: Session, footprint: Footprint) -> Iterator[tuple[str, Values]]:
    """The facts the footprint reads that the profile does not give, as profile paths, with the values to try."""
    seen: set[str] = set()
    for path, kind in footprint.reads.items():
        if path == AS_OF or path in GIVEN_CONCLUSIONS:
            continue
        if "[]." in path:
            origin, name = path.rsplit(".", 1)
            for item in items_at(session.facts.values, origin):
                found = _missing_field(session, footprint, origin, item, name, kind)
                if found is not None and found[0] not in seen:
                    seen.add(found[0])
                    yield found
            continue
        root = path.split(".")[0]
        if f"has_{root}" in footprint.reads and value_at(session.profile, root) is MISSING:
            continue  # an absent spouse or job offer is a fact (there is none), not a missing one
        if "." in path and value_at(session.profile, path.rsplit(".", 1)[0]) is MISSING:
            continue
        if session.facts.values.get(root) is MISSING or ("." in path and value_at(session.profile, path) is MISSING
                                                         and _record_field_missing(session, path)):
            shown = root if session.facts.values.get(root) is MISSING else path
            if shown not in seen:
                seen.add(shown)
                values = _values(footprint.reads.get(shown, kind), session)
                yield shown, values


def _record_field_missing(session: Session, path: str) -> bool:
    root, name = path.split(".", 1)
    record = session.facts.values.get(root)
    return isinstance(record, Item) and record.fields.get(name) is MISSING


def _missing_field(session: Session, footprint: Footprint, origin: str, item: Item, name: str,
                   kind: t.Type) -> tuple[str, Values] | None:
    if name in DERIVED_FIELDS or item.fields.get(name, None) is not MISSING:
        return None
    for conversion in footprint.conversions.values():
        if conversion.origin != origin:
            continue
        if name == conversion.score_field and item.fields.get(conversion.level_field) is not MISSING:
            return None
        if name == conversion.level_field:
            if item.fields.get(conversion.score_field) is not MISSING:
                return None
            if isinstance(value_at(session.profile, f"{item.path}.scores"), dict):
                keys = lookup_keys(session.rulebook, session.facts, session.as_of, conversion, item)
                scores = _score_bounds(conversion.lookup, keys) if keys is not None else []
                return field_path(item.path, conversion.score_field), (scores, False)
    return field_path(item.path, name), _values(kind, session)


def _score_bounds(lookup: ir.TableLookup, keys: tuple[Any, ...]) -> list[Any]:
    bounds = set()
    for row in lookup.table.rows:
        cells = list(zip(row.keys, keys))
        if all(cell.matches(key) for cell, key in cells if key is not None):
            cell = next(cell for cell, key in cells if key is None)
            if cell.kind in ("exact", "range", "at_least") and isinstance(cell.low, Score):
                bounds.add(number(cell.low.amount))
    return sorted(bounds)


def _values(kind: t.Type, session: Session) -> Values:
    if kind == t.BOOL:
        return [True, False], False
    if isinstance(kind, t.Choice):
        return list(kind.members), False
    if kind == t.LEVEL:
        return list(range(1, HIGHEST_LEVEL + 1)), False
    if kind == t.HOURS:
        return [0, _MAX_HOURS], True
    if isinstance(kind, t.Record):
        choice = next((name for name, field_kind in kind.fields if isinstance(field_kind, t.Choice)), None)
        if choice is not None:
            field_kind = kind.field_type(choice)
            assert isinstance(field_kind, t.Choice)
            return [{choice: member} for member in field_kind.members], False
    return [], False


def _deciding(session: Session, baseline: ProfileVerdicts, category: ir.Category, path: str,
              values: Values) -> list[Suggestion]:
    """The values of one missing fact that decide the verdict when only it is given: the first value (in order, or
    the least number) that makes it eligible, and the first that makes it not eligible."""
    candidates, numeric = values
    label = f"give {path}"
    found: dict[str, Any] = {}
    if numeric:
        low, high = candidates
        verdict_high = session.verdict(category.id, set_value(session.profile, path, high))
        verdict_low = session.verdict(category.id, set_value(session.profile, path, low))
        if verdict_high == ELIGIBLE and verdict_low != ELIGIBLE:
            least = _least_number(lambda v: session.verdict(
                category.id, set_value(session.profile, path, v)) == ELIGIBLE, low, high)
            found[ELIGIBLE] = least
            below = session.verdict(category.id, set_value(session.profile, path, least - 1))
            if below == NOT_ELIGIBLE:
                found[NOT_ELIGIBLE] = least - 1
        elif verdict_high == ELIGIBLE:
            found[ELIGIBLE] = low
        if verdict_high == NOT_ELIGIBLE:
            found[NOT_ELIGIBLE] = high
        elif verdict_low == NOT_ELIGIBLE and NOT_ELIGIBLE not in found:
            # the largest number that still decides `not eligible` (the least that does not, less one)
            found[NOT_ELIGIBLE] = _least_number(lambda v: session.verdict(
                category.id, set_value(session.profile, path, v)) != NOT_ELIGIBLE, low, high) - 1
    else:
        for value in candidates:
            verdict = session.verdict(category.id, set_value(session.profile, path, value))
            if verdict != UNDETERMINED:
                found.setdefault(verdict, value)
    suggestions = []
    for verdict in (ELIGIBLE, NOT_ELIGIBLE):
        if verdict in found:
            value = found[verdict]
            more = " or more" if numeric and verdict == ELIGIBLE else " or less" if numeric else ""
            summary = f"{label}: {_shown(value)}{more} makes it {verdict.replace('_', ' ')}"
            suggestions.append(_made(session, baseline, category, "missing", summary,
                                     set_value(session.profile, path, value), verdict=verdict))
    return suggestions


def _least_number(works: Callable[[int], bool], low: int, high: int) -> int:
    """The least whole number in (low, high] that works, `low` failing and `high` working."""
    while high - low > 1:
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle
    return high


def _together(session: Session, baseline: ProfileVerdicts, category: ir.Category,
              missing: list[tuple[str, Values]]) -> list[Suggestion]:
    """The missing facts given together: the first combination of their values (in order; numbers at their
    largest) that makes the category eligible, then each number lowered to the least that works and each fact left
    out when not needed."""
    options = [(path, [candidates[-1]] if numeric else candidates, numeric)
               for path, (candidates, numeric) in missing if candidates]
    good = _eligible(session, category)

    def patch_of(assignment: dict[str, Any]) -> Patch:
        patch: Patch = ()
        for path, value in assignment.items():
            patch += set_value(_applied(session, patch), path, value)
        return patch

    for trial, combination in enumerate(itertools.product(*(values for _, values, _ in options))):
        if trial >= _JOINT_TRIALS:
            return []
        assignment = {path: value for (path, _, _), value in zip(options, combination)}
        if good(patch_of(assignment)):
            break
    else:
        return []
    for path, _, numeric in options:
        if numeric:
            def works(value: int, path: str = path, assignment: dict[str, Any] = assignment) -> bool:
                return good(patch_of({**assignment, path: value}))

            assignment[path] = _least_number(works, dict(missing)[path][0][0], assignment[path])
    for path in list(assignment):
        rest = {p: v for p, v in assignment.items() if p != path}
        if rest and good(patch_of(rest)):
            assignment = rest
    parts = [f"{path} = {_shown(value)}" for path, value in assignment.items()]
    return [_made(session, baseline, category, "missing", "give together: " + ", ".join(parts),
                  patch_of(assignment))]


def _applied(session: Session, patch: Patch) -> Any:
    from engine.whynot.edits import apply

    return apply(session.profile, patch)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


# When nothing within reach changes it ------------------------------------------------------------------------------


def _blockers(session: Session, baseline: ProfileVerdicts, category: ir.Category) -> tuple[Reason, ...]:
    """The parts of the condition that fail, each with what keeps it failing: an occupation list that holds none of
    the candidate's occupations, facts the candidate cannot change (age, past jobs), or no change tried that works."""
    reasons = []
    codes = list(dict.fromkeys((item.fields.get("noc"), item.fields.get("title"))
                               for item in items_at(session.facts.values, "work_history[]")))
    for part in failing_parts(category, baseline):
        footprint = session.analyser.footprint(part)
        state = "undetermined" if baseline.value_of(part) is MISSING else "not met"
        whys = []
        for table in footprint.lists.values():
            if not any(code in table.codes for code, _ in codes):
                worked = ", ".join(f"{code} {title}" if isinstance(title, str) else str(code) for code, title in codes)
                count = len(table.occupations)
                whys.append(f"the list '{table.title}' ({count} occupation{'s' if count != 1 else ''}, "
                            f"cite {', '.join(c.id for c in table.cites)}) does not contain "
                            + (f"any occupation of the work history ({worked})" if codes else
                               "an occupation of the work history (none given)"))
        fixed = [fact_label(path) for path in footprint.reads if path in FIXED_FACTS]
        if fixed and not whys:
            whys.append("it depends on facts the candidate cannot change: " + ", ".join(dict.fromkeys(fixed)))
        if not whys:
            alone = next(itertools.chain(_levels(session, baseline, category, footprint, part),
                                         _new_results(session, baseline, category, footprint, part),
                                         _claims(session, baseline, category, footprint, part),
                                         _time(session, baseline, category, footprint, part)), None)
            if alone is not None:
                whys.append(f"it alone can be met ({alone.summary}), but not together with the other parts")
            else:
                whys.append("no change within reach makes it met (better language results, a new test, a claim, "
                            f"or time up to {session.as_of + _horizon()})")
        reasons.append(rule_reason(part, category, f"{state}: " + "; ".join(whys)))
    return tuple(reasons)


def _horizon() -> Any:
    from engine.whynot.context import HORIZON

    return HORIZON
