"""Pool benchmark: 1,000,000 synthetic profiles in Parquet, every 2025 category, and one round of invitations.

Rules: examples/rulebooks/given-programs/2025 (the category rules the SQL backend compiles).
Measures, each in a fresh process (wall time and peak resident memory of that process), each run --repeat times
interleaved with the others, the median kept:
- `rules batch` (SQL backend in DuckDB) and `rules round` (a healthcare round of 2,500 invitations);
- a hand-written DuckDB query doing the same work (same verdicts and reasons for every profile, written to Parquet;
  the same round with its distribution by category and program), timed in the same run; its verdict file must equal
  the one `rules batch` wrote, row for row;
- 100,000 profiles through the single-profile evaluator (`rules batch --engine python`), for comparison;
- the shipped 2025 rulebook (`--year 2025`: programs FSW, CEC, FST computed from raw facts where a profile does not
  give them, language levels from raw scores): `rules batch` through DuckDB on 100,000 and 1,000,000 profiles and
  through the evaluator on 100,000 (whose verdict file must equal DuckDB's, row for row).

Usage: python bench/pool_bench.py [--size 1000000] [--small 100000] [--data DIR] [--repeat 3] [--no-shipped-large]
Pools are generated once per size and seed and kept in DIR (default: bench/results/data).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from timing import Measure, run  # noqa: E402

from engine import ir  # noqa: E402
from engine.lower.rulebook import Compiler  # noqa: E402
from engine.model.quantities import add_months  # noqa: E402

AS_OF = date(2025, 6, 1)
# The 2025 category rules for pools that state programs and levels, which the hand-written query mirrors (the shipped
# rulebook, which also computes program eligibility from raw facts, compiles too: docs/pools.md gives its numbers).
RULES = ROOT / "examples" / "rulebooks" / "given-programs" / "2025"
ROUND_CATEGORY = "healthcare"
ROUND_INVITATIONS = 2500
SEED = 2025


def median(measures: list[Measure]) -> Measure:
    """The run of median wall time (the machine is shared: single runs are noisy)."""
    return sorted(measures, key=lambda m: m.seconds)[len(measures) // 2]


def rules_binary() -> str:
    return str(Path(sys.executable).with_name("rules"))


def ensure_pool(size: int, data: Path) -> Path:
    path = data / f"pool-{size}-{SEED}.parquet"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        print(f"generating {size:,} profiles into {path} ...", file=sys.stderr)
        subprocess.run([rules_binary(), "pool", "synth", "--size", str(size), "--seed", str(SEED), "--year", "2025",
                        "--as-of", AS_OF.isoformat(), "--out", str(path)], check=True, cwd=ROOT)
    return path


# The hand-written query ---------------------------------------------------------------------------------------------


def handwritten_sql(rulebook: ir.Rulebook, pool: Path, out: Path | None) -> str:
    """What an analyst fluent in DuckDB would write for the 2025 categories, with the same semantics (window, 30 h
    cap, merged back-to-back jobs, six calendar months, 780 hours, NCLC 7, Kleene logic for missing facts)."""
    first = add_months(AS_OF, -36) + timedelta(days=1)
    lists = {c.id: sorted(code for t in c.occupation_lists for code in t.codes) for c in rulebook.categories}
    pairs = ", ".join(f"('{cat}', '{code}')" for cat, codes in lists.items() for code in codes)
    experience = []
    for cat in (c for c, codes in lists.items() if codes):
        where = f"category = '{cat}'"
        experience.append(
            f"CASE WHEN count(*) FILTER ({where}) = 0 THEN false WHEN bool_or(v) FILTER ({where}) THEN true "
            f"WHEN count(v) FILTER ({where}) < count(*) FILTER ({where}) THEN NULL ELSE false END AS {cat}")
    french_element = ("t.test IN ('tef_canada', 'tcf_canada') AND t.levels.listening >= 7 AND t.levels.reading >= 7 "
                      "AND t.levels.writing >= 7 AND t.levels.speaking >= 7")
    outputs = []
    for cat, codes in lists.items():
        condition = "f.french_ok" if not codes else \
            f"CASE WHEN p.work_history IS NULL THEN NULL WHEN e.line IS NULL THEN false ELSE e.{cat} END"
        part, facts = ("french_proficiency", "language_tests") if not codes else ("experience_in", "work_history")
        # A verdict not met names its first false part; an undetermined one its first undecided part and the facts
        # that part reads.
        outputs.append(f"""CASE WHEN in_pool AND {condition} THEN 'eligible' WHEN NOT (in_pool AND {condition})
            THEN 'not_eligible' ELSE 'undetermined' END AS {cat},
            CASE WHEN NOT coalesce(in_pool AND {condition}, true) THEN
              CASE WHEN NOT coalesce(in_pool, true) THEN 'not_in_pool' ELSE 'not_{part}' END
            WHEN (in_pool AND {condition}) IS NULL THEN
              CASE WHEN in_pool IS NULL THEN 'unknown_in_pool: eligible_programs' ELSE 'unknown_{part}: {facts}' END
            END AS {cat}_reason""")
    # Written out, the verdicts stream to the file (as `rules batch` does); kept for a round, they are a table.
    start, end = ("COPY (", f" ORDER BY line) TO '{out}' (FORMAT parquet);") if out else \
        ("CREATE TEMP TABLE verdicts AS ", ";")
    return f"""
