"""Language levels of a test result: reading them, inverting the conversion table to a raw score, raising them.

A result gives a level per ability, or a raw score that the rules convert (see `Conversion`). To raise an ability to a
level, a suggestion edits what the result gives: the level itself, or the raw score, set to the lowest score of the
table's rows that reach the level for this result's scale (the other keys of the lookup are evaluated for the result:
`test_scale(result)` gives TEF Canada's chart by test date).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import ir
from engine.eval.traced import evaluate_rule
from engine.model.facts import Facts, Item
from engine.model.quantities import LanguageLevel, Score
from engine.whynot.edits import Patch, field_path, set_value
from engine.whynot.footprint import Conversion, Footprint

HIGHEST_LEVEL = 12  # the profile schema's highest CLB/NCLC level
TEST_NAMES: Mapping[str, str] = {
    "ielts_general": "IELTS General Training", "celpip_general": "CELPIP-General", "pte_core": "PTE Core",
    "tef_canada": "TEF Canada", "tcf_canada": "TCF Canada",
}


@dataclass(frozen=True, slots=True, eq=False)
class Ability:
    """One level field of one result: where it is, its level now, and how the profile gives it (compared by
    identity: each is one place in one profile)."""

    item: Item
    field: str
    level: int
    scale: str
    conversion: Conversion | None
    keys: tuple[Any, ...] | None  # the lookup's keys for this result, the raw score's place left as None
    lows: Mapping[int, float] = dataclasses.field(default_factory=dict)  # per level, the lowest raw score giving it

    @property
    def by_score(self) -> bool:
        return self.keys is not None


def item_label(item: Item) -> str:
    """`TEF Canada` (or `spouse's TEF Canada`): the test of the result, as a reader names it."""
    test = item.fields.get("test")
    name = TEST_NAMES.get(test, str(test)) if isinstance(test, str) else item.path
    return f"spouse's {name}" if item.path.startswith("spouse.") else name


def abilities_of(rulebook: ir.Rulebook, facts: Facts, as_of: date, footprint: Footprint, origin: str,
                 item: Item) -> list[Ability]:
    """The level fields read of this result, each with its level now (fields neither given nor convertible are left
    out: they are missing facts, not levels to raise)."""
    found = []
    for name, kind in footprint.fields_of(origin).items():
        if kind.name != "language level":
            continue
        value = item.fields.get(name)
        conversion = footprint.conversions.get((origin, name))
        if isinstance(value, LanguageLevel):
            found.append(Ability(item, name, value.value, value.scale, conversion, None))
            continue
        if conversion is None or not isinstance(item.fields.get(conversion.score_field), Score):
            continue
        keys = lookup_keys(rulebook, facts, as_of, conversion, item)
        if keys is None:
            continue
        row = conversion.lookup.table.row_for(_with_score(conversion, keys, item.fields[conversion.score_field]))
        level = row.values.get(conversion.lookup.column) if row is not None else None
        if isinstance(level, LanguageLevel):
            found.append(Ability(item, name, level.value, level.scale, conversion, keys,
                                 lowest_scores(footprint, conversion, keys)))
    return found


def lookup_keys(rulebook: ir.Rulebook, facts: Facts, as_of: date, conversion: Conversion,
                item: Item) -> tuple[Any, ...] | None:
    """The conversion table's keys for this result, the raw score's place left as None; None when a key is not a
    literal, a field of the result or a rule of the result."""
    keys: list[Any] = []
    for key in conversion.lookup.keys:
        if isinstance(key, ir.FieldGet) and isinstance(key.subject, ir.Local) and key.name == conversion.score_field:
            keys.append(None)
        elif isinstance(key, (ir.Literal, ir.ConstantRef)):
            keys.append(key.value)
        elif isinstance(key, ir.FieldGet) and isinstance(key.subject, ir.Local):
            keys.append(item.fields.get(key.name))
        elif isinstance(key, ir.RuleCall) and all(isinstance(a, ir.Local) and a.name == conversion.variable
                                                   for a in key.arguments):
            keys.append(evaluate_rule(rulebook, key.name, facts, as_of, (item,) * len(key.arguments)).value)
        else:
            return None
    return tuple(keys)


def _with_score(conversion: Conversion, keys: tuple[Any, ...], score: Any) -> tuple[Any, ...]:
    return tuple(score if key is None else key for key in keys)


def lowest_score(ability: Ability, level: int) -> float | None:
    """The lowest raw score that the conversion table turns into `level` or more for this result, or None."""
    reaching = [low for at, low in ability.lows.items() if at >= level]
    return min(reaching) if reaching else None


# How many (conversion, keys) pairs a footprint remembers: far more than the scales and abilities of any rulebook.
MAX_REMEMBERED = 1024


def lowest_scores(footprint: Footprint, conversion: Conversion, keys: tuple[Any, ...]) -> Mapping[int, float]:
    """Per level, the lowest raw score giving it for a result with these keys, remembered by the footprint that
    holds the conversion (the rows depend on the rulebook only)."""
    key = (id(conversion), keys)
    try:
        found = footprint.lowest_scores.get(key)
    except TypeError:  # a key the rules computed that cannot be hashed: found again each time
        return _lows(conversion, keys)
    if found is None:
        found = _lows(conversion, keys)
        if len(footprint.lowest_scores) < MAX_REMEMBERED:
            footprint.lowest_scores[key] = found
    return found


def _lows(conversion: Conversion, keys: tuple[Any, ...]) -> dict[int, float]:
    """The table's rows for this result's other keys (its scale and ability): per level, the lowest raw score."""
    lookup = conversion.lookup
    lows: dict[int, float] = {}
    for row in lookup.table.rows:
        value = row.values.get(lookup.column)
        if not isinstance(value, LanguageLevel):
            continue
        cells = list(zip(row.keys, keys))
        if not all(cell.matches(key) for cell, key in cells if key is not None):
            continue
        score_cell = next(cell for cell, key in cells if key is None)
        if score_cell.kind in ("exact", "range", "at_least"):
            low = score_cell.low.amount if isinstance(score_cell.low, Score) else float(score_cell.low)
            lows[value.value] = min(low, lows.get(value.value, low))
    return lows


def number(value: float) -> float | int:
    """A score as the profile writes it: 428, not 428.0."""
    return int(value) if float(value).is_integer() else value


def raise_patch(profile: Mapping[str, Any], raised: Mapping[Ability, int]) -> Patch | None:
    """The edits that bring each ability to its level (by the raw score when the result gives scores)."""
    operations: list[dict[str, Any]] = []
    current: Any = profile
    for ability, level in raised.items():
        if ability.by_score:
            assert ability.conversion is not None
            score = lowest_score(ability, level)
            if score is None:
                return None
            path, value = field_path(ability.item.path, ability.conversion.score_field), number(score)
        else:
            path, value = field_path(ability.item.path, ability.field), level
        operations.extend(set_value(current, path, value))
    return tuple(operations)


def describe_raise(raised: Mapping[Ability, int]) -> str:
    """`TEF Canada writing NCLC 6 → 7: a writing score of 428 or more` for each ability raised."""
    parts = []
    for ability, level in raised.items():
        text = f"{item_label(ability.item)} {ability.field} {ability.scale.upper()} {ability.level} → {level}"
        if ability.by_score:
            score = lowest_score(ability, level)
            assert score is not None
            text += f": a {ability.field} score of {number(score)} or more"
        parts.append(text)
    return "; ".join(parts)


def minimal_raise(profile: Mapping[str, Any], abilities: list[Ability], targets: list[int],
                  good: Callable[[Patch], bool]) -> dict[Ability, int] | None:
    """The smallest raise of these abilities that makes `good` hold: the lowest target level that works for every
    ability below it, then each ability dropped when not needed and lowered to the least level that still works
    (one level less in any ability does not suffice)."""
    for target in targets:
        raised = {a: target for a in abilities if a.level < target}
        patch = raise_patch(profile, raised) if raised else None
        if patch is None or not good(patch):
            continue
        for ability in list(raised):
            trial = {a: level for a, level in raised.items() if a is not ability}
            trial_patch = raise_patch(profile, trial) if trial else None
            if trial_patch is not None and good(trial_patch):
                raised = trial
        for ability in list(raised):
            def works(level: int, ability: Ability = ability, raised: dict[Ability, int] = raised) -> bool:
                trial_patch = raise_patch(profile, {**raised, ability: level})
                return trial_patch is not None and good(trial_patch)

            raised[ability] = least(works, ability.level, raised[ability])
        return raised
    return None


def least(works: Callable[[int], bool], low: int, high: int) -> int:
    """The least whole number in (low, high] that works, `low` failing and `high` working: one less than `high` is
    tried first (usually the answer is `high`), then bisection."""
    if high - low > 1 and not works(high - 1):
        return high
    high -= high - low > 1
    while high - low > 1:
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle
    return high
