"""A rulebook diff in policy terms: what a reader of the instructions would say changed.

Read off the compared categories: the work experience asked in one listed occupation (how long, whether continuous,
where; `engine.diff.work`), the categories added (with what they ask; one an earlier rulebook had is said to come
back), dropped (and where their occupations went), renamed, and the occupations each list gains or loses. Every
sentence is derived from the rules, none is written by hand, so a new rulebook is described without anyone
remembering to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.diff.rulebook_diff import ADDED, CHANGED, REMOVED, CategoryDiff, RulebookDiff
from engine.diff.work import WorkRequirement, months_text

# A category added that an earlier rulebook (before the older one compared) had: a return, not new policy.
RETURNED = "returned"
# A list change of more occupations than this is said by codes alone; the detailed diff gives the titles.
MAX_NAMED = 4


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """One change in policy terms: `kind` (`experience`, `added`, `returned` (added, and in an earlier rulebook),
    `removed`, `renamed`, `occupations`, or `none` when nothing changed) and its sentence."""

    kind: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text}


def policy_changes(diff: RulebookDiff) -> tuple[PolicyChange, ...]:
    """The diff's changes in policy terms, in a fixed order: the work experience asked, the categories added,
    dropped and renamed, and the occupations each list gains or loses."""
    changes = list(_experience_changes(diff))
    for category in diff.with_status(ADDED):
        seen = category.last_seen
        if seen is None:
            changes.append(PolicyChange(ADDED, f"Category added: {category.new_name} ({category.new_id}), "
                                               f"{_asks(category)}"))
        else:
            then = f"{seen.occupation_count} occupation{'s' if seen.occupation_count != 1 else ''}"
            changes.append(PolicyChange(RETURNED, f"Category back: {category.new_name} ({category.new_id}), last in "
                                                  f"the {seen.label} rulebook (until {seen.in_force_until}, {then} "
                                                  f"then); now {_asks(category)}"))
    for category in diff.with_status(REMOVED):
        moved = sorted({f"{o.code} {o.title} {o.moved}" for o in category.occupations_removed if o.moved})
        where = f"; moved: {', '.join(moved)}" if moved else ""
        changes.append(PolicyChange(REMOVED, f"Category dropped: {category.old_name} ({category.old_id}){where}"))
    for category in diff.categories:
        if category.renamed:
            changes.append(PolicyChange("renamed", f"Category renamed: {category.old_name} → {category.new_name} "
                                                   f"({category.new_id})"))
    for category in diff.with_status(CHANGED):
        if category.occupations_added or category.occupations_removed:
            named = len(category.occupations_removed) + len(category.occupations_added) <= MAX_NAMED
            parts = [f"−{o.code}" + (f" {o.title}" if named else "") for o in category.occupations_removed]
            parts += [f"+{o.code}" + (f" {o.title}" if named else "") for o in category.occupations_added]
            count = f"{category.old_occupation_count} → {category.new_occupation_count} occupations"
            changes.append(PolicyChange("occupations", f"{category.new_name} ({category.new_id}), {count}: "
                                                       f"{', '.join(parts)}"))
    if not changes:
        changes.append(PolicyChange("none", "No change in policy terms: the same categories, occupation lists and "
                                            "work experience asked"))
    return tuple(changes)


def _experience_changes(diff: RulebookDiff) -> Iterator[PolicyChange]:
    """The work experience asked: one sentence per kind of change, naming the categories it applies to."""
    grouped: dict[tuple[WorkRequirement, WorkRequirement], list[str]] = {}
    for category in diff.categories:
        before, after = category.old_work, category.new_work
        if category.kept and before is not None and after is not None and before != after:
            grouped.setdefault((before, after), []).append(category.id)
    for (before, after), ids in grouped.items():
        parts = []
        if before.months != after.months:
            hours = f" ({before.hours:,.0f} → {after.hours:,.0f} hours at 30 hours a week)" \
                if before.hours is not None and after.hours is not None else ""
            parts.append(f"{months_text(before.months)} → {months_text(after.months)} of full-time work{hours}")
        if before.continuous != after.continuous:
            counted = "; part-time work counts by its hours" if after.hours is not None else ""
            parts.append(f"continuous: {_required(before.continuous)} → {_required(after.continuous)}{counted}")
        if before.canada_only != after.canada_only:
            parts.append(f"where: {_where(before.canada_only)} → {_where(after.canada_only)}")
        yield PolicyChange("experience", f"Work experience in one listed occupation ({', '.join(ids)}): "
                                         f"{'; '.join(parts)}")


def _asks(category: CategoryDiff) -> str:
    count = category.new_occupation_count
    listed = f"{count} occupation{'s' if count != 1 else ''}"
    if category.new_work is not None:
        return f"{listed}; asks {category.new_work.words()}"
    if count:
        return f"{listed}; conditions of its own (see its rule)"
    return "no occupation list"


def _required(required: bool) -> str:
    return "required" if required else "not required"


def _where(canada_only: bool) -> str:
    return "in Canada only" if canada_only else "in Canada or abroad"
