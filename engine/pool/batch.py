"""Batch evaluation: one row per profile of a pool, with a verdict and a reason code per category.

Two engines give the same rows: `duckdb` compiles the rule trees to SQL (the default, for whole pools) and `python`
runs the single-profile evaluator on each row (the reference the SQL backend is tested against).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from engine import ir
from engine.eval.traced import EvaluationLimit, Trace, Verdict
from engine.eval.verdicts import ProfileVerdicts, evaluate_verdicts
from engine.ir.reasons import conjuncts, first_failed_part, first_unknown_part, undetermined_reasons
from engine.model.facts import facts_from_profile
from engine.model.quantities import Points
from engine.model.row_facts import facts_from_row
from engine.pool.load import POOL_VIEW, LoadedPool, Reject
from engine.sql.duckdb_backend import RESULT_VIEW, time_limit

FETCH = 10_000


@dataclass(frozen=True, slots=True)
class BatchSummary:
    rows_in: int
    evaluated: int
    rejected: int
    counts: dict[str, dict[str, int]]
    lower_bounds: int = 0


def result_columns(rulebook: ir.Rulebook) -> list[str]:
    columns = ["line", "id", "crs", "crs_source", "programs"]
    for category in rulebook.categories:
        columns += [category.id, f"{category.id}_reason"]
    return columns


def python_verdict_rows(connection: Any, rulebook: ir.Rulebook, as_of: date,
                        progress: Callable[[int], None] | None = None,
                        documents: Mapping[int, Mapping[str, Any]] | None = None,
                        ) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Every profile through the single-profile evaluator, without a trace (from the profile as read when `documents`
    has it); a profile that exceeds the evaluation limit is rejected."""
    results: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for row in _pool_rows(connection):
        document = documents.get(int(row["_line"])) if documents is not None else None
        facts = facts_from_profile(document) if document is not None else facts_from_row(row)
        try:
            # Programs and the score are evaluated only for a profile that leaves one of them to the rules.
            stated = row["crs"] is not None and row["eligible_programs"] is not None
            evaluated = evaluate_verdicts(rulebook, facts, as_of, with_programs_and_score=not stated)
            crs, source = crs_of(evaluated, row["crs"])
            record: dict[str, Any] = {"line": row["_line"], "id": row["id"], "crs": crs, "crs_source": source,
                                      "programs": programs_of(rulebook, evaluated, row["eligible_programs"])}
            for category, verdict in evaluated.categories:
                record[category.id] = str(verdict)
                record[f"{category.id}_reason"] = (
                    first_failed_part(category, evaluated.value_of) if verdict == Verdict.NOT_ELIGIBLE else
                    first_unknown_part(category, evaluated.value_of) if verdict == Verdict.UNDETERMINED else None)
        except EvaluationLimit as limit:
            rejects.append(Reject(int(row["_line"]), str(limit)))
            continue
        results.append(record)
        if progress is not None:
            progress(1)
    return results, rejects


def crs_of(evaluated: ProfileVerdicts, given: int | None) -> tuple[int | None, str | None]:
    """The profile's CRS and where it comes from: its own `crs` ("given"), else the score version in force on the
    as-of date ("computed", or "lower_bound" when a pending rule in force could reach the profile: the law may add
    points the rules do not encode); (None, None) when a fact the score needs is missing or no version is in force."""
    if given is not None:
        return int(given), "given"
    total = evaluated.score_total
    if isinstance(total, Points) and not evaluated.score_given:
        return total.amount, "lower_bound" if evaluated.bounded_by else "computed"
    return None, None


def programs_of(rulebook: ir.Rulebook, evaluated: ProfileVerdicts, given: list[str] | None) -> list[str] | None:
    """The programs the profile gives; when it gives none and the rulebook declares programs, those whose verdict is
    eligible (in the rulebook's order). A rulebook without programs leaves the column as given."""
    if given is not None or not rulebook.programs:
        return given
    return [program.id for program, verdict in evaluated.programs if verdict == Verdict.ELIGIBLE]


