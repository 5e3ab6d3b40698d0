"""Spark benchmark: a synthetic pool of `rules pool synth` through the emitted Spark SQL in local mode, with Spark's
default memory settings, against `rules batch --engine duckdb` on the same pool.

Spark runs with `SPARK_SESSION_SETTINGS` and nothing else (the driver's memory is Spark's default, 1 GiB).
Measures the Spark run in a fresh process (session start, views, query, verdicts written to Parquet): wall time, CPU
time of the process tree, and its peak resident memory (the Python driver and the JVM together, sampled every 0.2 s),
then checks that the verdict files hold the same rows (every output column of every profile).

Usage: python bench/spark_bench.py [--size 100000] [--seed 1] [--year 2025] [--as-of 2025-06-01] [--raw-facts]
                                   [--data DIR] [--master local[2]]
Needs Java and the `spark` extra (part of the project's set-up).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from timing import run  # noqa: E402


def spark_verdicts(pool: Path, out: Path, year: str, as_of: date, master: str) -> None:
    """The Spark run the benchmark measures (in its own process): the pool given a line number, the rulebook's
    views, its query, the verdicts written to `out` (a Parquet folder)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    from engine.lower.rulebook import Compiler
    from engine.sql.compile import compile_rulebook
    from engine.sql.dialect import SPARK, SPARK_SESSION_SETTINGS

    builder = SparkSession.builder.master(master).appName("rules-spark-bench").config("spark.ui.enabled", "false")
    for key, value in SPARK_SESSION_SETTINGS:
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    rulebook, _ = Compiler().compile_year(year)
    compiled = compile_rulebook(rulebook, as_of, SPARK)
    lines = out.with_name(out.name + ".pool.parquet")
    table = pq.read_table(pool)
    pq.write_table(table.add_column(0, "_line", pa.array(range(1, table.num_rows + 1), pa.int64())), lines)
    spark.read.parquet(str(lines)).createOrReplaceTempView("pool")
    for statement in compiled.views:
        spark.sql(statement)
    spark.sql(compiled.query).write.mode("overwrite").parquet(str(out))
    spark.stop()


def tree_peak(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MiB (summed over the process and its descendants) of `command`."""
    import psutil

    started = time.perf_counter()
    process = psutil.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    cpu: dict[int, float] = {}
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0
        for member in tree:
            try:
                total += member.memory_info().rss
                times = member.cpu_times()
                cpu[member.pid] = times.user + times.system + times.children_user + times.children_system
            except psutil.NoSuchProcess:
                continue
        peak = max(peak, total)
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        assert process.stderr is not None
        raise SystemExit(f"the Spark run failed:\n{process.stderr.read().decode()[-4000:]}")
    return elapsed, sum(cpu.values()), peak / 2**20


def same_rows(duckdb_out: Path, spark_out: Path) -> tuple[int, int]:
    """Rows of each file missing from the other (0, 0 when the verdicts are equal)."""
    import duckdb

    with duckdb.connect() as connection:
        a = f"read_parquet('{duckdb_out}')"
        b = f"read_parquet('{spark_out}/*.parquet')"
        columns = [d[0] for d in connection.execute(f"SELECT * FROM {a} LIMIT 0").description]
        listed = ", ".join(f'"{c}"' for c in columns)
        only_a = connection.execute(f"SELECT count(*) FROM (SELECT {listed} FROM {a} EXCEPT ALL "
                                    f"SELECT {listed} FROM {b})").fetchone()
        only_b = connection.execute(f"SELECT count(*) FROM (SELECT {listed} FROM {b} EXCEPT ALL "
                                    f"SELECT {listed} FROM {a})").fetchone()
        assert only_a is not None and only_b is not None
        return int(only_a[0]), int(only_b[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", default="2025")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 6, 1))
    parser.add_argument("--raw-facts", action="store_true")
    parser.add_argument("--data", type=Path, default=HERE / "results" / "data")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--spark-run", nargs=2, type=Path, metavar=("POOL", "OUT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.spark_run:
        pool, out = arguments.spark_run
        spark_verdicts(pool, out, arguments.year, arguments.as_of, arguments.master)
        return
    arguments.data.mkdir(parents=True, exist_ok=True)
    rules = [str(ROOT / ".venv" / "bin" / "rules")] if (ROOT / ".venv" / "bin" / "rules").exists() else ["rules"]
    kind = "raw" if arguments.raw_facts else "stated"
    pool = arguments.data / f"spark-pool-{arguments.size}-{arguments.seed}-{kind}.parquet"
    if not pool.exists():
        run([*rules, "pool", "synth", "--size", str(arguments.size), "--seed", str(arguments.seed), "--out", str(pool),
             *(["--raw-facts"] if arguments.raw_facts else [])], ROOT, "rules pool synth")
    duckdb_out = arguments.data / f"spark-bench-duckdb-{kind}.parquet"
    common = ["--year", arguments.year, "--as-of", arguments.as_of.isoformat()]
    duck = run([*rules, "batch", str(pool), *common, "--engine", "duckdb", "--out", str(duckdb_out)], ROOT,
               "rules batch")
    spark_out = arguments.data / f"spark-bench-spark-{kind}"
    shutil.rmtree(spark_out, ignore_errors=True)
    wall, cpu, peak = tree_peak([sys.executable, str(Path(__file__).resolve()), *common[2:], "--year", arguments.year,
                                 "--master", arguments.master, "--spark-run", str(pool), str(spark_out)])
    only_duckdb, only_spark = same_rows(duckdb_out, spark_out)
    print(json.dumps({
        "profiles": arguments.size, "pool": kind, "year": arguments.year, "as_of": arguments.as_of.isoformat(),
        "master": arguments.master,
        "spark": {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_mib": round(peak)},
        "duckdb": {"wall_s": round(duck.seconds, 1), "cpu_s": round(duck.cpu_seconds, 1),
                   "peak_mib": round(duck.peak_mib)},
        "rows_only_in_duckdb": only_duckdb, "rows_only_in_spark": only_spark,
        "verdicts_equal": only_duckdb == only_spark == 0,
    }, indent=2))


if __name__ == "__main__":
    main()
