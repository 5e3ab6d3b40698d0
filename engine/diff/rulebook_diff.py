"""What changed between two compiled rulebooks, in policy terms.

The comparison works on compiled rulebooks, never on their text: categories are matched by id, then by name;
occupations by NOC code; sources by their address; conditions by their meaning (see `engine.diff.rule_diff`). So a
rulebook that is only reformatted, or whose definitions, constants, lists or sources are renamed, compares equal to the
original.

Rounds of invitations are outcomes, not rules: they are compared apart from the categories, as a summary per
grouping (all candidates, one program, one category): how many rounds, how many invitations, and the range of the
lowest score invited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from engine import ir
from engine.diff.rule_diff import DefinitionForms, RuleChange, diff_conditions
from engine.diff.work import WorkRequirement, work_requirement
from engine.explain.show import plain_rule
from engine.explain.standing import source_standing

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
# A category whose policy (name, rule, occupations) is the same but whose citations changed.
CITATIONS_CHANGED = "citations_changed"
# Every status of a category, in the order the views group them, with the words they use.
CATEGORY_STATUSES = (ADDED, REMOVED, CHANGED, CITATIONS_CHANGED, UNCHANGED)
STATUS_WORDS = {ADDED: "added", REMOVED: "removed", CHANGED: "changed", CITATIONS_CHANGED: "citations changed",
                UNCHANGED: "unchanged"}


@dataclass(frozen=True, slots=True)
class RulebookSide:
    year: str
    title: str
    folder: str
    in_force_from: date
    in_force_until: date
    end_known: bool = True

    @staticmethod
    def of(rulebook: ir.Rulebook) -> RulebookSide:
        return RulebookSide(rulebook.year, rulebook.title, rulebook.folder, rulebook.in_force_from,
                            rulebook.in_force_until, rulebook.end_known)

    @property
    def label(self) -> str:
        """The year for a year of the rules tree, the folder for any other rulebook folder."""
        return self.year if self.folder in (f"rules/{self.year}", self.year) else self.folder

    @property
    def in_force(self) -> str:
        return f"{self.in_force_from} to {self.in_force_until}" + ("" if self.end_known else " or later")

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "label": self.label, "title": self.title, "folder": self.folder,
                "in_force": {"from": self.in_force_from.isoformat(), "until": self.in_force_until.isoformat()}}


@dataclass(frozen=True, slots=True)
class OccupationChange:
    """An occupation that came, went, or whose TEER or title changed (`old_*` set only for the latter)."""

    code: str
    title: str
    teer: int
    old_title: str | None = None
    old_teer: int | None = None
    moved: str | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"noc": self.code, "title": self.title, "teer": self.teer}
        if self.old_title is not None:
            document["old_title"] = self.old_title
        if self.old_teer is not None:
            document["old_teer"] = self.old_teer
        if self.moved is not None:
            document["moved"] = self.moved
        return document


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A source added, removed, or kept at the same address under another id or title."""

    kind: str
    id: str
    title: str
    url: str
    old_id: str | None = None
    old_title: str | None = None
    standing: str | None = None
    confidence: str | None = None
    old_standing: str | None = None

    @property
    def standing_text(self) -> str | None:
        """`third-party, confidence medium-high`, as every view says a source's standing."""
        return source_standing(ir.SourceRef(self.id, self.title, self.url, self.standing, self.confidence))

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"kind": self.kind, "id": self.id, "title": self.title, "url": self.url}
        if self.standing is not None:
            document["standing"] = self.standing
        if self.confidence is not None:
            document["confidence"] = self.confidence
        if self.old_id is not None:
            document["old_id"] = self.old_id
        if self.old_title is not None:
            document["old_title"] = self.old_title
        return document


@dataclass(frozen=True, slots=True)
class LastSeen:
    """Where a category the newer rulebook adds was last seen: an earlier rulebook (before the older one compared)
    that had a category of the same id or name. Transport, dropped in 2025 and back in 2026, is not new policy but a
    return, and a reader of the instructions would say so."""

    year: str
    label: str
    name: str
    in_force_until: date
    occupation_count: int

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "label": self.label, "name": self.name,
                "in_force_until": self.in_force_until.isoformat(), "occupations": self.occupation_count}


