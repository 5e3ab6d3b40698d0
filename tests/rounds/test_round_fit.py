"""`rules round` says when the pool or the rulebook does not fit the round: a 2023 round simulated on a pool made as
of 2025 used to report its invitations without a word."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import main
from tests.conftest import ROOT

RULES_COMMAND = Path(sys.executable).parent / "rules"


@pytest.fixture(scope="module")
def pool_2025(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pool") / "pool.parquet"
    subprocess.run([str(RULES_COMMAND), "pool", "synth", "--size", "400", "--seed", "5", "--as-of", "2025-06-01",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=300)
    return out


def run(*arguments: str) -> Result:
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_a_2023_round_on_a_pool_of_2025_is_flagged(pool_2025: Path) -> None:
    result = run("round", "254", "--pool", str(pool_2025))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert any("profiles were submitted after the round's day (2023-07-05): the pool describes a later day" in w
               for w in warnings)
    assert any("give a language test or a job dated after it" in w for w in warnings)
    document = json.loads(run("round", "254", "--pool", str(pool_2025), "--format", "json").stdout)
    assert [w for w in document["warnings"] if "submitted after the round's day" in w]


def test_a_round_the_pool_describes_has_no_warning(pool_2025: Path) -> None:
    result = run("round", "373", "--pool", str(pool_2025))
    assert "warning:" not in result.stderr
    assert json.loads(run("round", "373", "--pool", str(pool_2025), "--format", "json").stdout)["warnings"] == []


def test_a_rulebook_not_in_force_on_the_round_s_day_is_flagged(pool_2025: Path) -> None:
    result = run("round", "--pool", str(pool_2025), "--year", "2025", "--category", "french", "--invitations", "10",
                 "--as-of", "2023-07-05")
    assert ("warning: the round's day 2023-07-05 is outside the in-force period of rulebook 2025 (2025-02-27 to "
            "2026-02-17); its rules are applied as written") in result.stderr
