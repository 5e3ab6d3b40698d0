"""The peer benchmark rule as one hand-written DuckDB query (bench/peer/README.md), run in its own process.

It computes what bench/peer/rules/2025/peer.rules says, the way an analyst fluent in DuckDB would write it: French
NCLC 7 in all four abilities of a TEF Canada result; in one STEM code, the jobs' weekly hours added day by day, at most
30 a week counted, over the window [as-of - 3 years, as-of], reaching 780 hours (5,460 day-hours, compared in that
form so that it is exact); then the round: the STEM-eligible by CRS (highest first), submission time, id; the first 500.

Writes `id,french_eligible,stem_eligible` (1/0) for every profile in id order to OUT (CSV), and prints the round as
JSON: invited, lowest CRS, and the SHA-1 of the invited ids (ascending, as decimal integers joined by commas).

Usage: python bench/peer/hand.py POOL OUT [--as-of 2025-06-01] [--invitations 500]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

STEM = ("20011", "21211", "21220", "21221", "21222", "21223", "21230", "21231", "21232", "21300", "21310", "21311",
        "21321", "21331", "22300", "22301", "22310", "63100", "21301")


def verdicts_sql(pool: Path, out: Path, as_of: date) -> str:
    first = as_of.replace(year=as_of.year - 3)
    codes = ", ".join(f"'{code}'" for code in STEM)
    return f"""
CREATE TEMP TABLE p AS SELECT id, submitted_at, crs, language_tests, work_history FROM read_parquet('{pool}');
CREATE TEMP TABLE stem AS
WITH jobs AS (
  SELECT id, j.noc AS noc, greatest(j.start, DATE '{first}') AS f,
         least(coalesce(j."end", DATE '{as_of}'), DATE '{as_of}') AS l, j.hours_per_week AS h
  FROM (SELECT id, unnest(work_history) AS j FROM p) WHERE j.noc IN ({codes})
), ev AS (
  SELECT id, noc, f AS day, h AS d FROM jobs WHERE l >= f
  UNION ALL SELECT id, noc, l + 1, -h FROM jobs WHERE l >= f
), seg AS (
  SELECT id, noc, day, lead(day) OVER w AS nxt, sum(d) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS wk
  FROM ev WINDOW w AS (PARTITION BY id, noc ORDER BY day)
)
SELECT DISTINCT id FROM (
  SELECT id, noc FROM seg WHERE nxt IS NOT NULL GROUP BY id, noc HAVING sum(least(wk, 30) * (nxt - day)) >= 5460
);
COPY (
  SELECT CAST(p.id AS BIGINT) AS id,
         CAST(coalesce(list_bool_or(list_transform(language_tests, lambda t: t.test = 'tef_canada'
           AND t.levels.listening >= 7 AND t.levels.reading >= 7 AND t.levels.writing >= 7
           AND t.levels.speaking >= 7)), false) AS INTEGER) AS french_eligible,
         CAST(s.id IS NOT NULL AS INTEGER) AS stem_eligible
  FROM p LEFT JOIN stem s USING (id) ORDER BY p.id
) TO '{out}' (FORMAT csv, HEADER true)
"""


def round_sql(as_of: date, invitations: int) -> str:
    return f"""
SELECT CAST(id AS BIGINT), crs FROM (
  SELECT p.id, p.crs, row_number() OVER (ORDER BY p.crs DESC, p.submitted_at, p.id) AS rank
  FROM p JOIN stem USING (id) WHERE p.submitted_at < TIMESTAMP '{as_of + timedelta(days=1)}'
) WHERE rank <= {invitations}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pool", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 6, 1))
    parser.add_argument("--invitations", type=int, default=500)
    arguments = parser.parse_args()

    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute("SET preserve_insertion_order = false")
    for statement in verdicts_sql(arguments.pool, arguments.out, arguments.as_of).split(";\n"):
        if statement.strip():
            connection.execute(statement)
    invited = connection.execute(round_sql(arguments.as_of, arguments.invitations)).fetchall()
    ids = sorted(row[0] for row in invited)
    print(json.dumps({"invited": len(ids), "lowest_crs": min((row[1] for row in invited), default=None),
                      "invited_sha1": hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()}))


if __name__ == "__main__":
    main()
