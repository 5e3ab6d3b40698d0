"""Whom a change of rules affects: a pool of profiles evaluated under two rulebooks, on the same day.

Only the rules differ between the two evaluations: the same profiles, the same as-of date. Per category (matched as
the diff matches them; a category missing from one rulebook counts as not eligible there), it counts the profiles
that gain eligibility, those that lose it, and those whose verdict moves between not eligible and undetermined, with a
few example ids and, for each kind of move, one profile's two explanations side by side.

A pool is any file `rules batch` reads (Parquet, JSON Lines, CSV, read by `engine.pool.load`), or a JSON or YAML
file holding a list of profiles. A row that cannot be read or is not a valid profile is kept as a rejected row with
its problems: it is reported, never dropped. A file that cannot be read at all raises `PoolError`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine import ir
from engine.diff.rulebook_diff import match_categories
from engine.eval.traced import CategoryResult, EvaluationLimit, Verdict, evaluate
from engine.eval.verdicts import evaluate_verdicts
from engine.explain.explanation import Explanation, explain_category, summarise
from engine.model.facts import Facts, facts_from_profile
from engine.model.profile import MAX_PROFILE_BYTES, Problem, ProfileInput, parse_document, read_profile_text, validate

GAINS, LOSES, NOW_UNDETERMINED, NOW_DETERMINED = "gains", "loses", "now_undetermined", "now_determined"
MOVES = (GAINS, LOSES, NOW_UNDETERMINED, NOW_DETERMINED)
MOVE_WORDS = {
    GAINS: "gain eligibility",
    LOSES: "lose eligibility",
    NOW_UNDETERMINED: "go from not eligible to undetermined",
    NOW_DETERMINED: "go from undetermined to not eligible",
}


def count_text(move: str, count: int) -> str:
    """`1 profile gains eligibility`, `3 profiles gain eligibility`."""
    if count == 1:
        verb, rest = MOVE_WORDS[move].split(" ", 1)
        return f"1 profile {verb}es {rest}" if verb == "go" else f"1 profile {verb}s {rest}"
    return f"{count:,} profiles {MOVE_WORDS[move]}"
EXAMPLES = 3
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class SideBySide:
    """One profile's explanations for one category under the old and the new rules (None: no such category)."""

    profile: str
    old_verdict: str
    new_verdict: str
    old: Explanation | None
    new: Explanation | None


@dataclass(frozen=True, slots=True)
class CategoryImpact:
    id: str
    name: str
    status: str
    eligible_before: int
    eligible_after: int
    counts: dict[str, int]
    examples: dict[str, tuple[str, ...]]
    explanations: dict[str, SideBySide]

    @property
    def changed(self) -> bool:
        return any(self.counts.values())


@dataclass(frozen=True, slots=True)
class PoolImpact:
    as_of: date
    evaluated: int
    rejected: tuple[ProfileInput, ...]
    categories: tuple[CategoryImpact, ...]
    notes: tuple[str, ...] = ()

    @property
    def read(self) -> int:
        return self.evaluated + len(self.rejected)


def is_columnar_pool(path: Path) -> bool:
    """Whether the pool is read by `rules batch`'s loader alone, rows and problems alike (Parquet, CSV): the SQL
    backend can then evaluate it with the same rows rejected in the same words. JSON Lines, JSON and YAML are read
    here, line by line or as one document, and go through the evaluator."""
    return path.suffix.lower() not in (".yaml", ".yml", ".json", *JSON_LINES_SUFFIXES)


def read_pool(path: Path) -> list[ProfileInput]:
    """Every row of a pool file, each valid or with its problems; `PoolError` when the file cannot be read."""
    from engine.pool.load import PoolError

    if not path.is_file():
        raise PoolError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        listed = _profile_list(path, suffix)
        if listed is not None:
            return listed
        suffix = ".jsonl"
    if suffix in JSON_LINES_SUFFIXES:
        return _json_lines(path)
    return _loaded_rows(path)