@dataclass(frozen=True, slots=True)
class CategoryDiff:
    """One category across the two rulebooks. `status` is about policy (name, rule, occupations): a category whose
    policy is the same but whose cited sources, or the confidence its rule files give it, changed is
    `citations_changed`, a difference but not a policy change.
    An added or removed category carries its rule in words (`new_rule`, `old_rule`) beside its occupations."""

    status: str
    old_id: str | None
    new_id: str | None
    old_name: str | None
    new_name: str | None
    old_source: str | None
    new_source: str | None
    matched_by: str | None
    occupations_added: tuple[OccupationChange, ...] = ()
    occupations_removed: tuple[OccupationChange, ...] = ()
    teer_changes: tuple[OccupationChange, ...] = ()
    title_changes: tuple[OccupationChange, ...] = ()
    rule_changes: tuple[RuleChange, ...] = ()
    old_cites: tuple[str, ...] = ()
    new_cites: tuple[str, ...] = ()
    cites_changed: bool = False
    old_occupation_count: int = 0
    new_occupation_count: int = 0
    old_rule: tuple[str, ...] = ()
    new_rule: tuple[str, ...] = ()
    old_work: WorkRequirement | None = None
    new_work: WorkRequirement | None = None
    last_seen: LastSeen | None = None
    old_confidence: str | None = None
    new_confidence: str | None = None

    @property
    def id(self) -> str:
        return self.new_id or self.old_id or ""

    @property
    def confidence_changed(self) -> bool:
        """The confidence the rule files give the category as written changed (declared, dropped or another)."""
        return self.status not in (ADDED, REMOVED) and self.old_confidence != self.new_confidence

    @property
    def name(self) -> str:
        return self.new_name or self.old_name or ""

    @property
    def kept(self) -> bool:
        """In both rulebooks (changed or not)."""
        return self.status not in (ADDED, REMOVED)

    @property
    def renamed(self) -> bool:
        return self.status not in (ADDED, REMOVED) and self.old_name != self.new_name

    @property
    def id_changed(self) -> bool:
        return self.status not in (ADDED, REMOVED) and self.old_id != self.new_id

    @property
    def has_differences(self) -> bool:
        return self.status != UNCHANGED or self.cites_changed or self.confidence_changed

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "id": self.id,
            "name": self.name,
            "old": None if self.old_id is None else {"id": self.old_id, "name": self.old_name,
                                                     "source": self.old_source, "cites": list(self.old_cites),
                                                     **_confidence_json(self.old_confidence),
                                                     "occupations": self.old_occupation_count,
                                                     **({"rule": list(self.old_rule)} if self.old_rule else {})},
            "new": None if self.new_id is None else {"id": self.new_id, "name": self.new_name,
                                                     "source": self.new_source, "cites": list(self.new_cites),
                                                     **_confidence_json(self.new_confidence),
                                                     "occupations": self.new_occupation_count,
                                                     **({"rule": list(self.new_rule)} if self.new_rule else {})},
            "matched_by": self.matched_by,
            "renamed": self.renamed,
            "occupations": {
                "added": [o.to_json() for o in self.occupations_added],
                "removed": [o.to_json() for o in self.occupations_removed],
                "teer_changed": [o.to_json() for o in self.teer_changes],
                "title_changed": [o.to_json() for o in self.title_changes],
            },
            "rule_changes": [c.to_json() for c in self.rule_changes],
            "cites_changed": self.cites_changed,
            "confidence_changed": self.confidence_changed,
            **({"last_seen": self.last_seen.to_json()} if self.last_seen is not None else {}),
        }


def _confidence_json(confidence: str | None) -> dict[str, str]:
    return {"confidence": confidence} if confidence is not None else {}


@dataclass(frozen=True, slots=True)
class RoundsHeld:
    """What one rulebook's rounds for one grouping add up to; the cut-offs are `None` when no round published one."""

    count: int = 0
    invitations: int = 0
    lowest_crs_min: int | None = None
    lowest_crs_max: int | None = None

    @staticmethod
    def of(rounds: Sequence[ir.Round]) -> RoundsHeld:
        scores = [r.lowest_crs for r in rounds if r.lowest_crs is not None]
        return RoundsHeld(len(rounds), sum(r.invitations for r in rounds), min(scores, default=None),
                          max(scores, default=None))

    @property
    def cutoff(self) -> str:
        """The lowest scores invited, as a range ("375–486"), one score, or "none"."""
        if self.lowest_crs_min is None or self.lowest_crs_max is None:
            return "none"
        if self.lowest_crs_min == self.lowest_crs_max:
            return str(self.lowest_crs_min)
        return f"{self.lowest_crs_min}–{self.lowest_crs_max}"

    def to_json(self) -> dict[str, Any]:
        return {"rounds": self.count, "invitations": self.invitations,
                "lowest_crs": {"min": self.lowest_crs_min, "max": self.lowest_crs_max}}


