"""A Parquet pool is held in memory with only the columns the compiled rules name (and those the row checks and rounds
read); the verdicts are those of the whole pool, and the evaluator, which reads whole profiles, still gets every
column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.pool.batch import columns_read
from engine.pool.load import ALWAYS_KEPT, load_pool, pool_connection
from tests.conftest import GIVEN_PROGRAMS

AS_OF = date(2025, 6, 1)


def _pool(tmp_path: Path) -> Path:
    path = tmp_path / "pool.parquet"
    result = CliRunner().invoke(main, ["pool", "synth", "--size", "300", "--seed", "7", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_category_rules_that_read_no_spouse_leave_the_spouse_column_unloaded(
        given_programs_2025: ir.Rulebook, rulebook_2025: ir.Rulebook) -> None:
    named = columns_read(given_programs_2025, AS_OF, None)
    assert named is not None
    assert "spouse" not in named and "date_of_birth" not in named and "work_history" in named
    shipped = columns_read(rulebook_2025, AS_OF, None)
    assert shipped is not None and {"spouse", "date_of_birth", "education", "job_offer"} <= shipped
    assert columns_read(rulebook_2025, AS_OF, "python") is None


def test_the_pool_view_holds_the_kept_columns_only(tmp_path: Path) -> None:
    path = _pool(tmp_path)
    connection = pool_connection()
    load_pool(connection, path, {"language_tests"})
    columns = {row[0] for row in connection.execute("DESCRIBE pool").fetchall()}
    assert columns == {"_line", *ALWAYS_KEPT}


def test_batch_verdicts_are_the_same_as_the_evaluators_on_a_pool_loaded_in_part(tmp_path: Path) -> None:
    path = _pool(tmp_path)
    for engine in ("duckdb", "python"):
        out = tmp_path / f"{engine}.parquet"
        result = CliRunner().invoke(main, ["batch", str(path), "--rules", str(GIVEN_PROGRAMS / "2025"), "--as-of",
                                           "2025-06-01", "--engine", engine, "--out", str(out)])
        assert result.exit_code == 0, result.output
    differing = duckdb.connect().execute(
        f"SELECT count(*) FROM (SELECT * FROM '{tmp_path / 'duckdb.parquet'}' EXCEPT ALL "
        f"SELECT * FROM '{tmp_path / 'python.parquet'}')").fetchone()
    assert differing == (0,)
