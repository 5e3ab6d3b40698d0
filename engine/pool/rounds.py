"""A round of invitations over a pool: rank the eligible by CRS (highest first), then by submission time (earliest
first), invite the first N, and report the cut-off score, the tie-break date-time and who was invited.

Eligibility for a category round is the category's verdict; for a program round, the program among the profile's
eligible programs; for a round open to all candidates, any program. A candidate whose verdict is undetermined, or who
has no CRS or no submission time, cannot be ranked: they are counted apart, never silently invited or dropped; so
is a profile submitted after the day of the round (it was not in the pool yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine import ir
from engine.explain.standing import bound_note
from engine.model.facts import PROGRAMS
from engine.pool.load import POOL_VIEW
from engine.sql.duckdb_backend import RESULT_VIEW


class RoundUnsupported(Exception):
    """The round draws from a grouping the profile model cannot tell (a provincial nomination)."""


@dataclass(frozen=True, slots=True)
class RoundSpec:
    """What a round asks: from which grouping, how many, as of which day; and its published outcome, if held."""

    label: str
    grouping: str
    target: str | None
    invitations: int
    as_of: date
    published_lowest_crs: int | None = None
    published_tie_break: datetime | None = None


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    spec: RoundSpec
    eligible: int
    undetermined: int
    unranked: int
    submitted_later: int
    invited: int
    lowest_crs: int | None
    tie_break: datetime | None
    by_category: dict[str, int]
    by_program: dict[str, int]
    lower_bounds: int = 0  # ranked profiles whose CRS is only a lower bound (a pending rule could raise it)
    bound_note: str | None = None


def spec_of(round_: ir.Round) -> RoundSpec:
    return RoundSpec(f"round {round_.number}: {round_.title}", round_.grouping, round_.target, round_.invitations,
                     round_.held_on, round_.lowest_crs, round_.tie_break)


def columns_ranked(rulebook: ir.Rulebook) -> tuple[str, ...]:
    """The verdict columns a round reads: who may be ranked and how (a category's verdict, the programs, the CRS and
    where it comes from) and what the invited are counted by. Not the reasons."""
    return ("line", "id", "crs", "crs_source", "programs", *(category.id for category in rulebook.categories))


def simulate(connection: Any, rulebook: ir.Rulebook, spec: RoundSpec) -> RoundOutcome:
    """Rank and invite over the `verdicts` table (one row per profile, from a batch run as of the round's day)."""
    eligible, undetermined = _condition(rulebook, spec)
    day_after = f"TIMESTAMP '{spec.as_of + timedelta(days=1)} 00:00:00'"
    rankable = f"({eligible}) AND v.crs IS NOT NULL AND p.submitted_at < {day_after}"
    # Only the invited are ranked (a top N, not a sort of every eligible profile): what the round reports of the
    # others is counted below.
    connection.execute(f"""
        CREATE OR REPLACE TEMP TABLE ranked AS
        SELECT *, row_number() OVER (ORDER BY crs DESC, submitted_at, id, line) AS rank FROM (
            SELECT v.*, p.submitted_at FROM {RESULT_VIEW} v JOIN {POOL_VIEW} p ON p._line = v.line
            WHERE {rankable}
            ORDER BY v.crs DESC, p.submitted_at, v.id, v.line LIMIT {int(spec.invitations)})""")
    counts = connection.execute(f"""
        SELECT count(*) FILTER (WHERE {eligible}), count(*) FILTER (WHERE {undetermined}),
               count(*) FILTER (WHERE ({eligible}) AND (v.crs IS NULL OR p.submitted_at IS NULL)),
               count(*) FILTER (WHERE ({eligible}) AND p.submitted_at >= {day_after}),
               count(*) FILTER (WHERE {rankable} AND v.crs_source = 'lower_bound')
        FROM {RESULT_VIEW} v JOIN {POOL_VIEW} p ON p._line = v.line
        WHERE ({eligible}) OR ({undetermined})""").fetchone()
    assert counts is not None
    invited_where = f"rank <= {int(spec.invitations)}"
    last = connection.execute(f"SELECT count(*), min(crs), max(rank) FROM ranked WHERE {invited_where}").fetchone()
    assert last is not None
    tie_break = None
    if last[0]:
        found = connection.execute(f"SELECT submitted_at FROM ranked WHERE rank = {int(last[2])}").fetchone()
        tie_break = found[0] if found else None
    columns = [f"""count(*) FILTER (WHERE "{c.id}" = 'eligible')""" for c in rulebook.categories]
    columns += [f"count(*) FILTER (WHERE list_contains(programs, '{program}'))" for program in PROGRAMS]
    found = connection.execute(f"SELECT {', '.join(columns)} FROM ranked WHERE {invited_where}").fetchone()
    assert found is not None
    by_category = {c.id: int(n) for c, n in zip(rulebook.categories, found)}
    by_program = {program: int(n) for program, n in zip(PROGRAMS, found[len(rulebook.categories):])}
    bounded = int(counts[4])
    return RoundOutcome(spec, int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3]), int(last[0]),
                        int(last[1]) if last[1] is not None else None, tie_break, by_category, by_program,
                        bounded, bound_note(rulebook.pending_on(spec.as_of)) if bounded else None)