CREATE TEMP TABLE lists AS SELECT * FROM (VALUES {pairs}) t(category, noc);
CREATE TEMP TABLE p AS SELECT file_row_number + 1 AS line, id, submitted_at, crs, eligible_programs, language_tests,
  work_history FROM read_parquet('{pool}', file_row_number = true);
CREATE TEMP TABLE code_value AS
WITH jobs AS (
  SELECT line, j.noc AS noc, greatest(j.start, DATE '{first}') AS f,
         least(coalesce(j."end", DATE '{AS_OF}'), DATE '{AS_OF}') AS l, j.hours_per_week AS h
  FROM (SELECT line, unnest(work_history) AS j FROM p) WHERE j.noc IN (SELECT noc FROM lists)
), ev AS (
  SELECT line, noc, f AS day, h AS d FROM jobs WHERE h > 0 AND l >= f
  UNION ALL SELECT line, noc, l + 1, -h FROM jobs WHERE h > 0 AND l >= f
), seg AS (
  SELECT line, noc, day, lead(day) OVER w AS nxt,
         sum(d) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS wk
  FROM ev WINDOW w AS (PARTITION BY line, noc ORDER BY day)
), isl AS (
  SELECT *, sum(CASE WHEN wk >= 30 - 1e-9 THEN 0 ELSE 1 END)
              OVER (PARTITION BY line, noc ORDER BY day ROWS UNBOUNDED PRECEDING) AS g
  FROM seg WHERE nxt IS NOT NULL
), runs AS (
  SELECT line, noc, sum(least(wk, 30) * (nxt - day)) AS hd,
         min(day) FILTER (wk >= 30 - 1e-9) AS a, max(nxt) FILTER (wk >= 30 - 1e-9) AS b
  FROM isl GROUP BY line, noc, g
), occ AS (
  SELECT line, noc, sum(hd) / 7 >= 780 OR bool_or(b IS NOT NULL AND CAST(a + INTERVAL 6 MONTH AS DATE) <= b) AS ok
  FROM runs GROUP BY line, noc
), codes AS (
  SELECT line, noc, bool_and(h IS NOT NULL) AS complete FROM jobs GROUP BY line, noc
)
SELECT c.line, c.noc, CASE WHEN NOT c.complete THEN NULL ELSE coalesce(o.ok, false) END AS v
FROM codes c LEFT JOIN occ o ON o.line = c.line AND o.noc = c.noc;
{start}
WITH e AS (
  SELECT line, {', '.join(experience)} FROM code_value JOIN lists USING (noc) GROUP BY line
), f AS (
  SELECT line, CASE WHEN language_tests IS NULL THEN NULL
                    WHEN list_bool_or(list_transform(language_tests, lambda t: {french_element})) THEN true
                    WHEN list_count(list_transform(language_tests, lambda t: {french_element})) < len(language_tests)
                    THEN NULL ELSE false END AS french_ok
  FROM p
)
SELECT p.line, p.id, p.crs, CASE WHEN p.crs IS NOT NULL THEN 'given' END AS crs_source,
       p.eligible_programs AS programs, {', '.join(outputs)}
FROM (SELECT *, len(eligible_programs) >= 1 AS in_pool FROM p) p
JOIN f ON f.line = p.line LEFT JOIN e ON e.line = p.line{end}
"""


def handwritten_round_sql() -> str:
    day_after = AS_OF + timedelta(days=1)
    return f"""
CREATE TEMP TABLE ranked AS
SELECT v.*, p.submitted_at, row_number() OVER (ORDER BY v.crs DESC, p.submitted_at, v.id, v.line) AS rank
FROM verdicts v JOIN p ON p.line = v.line
WHERE v.{ROUND_CATEGORY} = 'eligible' AND v.crs IS NOT NULL AND p.submitted_at < TIMESTAMP '{day_after}';
SELECT count(*), min(crs), arg_max(submitted_at, rank),
       count(*) FILTER (french = 'eligible'), count(*) FILTER (stem = 'eligible'),
       count(*) FILTER (trades = 'eligible'), count(*) FILTER (education = 'eligible'),
       count(*) FILTER (agriculture = 'eligible'),
       count(*) FILTER (list_contains(programs, 'fsw')), count(*) FILTER (list_contains(programs, 'cec')),
       count(*) FILTER (list_contains(programs, 'fst'))
