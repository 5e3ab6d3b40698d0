"""What checking every row costs: `rules batch` on a synthetic Parquet pool, this tree against a baseline tree.

The baseline is another checkout of the project (for example `git worktree add ../baseline <commit>`, or
`git archive <commit> dsl engine | tar -x -C DIR`): its `dsl` and `engine` are put first on the import path of the
same `rules` command, so both run with the same Python, DuckDB and rule files. Each measure is a fresh process (wall
time, peak resident memory), the two trees interleaved, --repeat times; the median is kept. Both must write the same
verdicts (compared row for row).

Usage: python bench/pool_checks_bench.py --baseline DIR [--size 1000000] [--repeat 3] [--year 2025 | --given-programs]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from pool_bench import AS_OF, RULES, ensure_pool, median, rules_binary  # noqa: E402
from timing import Measure, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="a tree holding the baseline's dsl and engine")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / "results" / "data")
    parser.add_argument("--year", help="the shipped rulebook of this year instead of the given-programs rules")
    arguments = parser.parse_args()
    pool = ensure_pool(arguments.size, arguments.data)
    rules = ["--year", arguments.year] if arguments.year else ["--rules", str(RULES)]
    trees = {"this tree": None, "baseline": arguments.baseline.resolve()}
    runs: dict[str, list[Measure]] = {name: [] for name in trees}
    outputs = {name: arguments.data / f"checks-{name.replace(' ', '-')}.parquet" for name in trees}
    for _ in range(arguments.repeat):
        for name, tree in trees.items():
            if tree is not None:
                os.environ["PYTHONPATH"] = str(tree)
            command = [rules_binary(), "batch", str(pool), *rules, "--as-of", AS_OF.isoformat(),
                       "--out", str(outputs[name])]
            runs[name].append(run(command, ROOT, name))
            os.environ.pop("PYTHONPATH", None)
    import duckdb

    first, second = outputs.values()
    differing = duckdb.connect().execute(
        f"SELECT count(*) FROM (SELECT * FROM '{first}' EXCEPT ALL SELECT * FROM '{second}')").fetchone()
    results: dict[str, object] = {
        f"rules batch {' '.join(rules)}, {arguments.size:,} profiles, {name}": {
            "seconds (median)": round(median(measures).seconds, 2), "peak_mib": round(median(measures).peak_mib),
            "all_runs_seconds": [round(m.seconds, 2) for m in measures]} for name, measures in runs.items()}
    results["rows differing between the two"] = differing[0] if differing else None
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