@dataclass(frozen=True, slots=True)
class RoundsDiff:
    """The rounds held for one grouping in each rulebook. `grouping` is "all", "program" (`id` the program) or
    "category" (`id` the category, `old_id` its id in the old rulebook when it was matched by name)."""

    grouping: str
    id: str | None
    name: str
    old: RoundsHeld
    new: RoundsHeld
    old_id: str | None = None

    @property
    def status(self) -> str:
        if self.old == self.new:
            return UNCHANGED
        if not self.old.count:
            return ADDED
        return REMOVED if not self.new.count else CHANGED

    @property
    def label(self) -> str:
        """"all candidates", "program pnp", "category healthcare" (with the old id when it changed)."""
        if self.grouping == "all":
            return "all candidates"
        renamed = f" (was {self.old_id})" if self.old_id is not None and self.old_id != self.id else ""
        return f"{self.grouping} {self.id}{renamed}"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "grouping": self.grouping, "id": self.id, "old_id": self.old_id,
                "name": self.name, "old": self.old.to_json(), "new": self.new.to_json()}


@dataclass(frozen=True, slots=True)
class RulebookDiff:
    old: RulebookSide
    new: RulebookSide
    sources: tuple[SourceChange, ...]
    categories: tuple[CategoryDiff, ...]
    rounds: tuple[RoundsDiff, ...] = ()

    @property
    def title_changed(self) -> bool:
        return self.old.title != self.new.title

    @property
    def in_force_changed(self) -> bool:
        return self.old.in_force != self.new.in_force

    @property
    def has_differences(self) -> bool:
        return self.title_changed or self.in_force_changed or bool(self.sources) or \
            any(c.has_differences for c in self.categories) or self.rounds_changed

    @property
    def rounds_changed(self) -> bool:
        return any(r.status != UNCHANGED for r in self.rounds)

    def with_status(self, status: str) -> tuple[CategoryDiff, ...]:
        return tuple(c for c in self.categories if c.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "differences": self.has_differences,
            "title_changed": self.title_changed,
            "in_force_changed": self.in_force_changed,
            "sources": [s.to_json() for s in self.sources],
            "categories": [c.to_json() for c in self.categories],
            "rounds_changed": self.rounds_changed,
            "rounds": [r.to_json() for r in self.rounds],
        }


def compare(old: ir.Rulebook, new: ir.Rulebook, earlier: Sequence[ir.Rulebook] = ()) -> RulebookDiff:
    """The differences between two rulebooks, `old` first. `earlier` are rulebooks that may have come before `old`
    (any order; those not in force before it are ignored): a category `new` adds that one of them had is said to
    return rather than to be new."""
    pairs = match_categories(old, new)
    forms: DefinitionForms = {}  # the definitions all categories call are brought to canonical form once
    before_old = sorted((r for r in earlier if r.in_force_from < old.in_force_from), key=lambda r: r.in_force_from,
                        reverse=True)
    categories = [_with_last_seen(_category_diff(o, n, how, forms), n, before_old) for o, n, how in pairs]
    return RulebookDiff(RulebookSide.of(old), RulebookSide.of(new), _source_changes(old, new),
                        tuple(_with_moves(categories)), _rounds_diff(old, new, pairs))


def _with_last_seen(category: CategoryDiff, new: ir.Category | None,
                    before_old: Sequence[ir.Rulebook]) -> CategoryDiff:
    """An added category with the latest earlier rulebook that had it (by id, then by name), if any."""
    if category.status != ADDED or new is None:
        return category
    for rulebook in before_old:
        seen = next((c for c in rulebook.categories if c.id == new.id), None) or \
            next((c for c in rulebook.categories if c.name.casefold() == new.name.casefold()), None)
        if seen is not None:
            side = RulebookSide.of(rulebook)
            return replace(category, last_seen=LastSeen(side.year, side.label, seen.name, rulebook.in_force_until,
                                                        len(occupations_of(seen))))
    return category


