"""Seeded synthetic pools for the peer benchmark (bench/peer/README.md), written in the project's Parquet pool shape.

The distributions are those of the peer statement: CRS about 95% N(445, 55) and 5% N(640, 70), clipped to 250..800;
a French result for about 20%; 1 to 4 jobs (35/35/20/10%); about 15% of jobs in a STEM code, the rest in one of 400
NOC-shaped codes of which 12 are near misses of STEM codes; starts 2015-01-01..2025-05-31 (3% after the as-of date),
30% ongoing, ends capped at 2025-12-31; weekly hours multiples of 0.5 in 10..50, mostly 40 and 37.5; about 6% of the
STEM jobs on the day counts where the rule's verdict turns. The same size and seed always give the same file.

Usage: python bench/peer/pool.py --size 100000 --seed 2025 --out pool.parquet
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.model.pool_columns import arrow_schema  # noqa: E402

AS_OF = date(2025, 6, 1)
WINDOW_START = date(2022, 6, 1)  # the as-of date 3 years earlier, both ends of the window included
STEM = ("20011", "21211", "21220", "21221", "21222", "21223", "21230", "21231", "21232", "21300", "21310", "21311",
        "21321", "21331", "22300", "22301", "22310", "63100", "21301")
# Codes one digit away from a STEM code, so that a code compared loosely would be caught.
NEAR_MISSES = ("20012", "21210", "21224", "21233", "21302", "21312", "21320", "21330", "22302", "22311", "63101",
               "63110")
FIRST_JOB_START = date(2015, 1, 1)
LAST_JOB_START = date(2025, 5, 31)
LAST_JOB_END = date(2025, 12, 31)
CHUNK = 50_000


def other_codes(rng: random.Random) -> list[str]:
    """400 NOC-shaped codes outside the STEM list: the 12 near misses and 388 others."""
    codes = set(NEAR_MISSES)
    while len(codes) < 400:
        code = f"{rng.randrange(10, 100)}{rng.randrange(0, 1000):03d}"
        if code not in STEM:
            codes.add(code)
    return sorted(codes)


def hours(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.45:
        return 40.0
    if roll < 0.70:
        return 37.5
    return rng.randrange(20, 101) / 2  # 10 to 50 in steps of 0.5


def boundary_job(rng: random.Random, noc: str) -> dict[str, Any]:
    """A STEM job whose days in the window sit at the count where the verdict turns (780 hours at up to 30 a week),
    one day either side, at an edge of the window or across it."""
    weekly = rng.choice((30.0, 40.0, 20.0, 25.0, 37.5, 15.5))
    counted = min(weekly, 30.0)
    days = -(-5460 * 2 // int(counted * 2)) + rng.choice((-1, 0, 1))  # the least day count reaching 780 hours
    edge = rng.randrange(3)
    if edge == 0:  # ends on the as-of date (ongoing or not)
        start, end = AS_OF - timedelta(days=days - 1), rng.choice((None, AS_OF))
    elif edge == 1:  # starts before the window, the days inside it counted from its first day
        start = WINDOW_START - timedelta(days=rng.randrange(1, 400))
        end = WINDOW_START + timedelta(days=days - 1)
    else:  # inside the window
        start = WINDOW_START + timedelta(days=rng.randrange(0, 1097 - days))
        end = start + timedelta(days=days - 1)
    return job(noc, start, end, weekly)


def job(noc: str, start: date, end: date | None, weekly: float) -> dict[str, Any]:
    return {"noc": noc, "title": None, "country": "CA", "start": start, "end": end, "hours_per_week": weekly,
            "self_employed": False}


def random_job(rng: random.Random, codes: list[str]) -> dict[str, Any]:
    stem = rng.random() < 0.15
    noc = rng.choice(STEM) if stem else rng.choice(codes)
    if stem and rng.random() < 0.06:
        return boundary_job(rng, noc)
    if rng.random() < 0.03:
        start = AS_OF + timedelta(days=rng.randrange(1, 200))
    else:
        start = FIRST_JOB_START + timedelta(days=rng.randrange((LAST_JOB_START - FIRST_JOB_START).days + 1))
    end = None if rng.random() < 0.30 else min(start + timedelta(days=rng.randrange(30, 2000)), LAST_JOB_END)
    return job(noc, start, end, hours(rng))


def levels(rng: random.Random) -> dict[str, int]:
    return {ability: rng.randrange(4, 11) for ability in ("listening", "reading", "writing", "speaking")}


def test(name: str, rng: random.Random) -> dict[str, Any]:
    scores = {ability: None for ability in ("listening", "reading", "writing", "speaking")}
    return {"test": name, "date": date(2024, 1, 1) + timedelta(days=rng.randrange(500)), "levels": levels(rng),
            "scores": scores}


def crs(rng: random.Random) -> int:
    value = rng.gauss(640, 70) if rng.random() < 0.05 else rng.gauss(445, 55)
    return max(250, min(800, round(value)))


def profile(number: int, rng: random.Random, codes: list[str]) -> dict[str, Any]:
    tests = [test("celpip_general", rng)]
    if rng.random() < 0.20:
        tests.append(test("tef_canada", rng))
    jobs = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
    submitted = datetime(2023, 1, 1) + timedelta(seconds=rng.randrange(int((AS_OF - date(2023, 1, 1)).days * 86400)))
    return {
        # Written with leading zeros so that the text order of ids is their numeric order.
        "id": f"{number:08d}", "submitted_at": submitted,
        "date_of_birth": date(1975, 1, 1) + timedelta(days=rng.randrange(9000)),
        "eligible_programs": ["fsw"], "crs": crs(rng), "language_tests": tests,
        "work_history": [random_job(rng, codes) for _ in range(jobs)],
    }


def write_pool(size: int, seed: int, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    codes = other_codes(rng)
    schema = arrow_schema()
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for first in range(1, size + 1, CHUNK):
            rows = [profile(n, rng, codes) for n in range(first, min(first + CHUNK, size + 1))]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    write_pool(arguments.size, arguments.seed, arguments.out)


if __name__ == "__main__":
    main()
