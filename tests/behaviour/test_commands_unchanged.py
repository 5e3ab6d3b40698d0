"""Every command's output, byte for byte: what a user sees must not change when the engine is reorganised.

Each case runs the installed `rules` command in a fresh process (so the test does not depend on where the commands
live in the package) and compares its exit code, standard output, standard error and the files it writes with a
golden file in `tests/golden/commands/`. `pytest --update-goldens` rewrites them, so an intended change shows up as a
readable diff in review.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, check_golden

GOLDEN = ROOT / "tests" / "golden" / "commands"
RULES_COMMAND = Path(sys.executable).parent / "rules"
PROFILES = [str(p.relative_to(ROOT)) for p in sorted(EXAMPLES.iterdir())]
AS_OF = {"2023": "2023-11-30", "2025": "2025-11-30"}
GIVEN_2025 = "examples/rulebooks/given-programs/2025"

# name -> (arguments, files the command writes). "{tmp}" is a fresh folder; "{pool}" a synthetic pool made by the
# `pool-synth` case (a JSON Lines file, so its bytes are comparable).
CASES: dict[str, tuple[list[str], list[str]]] = {
    **{f"eval-{year}-{fmt}": (["eval", *PROFILES, "--year", year, "--as-of", AS_OF[year], "--format", fmt], [])
       for year in AS_OF for fmt in ("text", "json", "markdown")},
    "eval-2025-summary": (["eval", *PROFILES, "--year", "2025", "--as-of", "2025-11-30", "--explain", "summary"], []),
    "eval-2025-full": (["eval", *PROFILES, "--year", "2025", "--as-of", "2025-11-30", "--explain", "full"], []),
    "eval-bad-profile": (["eval", "tests/behaviour/fixtures/bad-profile.yaml", "--year", "2025",
                          "--as-of", "2025-11-30"], []),
    "show-2023": (["show", "--year", "2023"], []),
    "show-2025": (["show", "--year", "2025"], []),
    "show-2025-json": (["show", "--year", "2025", "--format", "json"], []),
    "diff-2023-2025": (["diff", "2023", "2025"], []),
    "diff-2023-2025-json": (["diff", "2023", "2025", "--format", "json"], []),
    "diff-2023-2025-markdown": (["diff", "2023", "2025", "--format", "markdown"], []),
    "diff-2023-2025-pool": (["diff", "2023", "2025", "--pool", "{pool}", "--as-of", "2025-06-01"], []),
    "batch-duckdb": (["batch", "{pool}", "--rules", GIVEN_2025, "--as-of", "2025-06-01",
                      "--out", "{tmp}/duckdb.jsonl"], ["duckdb.jsonl", "duckdb.jsonl.errors.jsonl"]),
    "batch-python": (["batch", "{pool}", "--rules", GIVEN_2025, "--as-of", "2025-06-01", "--engine", "python",
                      "--out", "{tmp}/python.csv"], ["python.csv", "python.csv.errors.jsonl"]),
    "batch-shipped-2025": (["batch", "{pool}", "--year", "2025", "--as-of", "2025-06-01",
                            "--out", "{tmp}/shipped.jsonl"], ["shipped.jsonl"]),
    "round-373": (["round", "373", "--pool", "{pool}"], []),
    "round-french": (["round", "--pool", "{pool}", "--year", "2025", "--category", "french", "--invitations", "20",
                      "--as-of", "2025-06-01", "--format", "json"], []),
    "check-shipped": (["check"], []),
    "check-bad": (["check", "tests/behaviour/fixtures/bad-rules"], []),
    "check-unknown-name": (["check", "tests/behaviour/fixtures/unknown-name"], []),
    "fmt-check": (["fmt", "--check", "rules"], []),
    "test-shipped": (["test"], []),
}


def run(arguments: list[str], tmp: Path, pool: Path) -> str:
    """One command's exit code, output and written files as one text."""
    argv = [a.replace("{tmp}", str(tmp)).replace("{pool}", str(pool)) for a in arguments]
    env = {**os.environ, "RULES_TODAY": "2025-11-30", "COLUMNS": "120", "NO_COLOR": "1"}
    done = subprocess.run([str(RULES_COMMAND), *argv], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=600)
    text = f"$ rules {' '.join(arguments)}\nexit {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    return text.replace(str(tmp), "{tmp}").replace(str(pool), "{pool}")


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pool")
    out = folder / "pool.jsonl"
    subprocess.run([str(RULES_COMMAND), "pool", "synth", "--size", "300", "--seed", "7", "--year", "2023",
                    "--year", "2025", "--as-of", "2025-06-01", "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    return out


def test_the_synthetic_pool_is_unchanged(pool: Path, update_goldens: bool) -> None:
    check_golden(GOLDEN / "pool-synth.jsonl", pool.read_text(encoding="utf-8"), update_goldens)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_command_output_is_unchanged(name: str, pool: Path, tmp_path: Path, update_goldens: bool) -> None:
    arguments, written = CASES[name]
    text = run(arguments, tmp_path, pool)
    for file in written:
        path = tmp_path / file
        content = path.read_text(encoding="utf-8") if path.exists() else "(not written)\n"
        text += f"--- {file}\n{content}"
    check_golden(GOLDEN / f"{name}.txt", text, update_goldens)