def _rounds_diff(old: ir.Rulebook, new: ir.Rulebook,
                 pairs: list[tuple[ir.Category | None, ir.Category | None, str | None]]) -> tuple[RoundsDiff, ...]:
    """Per grouping that held a round in either rulebook: all candidates, then each program (by id), then each
    category in the order of the category comparison (a category matched by name is one grouping)."""
    def drawn(rulebook: ir.Rulebook, grouping: str, target: str | None) -> list[ir.Round]:
        return [r for r in rulebook.rounds if r.grouping == grouping and
                (r.category.id if r.category is not None else r.target) == target]

    diffs: list[RoundsDiff] = []
    if any(r.grouping == "all" for r in (*old.rounds, *new.rounds)):
        diffs.append(RoundsDiff("all", None, "All candidates", RoundsHeld.of(drawn(old, "all", None)),
                                RoundsHeld.of(drawn(new, "all", None))))
    programs = sorted({r.target for r in (*old.rounds, *new.rounds) if r.grouping == "program" and r.target})
    for program in programs:
        before, after = drawn(old, "program", program), drawn(new, "program", program)
        diffs.append(RoundsDiff("program", program, _program_name(new, after) or _program_name(old, before) or program,
                                RoundsHeld.of(before), RoundsHeld.of(after)))
    for old_category, new_category, _ in pairs:
        before = drawn(old, "category", old_category.id) if old_category is not None else []
        after = drawn(new, "category", new_category.id) if new_category is not None else []
        if not (before or after):
            continue
        named = new_category or old_category
        assert named is not None
        diffs.append(RoundsDiff("category", named.id, named.name, RoundsHeld.of(before), RoundsHeld.of(after),
                                old_category.id if old_category is not None else None))
    return tuple(diffs)


def _program_name(rulebook: ir.Rulebook, rounds: Sequence[ir.Round]) -> str | None:
    """The program's name where the rulebook declares it, else the title of its latest round ("pnp" is a grouping of
    rounds, not a declared program)."""
    if not rounds:
        return None
    declared = next((p.name for p in rulebook.programs if p.id == rounds[0].target), None)
    return declared or max(rounds, key=lambda r: (r.held_on, r.number)).title


def _with_moves(categories: list[CategoryDiff]) -> list[CategoryDiff]:
    """Note, beside an occupation added to one category, the category it left (and the reverse): an occupation
    moving from Healthcare to Education is one change an analyst wants to see as such."""
    gained = {o.code: c.id for c in categories for o in c.occupations_added}
    lost = {o.code: c.id for c in categories for o in c.occupations_removed}
    moved = []
    for category in categories:
        added = tuple(replace(o, moved=f"from {lost[o.code]}") if lost.get(o.code, category.id) != category.id else o
                      for o in category.occupations_added)
        removed = tuple(replace(o, moved=f"to {gained[o.code]}") if gained.get(o.code, category.id) != category.id
                        else o for o in category.occupations_removed)
        moved.append(replace(category, occupations_added=added, occupations_removed=removed))
    return moved


def match_categories(old: ir.Rulebook,
                     new: ir.Rulebook) -> list[tuple[ir.Category | None, ir.Category | None, str | None]]:
    """Pairs of (old, new, matched by): by id first, then by name (ignoring case) among those left; the new
    rulebook's order, then what was removed in the old one's order."""
    old_by_id = {c.id: c for c in old.categories}
    new_ids = {c.id for c in new.categories}
    left_by_name = {c.name.casefold(): c for c in old.categories if c.id not in new_ids}
    matched_old: set[str] = set()
    pairs: list[tuple[ir.Category | None, ir.Category | None, str | None]] = []
    for category in new.categories:
        if category.id in old_by_id:
            pairs.append((old_by_id[category.id], category, "id"))
            matched_old.add(category.id)
            continue
        namesake = left_by_name.get(category.name.casefold())
        if namesake is not None and namesake.id not in matched_old:
            pairs.append((namesake, category, "name"))
            matched_old.add(namesake.id)
            continue
        pairs.append((None, category, None))
    pairs.extend((c, None, None) for c in old.categories if c.id not in matched_old)
    return pairs


def occupations_of(category: ir.Category) -> dict[str, ir.Occupation]:
    """The occupations a category's rule refers to, by code (the first list naming a code wins)."""
    found: dict[str, ir.Occupation] = {}
    for table in category.occupation_lists:
        for occupation in table.occupations:
            found.setdefault(occupation.code, occupation)
    return found