def _profile_list(path: Path, suffix: str) -> list[ProfileInput] | None:
    """A JSON or YAML document holding a list of profiles (or one profile); None when a `.json` file is not one
    JSON document (then it is JSON Lines, as `rules batch` reads a `.json` pool)."""
    from engine.pool.load import PoolError

    shown = str(path)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            return None if suffix == ".json" else [ProfileInput(shown, None, (Problem("$", "too large"),))]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PoolError(f"{path}: cannot read the file ({error})") from None
    try:
        parse_document(text, suffix)
    except ValueError as error:
        if suffix == ".json":
            return None
        raise PoolError(f"{path}: {error}") from None
    return read_profile_text(text, shown, suffix)


def _json_lines(path: Path) -> list[ProfileInput]:
    """One profile a line; a line that is not JSON is a rejected row, named by its line and column."""
    from engine.pool.load import PoolError

    shown = str(path)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES * 50:
            raise PoolError(f"{path}: the pool file is too large for the evaluator; use rules batch")
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PoolError(f"{path}: cannot read the file ({error})") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{shown}:{number}"
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            rows.append(ProfileInput(origin, None, (Problem("$", f"not valid JSON: {error.msg} at column "
                                                                 f"{error.colno}"),)))
            continue
        except (RecursionError, ValueError) as error:
            rows.append(ProfileInput(origin, None, (Problem("$", f"not valid JSON: {str(error)[:200]}"),)))
            continue
        rows.append(validate(document, origin))
    return rows


def _loaded_rows(path: Path) -> list[ProfileInput]:
    """The rows of a pool as `rules batch` loads them (Parquet, CSV), each checked as a profile."""
    from engine.model.pool_columns import profile_from_row
    from engine.pool.load import POOL_VIEW, load_pool, pool_connection

    connection = pool_connection()
    loaded = load_pool(connection, path)
    read: dict[int, ProfileInput] = {
        reject.line: ProfileInput(f"{path}:{reject.line}", None, problems_of(reject.reason))
        for reject in loaded.rejects}
    cursor = connection.execute(f"SELECT * FROM {POOL_VIEW} ORDER BY _line")
    names = [column[0] for column in cursor.description]
    while chunk := cursor.fetchmany(10_000):
        for values in chunk:
            row = dict(zip(names, values, strict=True))
            line = int(row["_line"])
            documents = loaded.documents
            document = documents.get(line) if documents is not None else None
            read[line] = validate(document if document is not None else profile_from_row(row), f"{path}:{line}")
    connection.close()
    return [read[line] for line in sorted(read)]


def problems_of(reason: str) -> tuple[Problem, ...]:
    """A rejected row's reason ("$.crs: ...; $.id: ...") as its problems, each at its JSON path."""
    problems: list[Problem] = []
    for piece in reason.split("; "):
        path, separator, message = piece.partition(": ")
        if separator and path.startswith("$"):
            problems.append(Problem(path, message))
        elif problems:  # a message that itself holds "; " goes on
            last = problems.pop()
            problems.append(Problem(last.path, f"{last.message}; {piece}"))
        else:
            problems.append(Problem("$", piece))
    return tuple(problems)


@dataclass
class _Tally:
    """What one category's moves add up to while the pool is evaluated."""

    eligible_before: int = 0
    eligible_after: int = 0

    def __post_init__(self) -> None:
        self.counts: dict[str, int] = {move: 0 for move in MOVES}
        self.examples: dict[str, list[str]] = {move: [] for move in MOVES}
        self.first: dict[str, Facts] = {}


