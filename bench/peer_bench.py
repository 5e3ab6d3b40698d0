"""The peer benchmark (bench/peer/README.md): the project against a hand-written DuckDB query of the same rule.

Each pair of measures is whole processes, run one after the other, the order alternating from pair to pair:
- the project: `rules batch` of the pool (the verdicts of every profile, written to Parquet) then `rules round` (the
  500-invitation STEM round), both with bench/peer/rules; its time is the two processes' wall times added;
- the project in one process: `rules batch --round 1`, the same verdict file and the same round from one reading of
  the pool, as the hand-written query does;
- the hand-written query (bench/peer/hand.py): the same verdicts written to CSV and the same round, in one process.
Reported: the median of the per-pair ratios (project / hand-written) of wall time and of CPU time (less disturbed by
other work on a shared machine), each side's median wall time and its peak resident memory (the larger of the
project's two processes). The results are checked, not assumed: the verdicts of every profile must be equal, and
so must the invited set (its SHA-1), the number invited and the cut-off, and the one-process round must equal `rules
round`'s; a difference stops the benchmark.

Usage: python bench/peer_bench.py [--size 100000] [--large] [--pairs 5] [--data DIR]
`--large` also measures 1,000,000 profiles. Pools are generated once per size (bench/peer/pool.py, seed 2025) and kept
in DIR (default: bench/results/peer).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
from pathlib import Path

from timing import run

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULES = HERE / "peer" / "rules" / "2025"
AS_OF = "2025-06-01"
SEED = 2025


def ensure_pool(size: int, data: Path) -> Path:
    path = data / f"peer-{size}-{SEED}.parquet"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        print(f"generating {size:,} profiles into {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "peer" / "pool.py"), "--size", str(size), "--seed", str(SEED),
                        "--out", str(path)], check=True)
    return path


def check_agreement(pool: Path, project_out: Path, hand_out: Path, project_round: dict[str, object],
                    hand_round: dict[str, object]) -> dict[str, object]:
    """Both sides' verdicts for every profile, and the project's invited set ranked from its own verdicts the way its
    round ranks them, against the hand-written query's."""
    import duckdb

    connection = duckdb.connect()
    differing = connection.execute(f"""
        SELECT count(*) FROM read_parquet('{project_out}') v FULL JOIN read_csv('{hand_out}') h
          ON CAST(v.id AS BIGINT) = h.id
        WHERE h.id IS NULL OR v.id IS NULL OR CAST(v.french = 'eligible' AS INTEGER) != h.french_eligible
           OR CAST(v.stem = 'eligible' AS INTEGER) != h.stem_eligible""").fetchone()
    invited = connection.execute(f"""
        SELECT CAST(v.id AS BIGINT) FROM read_parquet('{project_out}') v
        JOIN read_parquet('{pool}') p ON p.id = v.id
        WHERE v.stem = 'eligible' QUALIFY row_number() OVER (ORDER BY v.crs DESC, p.submitted_at, v.id) <= 500
        ORDER BY 1""").fetchall()
    sha1 = hashlib.sha1(",".join(str(row[0]) for row in invited).encode()).hexdigest()
    agreement = {
        "verdict rows differing": differing[0] if differing else None,
        "invited sets equal": sha1 == hand_round["invited_sha1"],
        "invited": [project_round["invited"], hand_round["invited"]],
        "cut-off": [project_round["lowest_crs"], hand_round["lowest_crs"]],
        "invited ids sha1": sha1,
    }
    if agreement["verdict rows differing"] != 0 or not agreement["invited sets equal"] or \
            project_round["invited"] != hand_round["invited"] or \
            project_round["lowest_crs"] != hand_round["lowest_crs"] or len(invited) != hand_round["invited"]:
        raise SystemExit(f"the project and the hand-written query disagree: {json.dumps(agreement)}")
    return agreement


