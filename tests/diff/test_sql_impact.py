"""`rules diff --pool` on a Parquet or CSV pool counts the moves through the SQL backend; what it reports (counts,
example ids, the explanations side by side, the rejected rows) is what the per-profile evaluator reports."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from engine import ir
from engine.cli.commands.diff import diff_command
from engine.diff.impact import impact_json, pool_impact, read_pool
from engine.diff.sql_impact import sql_pool_impact
from tests.conftest import ROOT

RULES_COMMAND = Path(sys.executable).parent / "rules"


@pytest.fixture(scope="module")
def parquet_pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic pool of 300 profiles, two of them broken: a CRS out of range and a job ending before it starts."""
    folder = tmp_path_factory.mktemp("pool")
    out = folder / "pool.parquet"
    subprocess.run([str(RULES_COMMAND), "pool", "synth", "--size", "300", "--seed", "11", "--as-of", "2025-06-01",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    rows = pq.read_table(out).to_pylist()
    rows[17]["crs"] = 4000
    job = rows[42]["work_history"][0]
    job["end"] = job["start"].replace(year=job["start"].year - 1)
    pq.write_table(pq.read_table(out).from_pylist(rows, schema=pq.read_schema(out)), out)
    return out


@pytest.mark.parametrize(("old_year", "new_year", "day"), [("2023", "2025", date(2025, 6, 1)),
                                                           ("2025", "2026", date(2026, 3, 1))])
def test_the_sql_backend_reports_what_the_evaluator_reports(parquet_pool: Path, old_year: str, new_year: str,
                                                            day: date, request: pytest.FixtureRequest) -> None:
    old: ir.Rulebook = request.getfixturevalue(f"rulebook_{old_year}")
    new: ir.Rulebook = request.getfixturevalue(f"rulebook_{new_year}")
    through_sql = impact_json(sql_pool_impact(old, new, parquet_pool, day))
    through_evaluator = impact_json(pool_impact(old, new, read_pool(parquet_pool), day))
    assert through_sql == through_evaluator
    assert [r["input"] for r in through_sql["rejected"]] == [f"{parquet_pool}:18", f"{parquet_pool}:43"]
    assert any(c["moves"]["gains"]["count"] or c["moves"]["loses"]["count"] for c in through_sql["categories"])


def test_the_command_gives_the_same_document_with_either_engine(parquet_pool: Path) -> None:
    arguments = ["2023", "2025", "--pool", str(parquet_pool), "--as-of", "2025-06-01", "--format", "json"]
    by_sql = CliRunner().invoke(diff_command, arguments)
    by_evaluator = CliRunner().invoke(diff_command, [*arguments, "--engine", "python"])
    assert by_sql.exit_code == 0 and by_evaluator.exit_code == 0, by_sql.output + by_evaluator.output
    assert by_sql.stdout == by_evaluator.stdout
    assert json.loads(by_sql.stdout)["impact"]["profiles_evaluated"] == 298


def test_an_engine_without_a_pool_is_a_usage_error() -> None:
    result = CliRunner().invoke(diff_command, ["2023", "2025", "--engine", "duckdb"])
    assert result.exit_code == 2
    assert "--engine needs --pool" in result.stderr