def reason_for(category: ir.Category, trace: Trace) -> str | None:
    """The reason of a verdict from its trace: the first false part of a `not_eligible` one, the first undecided
    part of an `undetermined` one (with the facts it reads), None for `eligible`."""
    if trace.value is True:
        return None
    parts = conjuncts(category)
    if trace.value is False:
        if len(parts) == 1:
            return parts[0][0]
        return next((code for (code, _), child in zip(parts, trace.children) if child.value is False), None)
    unknown = undetermined_reasons(category)
    if len(parts) == 1:
        return unknown[0]
    return next((reason for reason, child in zip(unknown, trace.children)
                 if child.value is not True and child.value is not False), unknown[0])


def _pool_rows(connection: Any) -> Iterator[dict[str, Any]]:
    """The pool's rows in line order, as Arrow gives their values to Python (dates as dates, records as dicts)."""
    with connection.sql(f"SELECT * FROM {POOL_VIEW} ORDER BY _line").to_arrow_reader(FETCH) as batches:
        for batch in batches:
            yield from batch.to_pylist()


def register_python_results(connection: Any, rulebook: ir.Rulebook, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa

    fields = [("line", pa.int64()), ("id", pa.string()), ("crs", pa.int32()), ("crs_source", pa.string()),
              ("programs", pa.list_(pa.string()))]
    for category in rulebook.categories:
        fields += [(category.id, pa.string()), (f"{category.id}_reason", pa.string())]
    table = pa.Table.from_pylist(rows, schema=pa.schema(fields))
    connection.register("python_verdicts", table)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {RESULT_VIEW} AS SELECT * FROM python_verdicts")
    connection.unregister("python_verdicts")


@contextmanager
def replaced_at_end(*paths: Path) -> Iterator[tuple[Path, ...]]:
    """Temporary files beside `paths` (hidden, named after them) to write to; when the block ends normally each
    replaces its path by a rename, else it is removed. A batch stopped part-way (killed, out of disk) thus never
    leaves an output that looks complete: at worst a `.NAME.*.partial` file, and any earlier output untouched."""
    temporaries = [path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial") for path in paths]
    try:
        yield tuple(temporaries)
        for temporary, path in reversed(list(zip(temporaries, paths))):
            os.replace(temporary, path)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def write_results(connection: Any, out: Path, written: Path | None = None) -> None:
    """The verdicts, in the format `out`'s extension names, to `written` (a temporary file) or else `out`."""
    with time_limit(connection):  # a lazy batch computes its verdicts here
        connection.execute(f"COPY (SELECT * FROM {RESULT_VIEW} ORDER BY line) TO {_literal(written or out)} "
                           f"{output_format(out)}")


def write_rejects(connection: Any, rejects: list[Reject], out: Path, written: Path | None = None) -> None:
    """The rejected rows, by line. With none, the same empty file is written without Arrow (whose import costs a run
    of a clean pool about 45 ms)."""
    target = f"{_literal(written or out)} {output_format(out)}"
    if not rejects:
        connection.execute(f"COPY (SELECT CAST(NULL AS BIGINT) AS line, CAST(NULL AS VARCHAR) AS reason WHERE false) "
                           f"TO {target}")
        return
    import pyarrow as pa

    table = pa.table({"line": pa.array([r.line for r in rejects], pa.int64()),
                      "reason": pa.array([r.reason for r in rejects], pa.string())})
    connection.register("rejects", table)
    connection.execute(f"COPY (SELECT * FROM rejects ORDER BY line) TO {target}")
    connection.unregister("rejects")


def summarise(connection: Any, rulebook: ir.Rulebook, pool: LoadedPool, rejects: list[Reject],
              written: Path | None = None) -> BatchSummary:
    """The counts per category and verdict, from the verdicts in the connection or, given `written`, from the file
    they were written to (so a lazy view of verdicts is computed once)."""
    source = RESULT_VIEW if written is None else _reader(written, [c.id for c in rulebook.categories] + ["crs_source"])
    columns = [f'"{category.id}"' for category in rulebook.categories] + ["crs_source"]
    connection.execute(f"CREATE OR REPLACE TEMP TABLE verdict_counts AS SELECT {', '.join(columns)} FROM {source}")
    counts: dict[str, dict[str, int]] = {}
    for category, column in zip(rulebook.categories, columns):
        found = dict(connection.execute(f"SELECT {column}, count(*) FROM verdict_counts GROUP BY 1").fetchall())
        counts[category.id] = {v: int(found.get(v, 0)) for v in ("eligible", "not_eligible", "undetermined")}
    evaluated = connection.execute("SELECT count(*), count(*) FILTER (WHERE crs_source = 'lower_bound') "
                                   "FROM verdict_counts").fetchone()
    assert evaluated is not None
    return BatchSummary(pool.rows_in, int(evaluated[0]), len(rejects), counts, int(evaluated[1]))


def _reader(path: Path, categories: list[str]) -> str:
    """A DuckDB table function reading back a verdict file written by `write_results`."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({_literal(path)})"
    if suffix == ".csv":
        return f"read_csv({_literal(path)}, header = true, all_varchar = true)"
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in categories)
    return f"read_json({_literal(path)}, format = 'newline_delimited', columns = {{{columns}}})"


def output_format(out: Path) -> str:
    """The COPY options for an output file, by its extension; ValueError for an unknown one."""
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        return "(FORMAT parquet)"
    if suffix == ".csv":
        return "(FORMAT csv, HEADER true)"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "(FORMAT json)"
    raise ValueError(f"cannot write '{out.name}': use .parquet, .jsonl or .csv")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# Given the number of rows, a context that yields the function to call as rows are done (or None).
ProgressBar = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


def _no_progress(length: int) -> AbstractContextManager[None]:
    return nullcontext()


class EngineRefused(Exception):
    """`--engine duckdb` was asked for rules the SQL backend does not compile."""


def columns_read(rulebook: ir.Rulebook, as_of: date, engine_name: str | None) -> frozenset[str] | None:
    """The pool columns worth loading: those the SQL backend's statements name. None (every column) when the evaluator
    will run, since it reads whole profiles."""
    if engine_name == "python":
        return None
    from engine.sql.compile import SqlUnsupported, compile_rulebook

    try:
        return compile_rulebook(rulebook, as_of).pool_columns()
    except SqlUnsupported:
        return None


def register_verdicts(connection: Any, rulebook: ir.Rulebook, as_of: date, engine_name: str | None,
                      loaded: LoadedPool, progress: ProgressBar | None = None,
                      note: Callable[[str], None] = lambda _: None, lazy: bool = False,
                      kept: Sequence[str] | None = None) -> list[Reject]:
    """Every loaded profile's verdicts into the connection: by the SQL backend unless `engine_name` is "python",
    falling back to the evaluator (with a note) when the rules use what the backend does not compile and no engine
    was named. Returns the profiles the evaluator rejected for exceeding its limits. `lazy`: the SQL backend's
    verdicts are a view, computed when read (once, for a caller that writes them out and reads the file back); `kept`:
    the SQL backend computes only these columns (the evaluator's verdicts hold every column)."""
    if engine_name != "python":
        from engine.sql.compile import SqlUnsupported
        from engine.sql.duckdb_backend import register_sql_results

        try:
            register_sql_results(connection, rulebook, as_of, lazy, kept)
            return []
        except SqlUnsupported as error:
            if engine_name == "duckdb":
                raise EngineRefused(f"{error}; run with --engine python") from None
            note(f"note: the SQL backend does not compile {error}; each profile goes through the evaluator instead")
    with (progress or _no_progress)(loaded.rows_kept) as advance:
        rows, limited = python_verdict_rows(connection, rulebook, as_of, advance, loaded.documents)
    register_python_results(connection, rulebook, rows)
    return limited