def measure_size(size: int, data: Path, pairs: int) -> dict[str, object]:
    pool = ensure_pool(size, data)
    rules = str(Path(sys.executable).with_name("rules"))
    project_out = data / f"peer-{size}-rules.parquet"
    hand_out = data / f"peer-{size}-hand.csv"
    both_out = data / f"peer-{size}-rules-with-round.parquet"
    batch = [rules, "batch", str(pool), "--rules", str(RULES), "--as-of", AS_OF, "--out", str(project_out)]
    round_ = [rules, "round", "1", "--pool", str(pool), "--rules", str(RULES), "--format", "json"]
    both = [rules, "batch", str(pool), "--rules", str(RULES), "--out", str(both_out), "--round", "1",
            "--round-format", "json"]
    hand = [sys.executable, str(HERE / "peer" / "hand.py"), str(pool), str(hand_out), "--as-of", AS_OF]
    ratios, batch_ratios, both_ratios, project_times, hand_times, batch_times, both_times = [], [], [], [], [], [], []
    cpu_ratios, both_cpu_ratios = [], []
    project_peak = hand_peak = both_peak = 0.0
    project_round: dict[str, object] = {}
    both_round: dict[str, object] = {}
    hand_round: dict[str, object] = {}
    for pair in range(pairs):
        if pair % 2:
            hand_run = run(hand, ROOT)
            both_run = run(both, ROOT)
            batch_run, round_run = run(batch, ROOT), run(round_, ROOT)
        else:
            batch_run, round_run = run(batch, ROOT), run(round_, ROOT)
            both_run = run(both, ROOT)
            hand_run = run(hand, ROOT)
        project_seconds = batch_run.seconds + round_run.seconds
        ratios.append(project_seconds / hand_run.seconds)
        batch_ratios.append(batch_run.seconds / hand_run.seconds)
        both_ratios.append(both_run.seconds / hand_run.seconds)
        cpu_ratios.append((batch_run.cpu_seconds + round_run.cpu_seconds) / hand_run.cpu_seconds)
        both_cpu_ratios.append(both_run.cpu_seconds / hand_run.cpu_seconds)
        project_times.append(project_seconds)
        batch_times.append(batch_run.seconds)
        both_times.append(both_run.seconds)
        hand_times.append(hand_run.seconds)
        project_peak = max(project_peak, batch_run.peak_mib, round_run.peak_mib)
        both_peak = max(both_peak, both_run.peak_mib)
        hand_peak = max(hand_peak, hand_run.peak_mib)
        project_round = json.loads(round_run.output)
        both_round = json.loads(both_run.output)
        hand_round = json.loads(hand_run.output)
    if both_round != project_round:
        raise SystemExit(f"rules batch --round and rules round disagree: {both_round} != {project_round}")
    return {
        "profiles": size,
        "pairs": pairs,
        "ratio (rules batch + rules round) / hand-written, median of pairs": round(statistics.median(ratios), 2),
        "ratio rules batch alone / hand-written, median of pairs": round(statistics.median(batch_ratios), 2),
        "ratio rules batch --round (one process) / hand-written, median of pairs":
            round(statistics.median(both_ratios), 2),
        "CPU-time ratio (rules batch + rules round) / hand-written, median of pairs":
            round(statistics.median(cpu_ratios), 2),
        "CPU-time ratio rules batch --round / hand-written, median of pairs":
            round(statistics.median(both_cpu_ratios), 2),
        "rules batch + rules round, median seconds": round(statistics.median(project_times), 2),
        "rules batch alone, median seconds": round(statistics.median(batch_times), 2),
        "rules batch --round, median seconds": round(statistics.median(both_times), 2),
        "hand-written, median seconds": round(statistics.median(hand_times), 2),
        "rules peak MiB (larger process)": round(project_peak),
        "rules batch --round peak MiB": round(both_peak),
        "hand-written peak MiB": round(hand_peak),
        "agreement": check_agreement(pool, project_out, hand_out, project_round, hand_round),
        "rules batch --round: verdict rows differing from rules batch's": rows_differing(project_out, both_out),
    }


def rows_differing(first: Path, second: Path) -> int:
    """Rows of either verdict file that the other lacks (the files hold the same rows; their Parquet encodings of a
    column may differ by a few bytes, as the verdicts come from a table in one and from a query in the other)."""
    import duckdb

    found = duckdb.connect().execute(
        f"SELECT (SELECT count(*) FROM (FROM '{first}' EXCEPT ALL FROM '{second}')) + "
        f"(SELECT count(*) FROM (FROM '{second}' EXCEPT ALL FROM '{first}'))").fetchone()
    if not found or found[0]:
        raise SystemExit(f"rules batch --round and rules batch wrote different verdicts: {first}, {second}")
    return int(found[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--large", action="store_true", help="also measure 1,000,000 profiles")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved pairs of runs; the median ratio counts")
    parser.add_argument("--data", type=Path, default=HERE / "results" / "peer")
    arguments = parser.parse_args()
    sizes = [arguments.size, *([1_000_000] if arguments.large else [])]
    print(json.dumps([measure_size(size, arguments.data, arguments.pairs) for size in sizes], indent=2))


if __name__ == "__main__":
    main()
