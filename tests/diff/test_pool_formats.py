"""`rules diff --pool` reads every format `rules batch` reads (Parquet, JSON Lines, CSV), and a pool it cannot read
is an error (exit 2), never "no profile changes verdict"."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine import ir
from engine.cli.commands.diff import diff_command
from engine.diff.impact import PoolImpact, impact_json, pool_impact, read_pool
from tests.conftest import ROOT

RULES_COMMAND = Path(sys.executable).parent / "rules"
CSV_COLUMNS = ("id", "submitted_at", "date_of_birth", "eligible_programs", "crs", "language_tests", "work_history")


@pytest.fixture(scope="module")
def pools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same synthetic pool written as Parquet and as JSON Lines by `rules pool synth`."""
    folder = tmp_path_factory.mktemp("pools")
    written = {}
    for suffix in ("parquet", "jsonl"):
        out = folder / f"pool.{suffix}"
        subprocess.run([str(RULES_COMMAND), "pool", "synth", "--size", "120", "--seed", "3", "--as-of", "2025-06-01",
                        "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=300)
        written[suffix] = out
    return written


def counts(impact: PoolImpact) -> dict[str, Any]:
    document = impact_json(impact)
    return {"read": document["profiles_read"], "evaluated": document["profiles_evaluated"],
            "categories": [(c["id"], c["eligible_before"], c["eligible_after"],
                            {m: v["count"] for m, v in c["moves"].items()}) for c in document["categories"]]}


def test_a_parquet_pool_gives_what_the_same_pool_in_json_lines_gives(
        pools: dict[str, Path], rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> None:
    day = date(2025, 6, 1)
    from_parquet = pool_impact(rulebook_2023, rulebook_2025, read_pool(pools["parquet"]), day)
    from_lines = pool_impact(rulebook_2023, rulebook_2025, read_pool(pools["jsonl"]), day)
    assert from_parquet.evaluated == 120
    assert counts(from_parquet) == counts(from_lines)
    assert any(c.changed for c in from_parquet.categories)


def test_a_csv_pool_is_read_like_batch_reads_it(pools: dict[str, Path], tmp_path: Path,
                                                rulebook_2023: ir.Rulebook, rulebook_2025: ir.Rulebook) -> None:
    """CSV carries the list columns as JSON text; the same profiles (cut to what CSV carries) give the same moves."""
    profiles = [json.loads(line) for line in pools["jsonl"].read_text(encoding="utf-8").splitlines()]
    cut = [{k: v for k, v in p.items() if k in CSV_COLUMNS} for p in profiles]
    with (tmp_path / "pool.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for profile in cut:
            writer.writerow({k: json.dumps(v) if isinstance(v, list) else ("" if v is None else v)
                             for k, v in profile.items()})
    (tmp_path / "pool.jsonl").write_text("".join(json.dumps(p) + "\n" for p in cut), encoding="utf-8")
    day = date(2025, 6, 1)
    from_csv = pool_impact(rulebook_2023, rulebook_2025, read_pool(tmp_path / "pool.csv"), day)
    from_lines = pool_impact(rulebook_2023, rulebook_2025, read_pool(tmp_path / "pool.jsonl"), day)
    assert from_csv.evaluated == 120
    assert counts(from_csv) == counts(from_lines)


def test_the_command_reads_parquet_and_says_who_moves(pools: dict[str, Path]) -> None:
    result = CliRunner().invoke(diff_command, ["2023", "2025", "--pool", str(pools["parquet"]), "--as-of",
                                               "2025-06-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    impact = json.loads(result.stdout)["impact"]
    assert impact["profiles_evaluated"] == 120 and impact["rejected"] == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("broken.parquet", b"not a parquet file", "not a readable Parquet file"),
    ("broken.yaml", b"- id: a\n  crs: [\n", "not valid YAML"),
    ("pool.txt", b"id\n", "a pool is a .parquet, .jsonl (JSON Lines) or .csv file"),
    ("missing.jsonl", None, "no such file"),
    ("latin1.jsonl", '{"id": "caf\xe9"}\n'.encode("latin-1"), "cannot read the file"),
])
def test_a_pool_that_cannot_be_read_exits_2(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = CliRunner().invoke(diff_command, ["2023", "2025", "--pool", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "no profile changes verdict" not in result.stdout


def test_a_json_file_of_json_lines_is_read_as_batch_reads_it(pools: dict[str, Path], tmp_path: Path) -> None:
    """`rules batch` reads a `.json` pool as JSON Lines; a JSON list of profiles is read as a list."""
    lines = tmp_path / "pool.json"
    lines.write_text(pools["jsonl"].read_text(encoding="utf-8"), encoding="utf-8")
    assert len([p for p in read_pool(lines) if p.data is not None]) == 120
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([json.loads(line) for line in pools["jsonl"].read_text("utf-8").splitlines()]),
                      encoding="utf-8")
    assert len([p for p in read_pool(listed) if p.data is not None]) == 120