def pool_impact(old: ir.Rulebook, new: ir.Rulebook, pool: Sequence[ProfileInput], as_of: date) -> PoolImpact:
    """Evaluate every valid profile under both rulebooks as of `as_of` and tally the moves per category."""
    pairs = match_categories(old, new)
    tallies = [_Tally() for _ in pairs]
    rejected = [p for p in pool if p.data is None]
    evaluated = 0
    for profile in pool:
        if profile.data is None:
            continue
        facts = facts_from_profile(profile.data)
        try:
            before = _category_verdicts(old, facts, as_of)
            after = _category_verdicts(new, facts, as_of)
        except EvaluationLimit as limit:
            rejected.append(ProfileInput(profile.origin, None, (Problem("$", str(limit)),)))
            continue
        evaluated += 1
        for (old_category, new_category, _), tally in zip(pairs, tallies, strict=True):
            old_verdict = before[old_category.id] if old_category else Verdict.NOT_ELIGIBLE
            new_verdict = after[new_category.id] if new_category else Verdict.NOT_ELIGIBLE
            tally.eligible_before += old_verdict == Verdict.ELIGIBLE
            tally.eligible_after += new_verdict == Verdict.ELIGIBLE
            move = move_of(old_verdict, new_verdict)
            if move is None:
                continue
            tally.counts[move] += 1
            if len(tally.examples[move]) < EXAMPLES:
                tally.examples[move].append(facts.profile_id)
            tally.first.setdefault(move, facts)
    categories = []
    for (old_category, new_category, _), tally in zip(pairs, tallies, strict=True):
        shown = new_category or old_category
        assert shown is not None
        status = "added" if old_category is None else "removed" if new_category is None else "kept"
        explanations = {move: side_by_side(old, new, old_category, new_category, facts, as_of)
                        for move, facts in tally.first.items()}
        categories.append(CategoryImpact(
            shown.id, shown.name, status, tally.eligible_before, tally.eligible_after, dict(tally.counts),
            {move: tuple(ids) for move, ids in tally.examples.items()},
            {move: explanations[move] for move in MOVES if move in explanations},
        ))
    return PoolImpact(as_of, evaluated, tuple(rejected), tuple(categories), in_force_notes(old, new, as_of))


def _category_verdicts(rulebook: ir.Rulebook, facts: Facts, as_of: date) -> dict[str, Verdict]:
    """Verdicts only: the explanations of a move are built for the first profile of each move alone."""
    return {c.id: v for c, v in evaluate_verdicts(rulebook, facts, as_of, with_programs_and_score=False).categories}


def in_force_notes(old: ir.Rulebook, new: ir.Rulebook, as_of: date) -> tuple[str, ...]:
    """Comparing years means applying one year's rules on a day it was not in force: say so, once per rulebook."""
    return tuple(f"{as_of} is outside the in-force period of rulebook {r.year} ({r.in_force_from} to "
                 f"{r.in_force_until}); its rules are applied as written"
                 for r in (old, new) if not r.in_force_on(as_of))


def move_of(old: Verdict, new: Verdict) -> str | None:
    if old == new:
        return None
    if new == Verdict.ELIGIBLE:
        return GAINS
    if old == Verdict.ELIGIBLE:
        return LOSES
    return NOW_UNDETERMINED if new == Verdict.UNDETERMINED else NOW_DETERMINED


def side_by_side(old: ir.Rulebook, new: ir.Rulebook, old_category: ir.Category | None,
                  new_category: ir.Category | None, facts: Facts, as_of: date) -> SideBySide:
    old_result = _result_for(old, old_category, facts, as_of)
    new_result = _result_for(new, new_category, facts, as_of)
    return SideBySide(
        facts.profile_id,
        old_result.verdict.value if old_result else Verdict.NOT_ELIGIBLE.value,
        new_result.verdict.value if new_result else Verdict.NOT_ELIGIBLE.value,
        summarise(explain_category(old_result, old)) if old_result else None,
        summarise(explain_category(new_result, new)) if new_result else None,
    )


def _result_for(rulebook: ir.Rulebook, category: ir.Category | None, facts: Facts,
                as_of: date) -> CategoryResult | None:
    if category is None:
        return None
    return next(r for r in evaluate(rulebook, facts, as_of) if r.category.id == category.id)


def impact_json(impact: PoolImpact) -> dict[str, Any]:
    return {
        "as_of": impact.as_of.isoformat(),
        "notes": list(impact.notes),
        "profiles_read": impact.read,
        "profiles_evaluated": impact.evaluated,
        "rejected": [{"input": p.origin, "problems": [{"path": q.path, "message": q.message} for q in p.problems]}
                     for p in impact.rejected],
        "categories": [_category_json(c) for c in impact.categories],
    }


def _category_json(category: CategoryImpact) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "status": category.status,
        "eligible_before": category.eligible_before,
        "eligible_after": category.eligible_after,
        "moves": {move: {"count": category.counts[move], "examples": list(category.examples[move])}
                  for move in MOVES},
        "explanations": {move: {"profile": side.profile, "old_verdict": side.old_verdict,
                                "new_verdict": side.new_verdict,
                                "old": side.old.to_json() if side.old else None,
                                "new": side.new.to_json() if side.new else None}
                         for move, side in category.explanations.items()},
    }
