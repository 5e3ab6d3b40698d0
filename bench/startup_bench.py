"""`rules eval` of one profile from the shell: a fresh process each run (interpreter start, imports, the rulebook from
the compiled-rulebook cache, the profile read and checked, the evaluation and its output), wall and CPU time, median
of --runs, and the fastest run (on a shared machine, the least disturbed).

Usage: python bench/startup_bench.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "profiles" / "julien-nurse-francophone.json"


def measure(command: list[str], runs: int) -> dict[str, float]:
    subprocess.run(command, capture_output=True, check=True, cwd=ROOT)  # the parse cache and bytecode in place
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall ms": round(statistics.median(walls) * 1000), "cpu ms": round(statistics.median(cpus) * 1000),
            "fastest wall ms": round(min(walls) * 1000), "least cpu ms": round(min(cpus) * 1000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    arguments = parser.parse_args()
    # The project's bytecode as `make` leaves it at install: where writing bytecode is turned off, a module edited
    # since would otherwise be compiled from source in every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "dsl", "engine", "rules"], capture_output=True,
                   check=True, cwd=ROOT)
    rules = str(Path(sys.executable).with_name("rules"))
    base = [rules, "eval", str(PROFILE), "--year", "2025", "--as-of", "2025-06-01"]
    print(json.dumps({
        "rules eval, text": measure(base, arguments.runs),
        "rules eval, --format json": measure([*base, "--format", "json"], arguments.runs),
        "python -c pass": measure([sys.executable, "-c", "pass"], arguments.runs),
        "load average": round(os.getloadavg()[0], 1),
    }, indent=2))


if __name__ == "__main__":
    main()