FROM ranked WHERE rank <= {ROUND_INVITATIONS};
"""


def handwritten_script(sql: str) -> list[str]:
    code = ("import duckdb, json, sys\n"
            "connection = duckdb.connect()\n"
            "connection.execute('SET enable_progress_bar = false')\n"
            "connection.execute('SET preserve_insertion_order = false')\n"
            "result = None\n"
            "for statement in sys.argv[1].split(';\\n'):\n"
            "    if statement.strip():\n"
            "        result = connection.execute(statement).fetchall()\n"
            "print(json.dumps(result, default=str))\n")
    return [sys.executable, "-c", code, sql]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=HERE / "results" / "data")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure, interleaved; the median counts")
    parser.add_argument("--no-shipped-large", action="store_true",
                        help="leave out the shipped rules on the large pool (the slowest DuckDB measure)")
    arguments = parser.parse_args()
    rulebook = Compiler().compile_folder(RULES)[0]
    pool = ensure_pool(arguments.size, arguments.data)
    small = ensure_pool(arguments.small, arguments.data)
    data = arguments.data
    out = data / "verdicts-rules.parquet"
    hand_out = data / "verdicts-handwritten.parquet"
    rules = rules_binary()
    common = ["--rules", str(RULES), "--as-of", AS_OF.isoformat()]
    shipped = ["--year", "2025", "--as-of", AS_OF.isoformat()]
    n = f"{arguments.size:,} profiles"
    m = f"{arguments.small:,} profiles"
    tasks = [
        (f"rules batch (duckdb), {n}", [rules, "batch", str(pool), *common, "--out", str(out)]),
        (f"hand-written DuckDB batch, {n}", handwritten_script(handwritten_sql(rulebook, pool, hand_out))),
        (f"rules round (duckdb), {n}", [rules, "round", "--category", ROUND_CATEGORY, "--invitations",
                                        str(ROUND_INVITATIONS), "--as-of", AS_OF.isoformat(), "--pool", str(pool),
                                        "--rules", str(RULES), "--format", "json"]),
        (f"hand-written DuckDB round, {n}", handwritten_script(handwritten_sql(rulebook, pool, None)
                                                               + handwritten_round_sql())),
        (f"rules batch (python evaluator), {m}", [rules, "batch", str(small), *common, "--engine", "python",
                                                  "--out", str(data / "verdicts-python.parquet")]),
        (f"shipped rules: rules batch (duckdb), {m}", [rules, "batch", str(small), *shipped, "--out",
                                                       str(data / "shipped-duckdb-small.parquet")]),
        (f"shipped rules: rules batch (python evaluator), {m}",
         [rules, "batch", str(small), *shipped, "--engine", "python", "--out",
          str(data / "shipped-python-small.parquet")]),
    ]
    if not arguments.no_shipped_large:
        tasks.append((f"shipped rules: rules batch (duckdb), {n}", [rules, "batch", str(pool), *shipped, "--out",
                                                                   str(data / "shipped-duckdb-large.parquet")]))
    runs: dict[str, list[Measure]] = {what: [] for what, _ in tasks}
    for _ in range(arguments.repeat):
        for what, command in tasks:
            runs[what].append(run(command, ROOT, what))
    measures = {what: median(runs[what]) for what, _ in tasks}
    import duckdb

    def differing(first: Path, second: Path) -> int | None:
        found = duckdb.connect().execute(
            f"SELECT count(*) FROM (SELECT * FROM '{first}' EXCEPT ALL SELECT * FROM '{second}')").fetchone()
        return int(found[0]) if found else None

    results: dict[str, object] = {
        what: {"seconds": round(measure.seconds, 2), "peak_mb": round(measure.peak_mib),
               "all_runs_seconds": [round(r.seconds, 2) for r in runs[what]]} for what, measure in measures.items()}
    results["rows differing between rules batch and the hand-written query"] = differing(out, hand_out)
    results["shipped rules: rows differing between duckdb and the evaluator"] = differing(
        data / "shipped-duckdb-small.parquet", data / "shipped-python-small.parquet")
    names = [what for what, _ in tasks]
    ours = json.loads(measures[names[2]].output)
    theirs = json.loads(measures[names[3]].output)[0]
    same_round = [ours["invited"], ours["lowest_crs"], ours["tie_break"].replace("T", " ").rstrip("Z"),
                  *(ours["invited_by_category"][c] for c in ("french", "stem", "trades", "education", "agriculture")),
                  *ours["invited_by_program"].values()] == theirs
    results["round outcome equal to the hand-written query's"] = same_round
    results["round outcome"] = {k: ours[k] for k in ("invited", "lowest_crs", "tie_break", "invited_by_category",
                                                     "invited_by_program")}
    for label, ours_name, theirs_name in (("batch", names[0], names[1]), ("round", names[2], names[3])):
        fastest = min(r.seconds for r in runs[ours_name]) / min(r.seconds for r in runs[theirs_name])
        middle = median(runs[ours_name]).seconds / median(runs[theirs_name]).seconds
        results[f"ratio {label} (rules / hand-written), medians"] = round(middle, 2)
        results[f"ratio {label} (rules / hand-written), fastest runs"] = round(fastest, 2)
    per_profile = measures[names[4]].seconds / arguments.small * 1e6
    results["python evaluator, microseconds per profile (process included)"] = round(per_profile, 1)
    results["shipped rules: evaluator / duckdb, medians"] = round(
        measures[names[6]].seconds / measures[names[5]].seconds, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