def _category_diff(old: ir.Category | None, new: ir.Category | None, matched_by: str | None,
                   forms: DefinitionForms) -> CategoryDiff:
    if old is None and new is not None:
        occupations = occupations_of(new)
        return CategoryDiff(ADDED, None, new.id, None, new.name, None, new.span.short, None,
                            occupations_added=tuple(_entry(o) for o in _by_code(occupations)),
                            new_cites=tuple(c.id for c in new.cites), new_occupation_count=len(occupations),
                            new_rule=rule_parts(new.condition), new_work=work_requirement(new),
                            new_confidence=new.confidence)
    if new is None and old is not None:
        occupations = occupations_of(old)
        return CategoryDiff(REMOVED, old.id, None, old.name, None, old.span.short, None, None,
                            occupations_removed=tuple(_entry(o) for o in _by_code(occupations)),
                            old_cites=tuple(c.id for c in old.cites), old_occupation_count=len(occupations),
                            old_rule=rule_parts(old.condition), old_work=work_requirement(old),
                            old_confidence=old.confidence)
    assert old is not None and new is not None
    before, after = occupations_of(old), occupations_of(new)
    added = tuple(_entry(after[c]) for c in sorted(after.keys() - before.keys()))
    removed = tuple(_entry(before[c]) for c in sorted(before.keys() - after.keys()))
    kept = sorted(before.keys() & after.keys())
    teer = tuple(OccupationChange(c, after[c].title, after[c].teer, old_teer=before[c].teer)
                 for c in kept if before[c].teer != after[c].teer)
    titles = tuple(OccupationChange(c, after[c].title, after[c].teer, old_title=before[c].title)
                   for c in kept if before[c].title != after[c].title)
    rules = diff_conditions(old.condition, new.condition, forms)
    changed = old.name != new.name or old.id != new.id or bool(added or removed or teer or titles or rules)
    cites_changed = {c.url for c in old.cites} != {c.url for c in new.cites}
    trusted_differently = cites_changed or old.confidence != new.confidence
    status = CHANGED if changed else CITATIONS_CHANGED if trusted_differently else UNCHANGED
    return CategoryDiff(
        status, old.id, new.id, old.name, new.name, old.span.short, new.span.short,
        matched_by, added, removed, teer, titles, rules,
        old_cites=tuple(c.id for c in old.cites), new_cites=tuple(c.id for c in new.cites),
        cites_changed=cites_changed,
        old_occupation_count=len(before), new_occupation_count=len(after),
        old_work=work_requirement(old), new_work=work_requirement(new),
        old_confidence=old.confidence, new_confidence=new.confidence,
    )


def rule_parts(condition: ir.Node) -> tuple[str, ...]:
    """A category's rule in words: each part that must hold, by its description (`rules show` reads the same)."""
    parts = condition.operands if isinstance(condition, ir.AllOf) else (condition,)
    return tuple(plain_rule(part) for part in parts)


def _by_code(occupations: dict[str, ir.Occupation]) -> list[ir.Occupation]:
    return [occupations[code] for code in sorted(occupations)]


def _entry(occupation: ir.Occupation) -> OccupationChange:
    return OccupationChange(occupation.code, occupation.title, occupation.teer)


def _policy_sources(rulebook: ir.Rulebook) -> list[ir.SourceRef]:
    """Every source but the pages of round data: a round's page records an outcome, not a rule."""
    pages = rulebook.round_pages()
    return [s for s in rulebook.sources.values() if s.id not in pages]


def _source_changes(old: ir.Rulebook, new: ir.Rulebook) -> tuple[SourceChange, ...]:
    """Sources are matched by address: the same address under another id is the same source."""
    old_by_url = {s.url: s for s in _policy_sources(old)}
    new_by_url = {s.url: s for s in _policy_sources(new)}
    changes: list[SourceChange] = []
    for url, source in sorted(new_by_url.items(), key=lambda item: item[1].id):
        before = old_by_url.get(url)
        if before is None:
            changes.append(SourceChange(ADDED, source.id, source.title, url, standing=source.standing,
                                        confidence=source.confidence))
        elif before.title != source.title or source_standing(before) != source_standing(source):
            changes.append(SourceChange(CHANGED, source.id, source.title, url, old_id=before.id,
                                        old_title=before.title, standing=source.standing,
                                        confidence=source.confidence, old_standing=source_standing(before)))
    for url, source in sorted(old_by_url.items(), key=lambda item: item[1].id):
        if url not in new_by_url:
            changes.append(SourceChange(REMOVED, source.id, source.title, url, standing=source.standing,
                                        confidence=source.confidence))
    return tuple(changes)
