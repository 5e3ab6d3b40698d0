"""A pool of raw facts, without scores or programs: `rules batch` writes the CRS and the programs the rules compute
(a given `crs` or `eligible_programs` is kept as given), and `rules round` ranks by that CRS, in both engines.

The expected scores are the worked profiles of `tests/scoring/test_crs.py` (507 and 483 points on 2025-06-01, under
the version of 2025-03-25).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.scoring.helpers import single_candidate
from tests.scoring.test_crs import executive

AS_OF = "2025-06-01"


def _profile(name: str, submitted: str, facts: dict[str, Any], **given: Any) -> dict[str, Any]:
    return {"id": name, "submitted_at": submitted, **facts, **given}


POOL = [
    # A single software developer, FSW and CEC: 507 points.
    _profile("developer", "2025-01-10T08:00:00Z", single_candidate()),
    # A bilingual executive with a job offer, FSW and CEC, French proficient: 483 points (no job-offer points).
    _profile("executive", "2025-02-01T09:30:00Z", executive()),
    # The same executive stating a CRS: the stated one is used.
    _profile("stated-score", "2025-03-01T10:00:00Z", executive(), crs=520),
    # Without a date of birth the age points are unknown, and so is the CRS; CEC still holds.
    _profile("no-birth-date", "2024-12-01T00:00:00Z",
             {k: v for k, v in executive().items() if k != "date_of_birth"}),
    # The developer stating FST as the only program: the stated programs are used.
    _profile("stated-programs", "2025-01-20T00:00:00Z", single_candidate(), eligible_programs=["fst"]),
]


@pytest.fixture
def pool(tmp_path: Path) -> Path:
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in POOL), encoding="utf-8")
    return path


def _run(*arguments: str) -> str:
    result = CliRunner().invoke(main, [*arguments, "--year", "2025"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_batch_writes_the_computed_crs_and_programs_unless_the_profile_gives_them(
        pool: Path, tmp_path: Path, engine: str) -> None:
    out = tmp_path / "out.jsonl"
    _run("batch", str(pool), "--as-of", AS_OF, "--out", str(out), "--engine", engine)
    rows = {row["id"]: row for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    found = {name: (row["crs"], row["crs_source"], row["programs"]) for name, row in rows.items()}
    assert found == {
        "developer": (507, "computed", ["fsw", "cec"]),
        "executive": (483, "computed", ["fsw", "cec"]),
        "stated-score": (520, "given", ["fsw", "cec"]),
        "no-birth-date": (None, None, ["cec"]),
        "stated-programs": (507, "computed", ["fst"]),
    }
    assert rows["executive"]["french"] == "eligible" and rows["developer"]["french"] == "not_eligible"


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_category_round_ranks_a_pool_without_scores_by_the_computed_crs(pool: Path, engine: str) -> None:
    outcome = json.loads(_run("round", "--category", "french", "--invitations", "2", "--as-of", AS_OF,
                              "--pool", str(pool), "--engine", engine, "--format", "json"))
    # French proficient: both executives and the one without a birth date, who has no CRS and cannot be ranked.
    assert (outcome["eligible"], outcome["eligible_but_unranked"]) == (3, 1)
    assert (outcome["invited"], outcome["lowest_crs"], outcome["tie_break"]) == (2, 483, "2025-02-01T09:30:00Z")


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_program_round_draws_on_the_computed_programs(pool: Path, engine: str) -> None:
    outcome = json.loads(_run("round", "--program", "cec", "--invitations", "2", "--as-of", AS_OF,
                              "--pool", str(pool), "--engine", engine, "--format", "json"))
    # CEC by the rules: the developer (507), the executive (483), the stated score (520), the one without a birth
    # date (unranked); the developer stating FST only is not drawn on.
    assert (outcome["eligible"], outcome["eligible_but_unranked"]) == (4, 1)
    assert (outcome["invited"], outcome["lowest_crs"], outcome["tie_break"]) == (2, 507, "2025-01-10T08:00:00Z")
    assert outcome["invited_by_program"] == {"fsw": 2, "cec": 2, "fst": 0}
