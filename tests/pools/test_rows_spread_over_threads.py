"""A pool too small to fill a table row group per thread is held as Arrow record batches, which DuckDB's threads
share: the verdicts, reasons, programs, CRS and rounds are those of the same pool held in a table, row for row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.pool import load
from engine.pool.load import POOL_VIEW, load_pool, pool_connection
from engine.pool.rounds import RoundSpec, simulate
from engine.sql.duckdb_backend import RESULT_VIEW, register_sql_results

AS_OF = date(2025, 6, 1)


def _pool(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"pool.{suffix}"
    result = CliRunner().invoke(main, ["pool", "synth", "--size", "400", "--seed", "11", "--year", "2025",
                                       "--as-of", AS_OF.isoformat(), "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _held_as_batches(connection: Any) -> bool:
    """Whether the pool view reads record batches (rather than a table)."""
    found = connection.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND sql LIKE '%pool_batches%'",
                               [POOL_VIEW]).fetchall()
    return bool(found[0][0])


def _evaluated(path: Path, rulebook: ir.Rulebook, spread: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        if spread:  # batches of 16 rows from the first row on, whatever the machine's number of cores
            patch.setattr(load, "SPREAD_MIN_ROWS", 0)
            patch.setattr(load, "VECTOR_ROWS", 16)
        connection = pool_connection()
        connection.execute("SET threads = 4")
        loaded = load_pool(connection, path)
        batches = _held_as_batches(connection)
        register_sql_results(connection, rulebook, AS_OF)
        verdicts = connection.execute(f"SELECT * FROM {RESULT_VIEW} ORDER BY line").fetchall()
        outcome = simulate(connection, rulebook, RoundSpec("a round", "category", "healthcare", 25, AS_OF))
        connection.close()
    return {"batches": batches, "rejects": loaded.rejects, "verdicts": verdicts,
            "round": outcome}


@pytest.mark.parametrize("suffix", ["parquet", "jsonl"])
def test_a_pool_held_as_record_batches_gives_what_the_table_gives(
        tmp_path: Path, suffix: str, rulebook_2025: ir.Rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _pool(tmp_path, suffix)
    in_table = _evaluated(path, rulebook_2025, False, monkeypatch)
    in_batches = _evaluated(path, rulebook_2025, True, monkeypatch)
    assert not in_table["batches"] and in_batches["batches"]
    assert len(in_table["verdicts"]) == 400
    assert in_batches["verdicts"] == in_table["verdicts"]
    assert in_batches["round"] == in_table["round"] and in_table["round"].invited > 0
    assert in_batches["rejects"] == in_table["rejects"]


def test_a_small_pool_or_one_thread_stays_in_its_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _pool(tmp_path, "parquet")
    for threads, minimum in ((4, 1_000), (1, 0)):
        with monkeypatch.context() as patch:
            patch.setattr(load, "SPREAD_MIN_ROWS", minimum)
            connection = pool_connection()
            connection.execute(f"SET threads = {threads}")
            load_pool(connection, path)
            batches = _held_as_batches(connection)
            connection.close()
        assert not batches, (threads, minimum)


def test_a_query_for_the_categories_alone_gives_their_verdicts_and_computes_no_score(
        tmp_path: Path, rulebook_2025: ir.Rulebook) -> None:
    """What `rules diff --pool` asks of each rulebook: the categories' verdicts, without the CRS and programs."""
    path = _pool(tmp_path, "parquet")
    found: dict[bool, list[dict[str, Any]]] = {}
    for categories_only in (False, True):
        connection = pool_connection()
        load_pool(connection, path)
        register_sql_results(connection, rulebook_2025, AS_OF, categories_only=categories_only)
        cursor = connection.execute(f"SELECT * FROM {RESULT_VIEW} ORDER BY line")
        names = [column[0] for column in cursor.description]
        found[categories_only] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        given = connection.execute(f"SELECT crs FROM {POOL_VIEW} ORDER BY _line").fetchall()
        connection.close()
    categories = [category.id for category in rulebook_2025.categories]
    assert [[row[c] for c in categories] for row in found[True]] == \
        [[row[c] for c in categories] for row in found[False]]
    assert [row["crs"] for row in found[True]] == [crs for (crs,) in given]
    assert {row["crs_source"] for row in found[False]} >= {"given", "computed"}
    assert {row["crs_source"] for row in found[True]} == {"given", None}
