"""`rules diff --pool` on a synthetic pool: the SQL backend (the default) against the per-profile evaluator
(`--engine python`), each a fresh process (wall and CPU time, peak resident memory), interleaved, the median kept;
the two JSON documents must be equal, byte for byte.

Usage: python bench/diff_pool_bench.py [--size 100000] [--repeat 1] [--data DIR] [--only duckdb|python]
The pool (`rules pool synth --seed 2025`) is generated once per size and kept in DIR (default: bench/results/data).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from timing import Measure, run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "results" / "data")
    parser.add_argument("--only", choices=("duckdb", "python"), help="measure one engine only (no comparison)")
    arguments = parser.parse_args()
    rules = str(Path(sys.executable).with_name("rules"))
    pool = arguments.data / f"pool-{arguments.size}-{SEED}.parquet"
    if not pool.exists():
        arguments.data.mkdir(parents=True, exist_ok=True)
        subprocess.run([rules, "pool", "synth", "--size", str(arguments.size), "--seed", str(SEED), "--year", "2025",
                        "--as-of", "2025-06-01", "--out", str(pool)], check=True, cwd=ROOT)
    base = [rules, "diff", "2023", "2025", "--pool", str(pool), "--as-of", "2025-06-01", "--format", "json"]
    engines = [arguments.only] if arguments.only else ["duckdb", "python"]
    runs: dict[str, list[Measure]] = {engine: [] for engine in engines}
    for _ in range(arguments.repeat):
        for engine in runs:
            runs[engine].append(run([*base, "--engine", engine], ROOT))
    outputs = {engine: {r.output for r in measured} for engine, measured in runs.items()}
    print(json.dumps({
        "profiles": arguments.size,
        **{f"{engine}: median seconds": round(statistics.median(r.seconds for r in measured), 2)
           for engine, measured in runs.items()},
        **{f"{engine}: median CPU seconds": round(statistics.median(r.cpu_seconds for r in measured), 2)
           for engine, measured in runs.items()},
        **{f"{engine}: peak MiB": round(max(r.peak_mib for r in measured)) for engine, measured in runs.items()},
        "load average": round(os.getloadavg()[0], 1),
        "documents equal": len(set().union(*outputs.values())) == 1,
    }, indent=2))


if __name__ == "__main__":
    main()
