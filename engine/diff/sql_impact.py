"""Whom a change of rules affects, for a Parquet or CSV pool, through the SQL backend.

The pool is loaded once; each rulebook's verdicts are computed by DuckDB into a table of their own, and the moves per
category are counted by one query each. Only the first profile of each kind of move goes through the evaluator, for
its explanations side by side. The result is the `PoolImpact` the per-profile evaluator gives (`engine.diff.impact`),
which stays the engine of JSON Lines, JSON and YAML pools (read and checked line by line there), and of
`--engine python`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from engine import ir
from engine.diff.impact import (
    EXAMPLES,
    MOVES,
    NOW_DETERMINED,
    CategoryImpact,
    PoolImpact,
    in_force_notes,
    problems_of,
    side_by_side,
)
from engine.diff.rulebook_diff import match_categories
from engine.eval.traced import Verdict
from engine.model.facts import facts_from_profile
from engine.model.pool_columns import profile_from_row
from engine.model.profile import ProfileInput, validate

NOT_ELIGIBLE = f"'{Verdict.NOT_ELIGIBLE.value}'"


def sql_pool_impact(old: ir.Rulebook, new: ir.Rulebook, path: Path, as_of: date) -> PoolImpact:
    """Both rulebooks' verdicts for every row of the pool, as of `as_of`, and the moves per category. Raises
    `SqlUnsupported` when either rulebook uses what the backend does not compile, `PoolError` when the file cannot be
    read."""
    from engine.pool.load import POOL_VIEW, load_pool, pool_connection
    from engine.sql.duckdb_backend import RESULT_VIEW, register_sql_results

    connection = pool_connection()
    try:
        # Every column is kept: the first profile of each move is read back whole, for its explanations.
        loaded = load_pool(connection, path)
        for name, rulebook in (("old_verdicts", old), ("new_verdicts", new)):
            # A view, of which only the categories' verdicts are kept: the CRS and the programs' output columns are
            # not compiled (a category that reads a program's rule compiles it itself), and DuckDB leaves out the
            # reasons.
            register_sql_results(connection, rulebook, as_of, lazy=True, categories_only=True)
            columns = ", ".join(f'"{c.id}"' for c in rulebook.categories)
            connection.execute(f"CREATE TEMP TABLE {name} AS SELECT line, id, {columns} FROM {RESULT_VIEW}")
            connection.execute(f"DROP VIEW {RESULT_VIEW}")
        evaluated = connection.execute("SELECT count(*) FROM new_verdicts").fetchone()
        categories = []
        for old_category, new_category, _ in match_categories(old, new):
            categories.append(_category_impact(connection, old, new, old_category, new_category, as_of, loaded,
                                               POOL_VIEW))
        rejected = tuple(ProfileInput(f"{path}:{r.line}", None, problems_of(r.reason))
                         for r in sorted(loaded.rejects, key=lambda r: r.line))
    finally:
        connection.close()
    return PoolImpact(as_of, int(evaluated[0]) if evaluated else 0, rejected, tuple(categories),
                      in_force_notes(old, new, as_of))


def _category_impact(connection: Any, old: ir.Rulebook, new: ir.Rulebook, old_category: ir.Category | None,
                     new_category: ir.Category | None, as_of: date, loaded: Any, pool_view: str) -> CategoryImpact:
    before = f'o."{old_category.id}"' if old_category else NOT_ELIGIBLE
    after = f'n."{new_category.id}"' if new_category else NOT_ELIGIBLE
    eligible = f"'{Verdict.ELIGIBLE.value}'"
    undetermined = f"'{Verdict.UNDETERMINED.value}'"
    move = (f"CASE WHEN {before} = {after} THEN NULL WHEN {after} = {eligible} THEN 'gains' "
            f"WHEN {before} = {eligible} THEN 'loses' WHEN {after} = {undetermined} THEN 'now_undetermined' "
            f"ELSE '{NOW_DETERMINED}' END")
    moves = f"SELECT n.line, n.id, {before} AS before, {after} AS after, {move} AS move " \
            f"FROM old_verdicts o JOIN new_verdicts n ON n.line = o.line"
    totals = connection.execute(f"SELECT count(*) FILTER (before = {eligible}), count(*) FILTER (after = {eligible}) "
                                f"FROM ({moves})").fetchone()
    found = {row[0]: row[1:] for row in connection.execute(
        f"SELECT move, count(*), list(id ORDER BY line)[1:{EXAMPLES}], min(line) FROM ({moves}) "
        f"WHERE move IS NOT NULL GROUP BY move").fetchall()}
    explanations = {}
    for kind in MOVES:
        if kind in found:
            facts = facts_from_profile(_profile_at(connection, loaded, pool_view, int(found[kind][2])))
            explanations[kind] = side_by_side(old, new, old_category, new_category, facts, as_of)
    shown = new_category or old_category
    assert shown is not None and totals is not None
    status = "added" if old_category is None else "removed" if new_category is None else "kept"
    return CategoryImpact(shown.id, shown.name, status, int(totals[0]), int(totals[1]),
                          {kind: int(found[kind][0]) if kind in found else 0 for kind in MOVES},
                          {kind: tuple(found[kind][1]) if kind in found else () for kind in MOVES},
                          explanations)


def _profile_at(connection: Any, loaded: Any, pool_view: str, line: int) -> dict[str, Any]:
    """The profile of one line of the pool, as the evaluator reads it (as written for JSON Lines and CSV)."""
    documents = loaded.documents
    document = documents.get(line) if documents is not None else None
    if document is None:
        cursor = connection.execute(f"SELECT * FROM {pool_view} WHERE _line = ?", [line])
        names = [column[0] for column in cursor.description]
        values = cursor.fetchone()
        document = profile_from_row(dict(zip(names, values, strict=True)))
    profile = validate(document, f"line {line}")
    assert profile.data is not None, profile.problems
    return dict(profile.data)