def check_supported(rulebook: ir.Rulebook, spec: RoundSpec) -> None:
    """RoundUnsupported when the round draws from a grouping the verdicts cannot tell: before any work is done."""
    _condition(rulebook, spec)


def _condition(rulebook: ir.Rulebook, spec: RoundSpec) -> tuple[str, str]:
    """SQL conditions over a verdict row: eligible for the round; eligibility unknown."""
    if spec.grouping == "category":
        if spec.target not in {c.id for c in rulebook.categories}:
            known = ", ".join(c.id for c in rulebook.categories)
            raise RoundUnsupported(f"rulebook {rulebook.year} has no category '{spec.target}' (it has: {known})")
        column = 'v."' + str(spec.target) + '"'
        return f"{column} = 'eligible'", f"{column} = 'undetermined'"
    if spec.grouping == "program":
        if spec.target not in PROGRAMS:
            raise RoundUnsupported(f"a '{spec.target}' round draws on provincial nominations, which profiles do not "
                                   f"record; only {', '.join(PROGRAMS)} rounds can be simulated")
        return f"coalesce(list_contains(v.programs, '{spec.target}'), false)", "v.programs IS NULL"
    return "coalesce(len(v.programs) > 0, false)", "v.programs IS NULL"


def fit_warnings(connection: Any, rulebook: ir.Rulebook, spec: RoundSpec) -> list[str]:
    """What makes the round's outcome on this pool doubtful: a rulebook not in force on the round's day, or a pool
    that describes a later day (profiles submitted after the round, tests and jobs dated after it)."""
    warnings = []
    day = spec.as_of
    if not rulebook.in_force_on(day):
        warnings.append(f"the round's day {day} is outside the in-force period of rulebook {rulebook.year} "
                        f"({rulebook.in_force_from} to {rulebook.in_force_until}); its rules are applied as written")
    day_after = f"TIMESTAMP '{day + timedelta(days=1)} 00:00:00'"
    after = f"DATE '{day}'"
    found = connection.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE submitted_at >= {day_after}),
               count(*) FILTER (WHERE (submitted_at IS NULL OR submitted_at < {day_after}) AND (
                   coalesce(len(list_filter(language_tests, lambda t: t.date > {after})), 0) > 0
                   OR coalesce(len(list_filter(work_history, lambda j: j.start > {after})), 0) > 0))
        FROM {POOL_VIEW}""").fetchone()
    assert found is not None
    rows, later, dated_later = (int(n) for n in found)
    if later:
        warnings.append(f"{later:,} of {rows:,} profiles were submitted after the round's day ({day}): the pool "
                        f"describes a later day, and the round draws on the {rows - later:,} already in it")
    if dated_later:
        warnings.append(f"{dated_later:,} profiles submitted by the round's day give a language test or a job dated "
                        f"after it: the pool's facts are not those of {day}")
    return warnings


def outcome_json(outcome: RoundOutcome) -> dict[str, Any]:
    spec = outcome.spec
    return {
        "round": spec.label,
        "grouping": spec.grouping,
        "target": spec.target,
        "as_of": spec.as_of.isoformat(),
        "invitations": spec.invitations,
        "eligible": outcome.eligible,
        "undetermined": outcome.undetermined,
        "eligible_but_unranked": outcome.unranked,
        "eligible_but_submitted_after_the_round": outcome.submitted_later,
        "invited": outcome.invited,
        "lowest_crs": outcome.lowest_crs,
        "tie_break": _moment(outcome.tie_break),
        "invited_by_category": outcome.by_category,
        "invited_by_program": outcome.by_program,
        **({"ranked_by_lower_bound": outcome.lower_bounds, "note": outcome.bound_note} if outcome.lower_bounds else {}),
        "published": None if spec.published_lowest_crs is None else {
            "lowest_crs": spec.published_lowest_crs, "tie_break": _moment(spec.published_tie_break)},
    }


def outcome_text(outcome: RoundOutcome) -> str:
    spec = outcome.spec
    grouping = "all candidates" if spec.grouping == "all" else f"{spec.grouping} {spec.target}"
    lines = [
        f"{spec.label} ({grouping}, as of {spec.as_of})",
        f"  eligible {outcome.eligible:,}; undetermined {outcome.undetermined:,}; eligible but without CRS or "
        f"submission time {outcome.unranked:,}; submitted after the round {outcome.submitted_later:,}",
        f"  invited {outcome.invited:,} of {spec.invitations:,}",
        f"  lowest CRS invited {outcome.lowest_crs if outcome.lowest_crs is not None else '-'}; "
        f"tie-break {_moment(outcome.tie_break) or '-'}",
    ]
    if spec.published_lowest_crs is not None:
        lines.append(f"  published: lowest CRS {spec.published_lowest_crs}; tie-break "
                     f"{_moment(spec.published_tie_break) or '-'}")
    lines.append("  invited by category: " + ", ".join(f"{k} {v:,}" for k, v in outcome.by_category.items()))
    lines.append("  invited by program: " + ", ".join(f"{k} {v:,}" for k, v in outcome.by_program.items()))
    if outcome.lower_bounds:
        lines.append(f"  note: {outcome.lower_bounds:,} ranked profiles have a CRS that is only a lower bound "
                     f"({outcome.bound_note}): the ranking and the lowest CRS invited may differ")
    return "\n".join(lines)


def _moment(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None
