"""Running the compiled rules in DuckDB (embedded: nothing to start) over the pool view."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb

from engine import ir
from engine.sql.compile import compile_rulebook
from engine.sql.dialect import DUCKDB

RESULT_VIEW = "verdicts"  # the view (or table) of one row of verdicts per profile that batches and rounds read
# The longest a statement of the SQL backend may run. A pool of a million profiles takes about a minute on two
# cores; past this, a statement is interrupted rather than left to run on.
STATEMENT_SECONDS = 1_800.0


@contextmanager
def time_limit(connection: Any, seconds: float = STATEMENT_SECONDS) -> Iterator[None]:
    """The statements run in the block are interrupted once they have run `seconds` (DuckDB has no statement
    timeout of its own: a timer interrupts the connection), and the error says which limit stopped them."""
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        connection.interrupt()

    timer = threading.Timer(seconds, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.InterruptException:
        if not fired.is_set():
            raise
        raise duckdb.InterruptException(f"the SQL backend stopped after {seconds:,g} s, the time limit of its "
                                        "statements (STATEMENT_SECONDS)") from None
    finally:
        timer.cancel()


def register_sql_results(connection: Any, rulebook: ir.Rulebook, as_of: date, lazy: bool = False,
                         kept: Sequence[str] | None = None, categories_only: bool = False) -> None:
    """Evaluate the pool view `pool` into the table `verdicts` (one row per profile); `lazy`: a view instead, for a
    caller that reads it once (a batch streams it to its output file rather than keeping a copy in memory); `kept`:
    only these columns, for a caller that reads no other (DuckDB then leaves out what only the others need, such as
    the reasons); `categories_only`: nothing of the CRS or programs is computed (`compile_rulebook`)."""
    compiled = compile_rulebook(rulebook, as_of, DUCKDB, categories_only=categories_only)
    kind = "VIEW" if lazy else "TABLE"
    query = compiled.query
    if kept is not None:
        query = f"SELECT {', '.join(DUCKDB.ident(column) for column in kept)} FROM ({query}) results"
    with time_limit(connection):
        for view in compiled.views:
            connection.execute(view)
        connection.execute(f"CREATE OR REPLACE TEMP {kind} {RESULT_VIEW} AS {query}")
