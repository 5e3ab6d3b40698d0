"""The SQL backend's work is bounded: definitions shared by many rules are written once, and SQL past the node limit
is refused (naming the limit and the category) before a character of it is written; the evaluator still runs it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from engine.lower.rulebook import Compiler
from engine.sql.compile import SqlUnsupported, compile_rulebook
from engine.sql.context import MAX_SQL_NODES
from engine.sql.duckdb_backend import time_limit

AS_OF = date(2025, 6, 1)


def test_a_statement_past_its_time_limit_is_interrupted_with_a_message_naming_the_limit() -> None:
    """A join of a million rows with a million rows would run for hours."""
    connection = duckdb.connect()
    with pytest.raises(duckdb.InterruptException) as stopped, time_limit(connection, 0.2):
        connection.execute("SELECT sum(a.range * b.range) FROM range(1000000) a, range(1000000) b").fetchall()
    assert str(stopped.value) == "the SQL backend stopped after 0.2 s, the time limit of its statements " \
        "(STATEMENT_SECONDS)"
    assert connection.execute("SELECT 1 + 1").fetchone() == (2,)  # the connection still serves


def doubling(levels: int, parameter: bool) -> str:
    """`d(n) = d(n-1) and d(n-1)`, `levels` deep: written out in full, a rule of 2^levels parts."""
    if parameter:
        lines = ['define bomb_0(n: count) "d" cite src = n >= 1']
        lines += [f'define bomb_{i}(n: count) "d" cite src = bomb_{i - 1}(n) and bomb_{i - 1}(n)'
                  for i in range(1, levels + 1)]
        use = f"bomb_{levels}(count(work_history))"
    else:
        lines = ['define bomb_0 "d" cite src = count(work_history) >= 1']
        lines += [f'define bomb_{i} "d" cite src = bomb_{i - 1} and bomb_{i - 1}' for i in range(1, levels + 1)]
        use = f"bomb_{levels}"
    return "\n".join([*lines, f'category c "C" cite src {{ eligible when {use} }}']) + "\n"


def test_definitions_that_double_are_each_one_column_so_the_sql_grows_with_the_file(
        write_rules: Callable[..., Path]) -> None:
    rulebook, _ = Compiler().compile_folder(write_rules(doubling(16, parameter=False)))
    compiled = compile_rulebook(rulebook, AS_OF)
    assert [f"_bomb_{level}" in compiled.query for level in range(16)] == [True] * 16
    assert len(compiled.query) < 5_000  # written out, the rule holds 131,071 parts


def test_sql_past_the_node_limit_is_refused_naming_the_limit_and_the_category(
        write_rules: Callable[..., Path]) -> None:
    """A definition with a parameter is copied where it is called: 16 levels would write 327,679 nodes. The copy
    past the limit stops the compiler; the evaluator still runs the rules."""
    folder = write_rules(doubling(16, parameter=True))
    rulebook, _ = Compiler().compile_folder(folder)
    with pytest.raises(SqlUnsupported) as refused:
        compile_rulebook(rulebook, AS_OF)
    line = 2 + 17 + 1  # the header's two lines, the definitions, then the category that calls the last one
    assert str(refused.value) == (f"{folder / 'main.rules'}:{line}: definition 'bomb_16' compiles to SQL of 327,679 "
                                  f"nodes; the limit on compiled SQL (MAX_SQL_NODES) is {MAX_SQL_NODES:,}")
