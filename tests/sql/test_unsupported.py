"""A rule the SQL backend cannot compile: by default the evaluator takes over and says so; asked for DuckDB
explicitly, the command refuses with the rule's location and the way out. Never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from engine.cli.main import main

MOVING_WINDOW = """
occupations nurses "Nurses" cite src { 31301 "Registered nurses" teer 1 }
category young_nurse "Nursing since birth" cite src {
  eligible when any code in worked_in(nurses): hours_worked(code, within 3 years before date_of_birth) >= 1 hours
}
"""


def test_a_period_that_moves_with_each_profile_is_refused_by_sql_and_evaluated_in_python(
        tmp_path: Path, write_rules: Callable[..., Path]) -> None:
    folder = write_rules(MOVING_WINDOW)
    pool = tmp_path / "pool.jsonl"
    pool.write_text(json.dumps({"id": "a", "date_of_birth": "1990-01-01", "work_history": []}) + "\n")
    arguments = ["batch", str(pool), "--rules", str(folder), "--as-of", "2025-06-01",
                 "--out", str(tmp_path / "o.csv")]
    refused = CliRunner().invoke(main, [*arguments, "--engine", "duckdb"])
    assert refused.exit_code == 2
    assert "main.rules:6: a period must have a fixed length" in refused.output and "--engine python" in refused.output
    evaluated = CliRunner().invoke(main, arguments)
    assert evaluated.exit_code == 0, evaluated.output
    assert "note: the SQL backend does not compile" in evaluated.output
    assert "not_eligible" in (tmp_path / "o.csv").read_text()
