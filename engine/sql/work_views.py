"""The views over the work history: the interval arithmetic of `engine.model.work` (window, per-occupation daily
sums of weekly hours, full-time days, longest continuous run, hours capped at 30 a week) as a relational sweep over
the jobs, once per window (or per selection of jobs and window), whose answer the query joins back to each profile.

These statements are fixed text around a few holes: the dialect's spelling of list and date functions, the window's
dates, the jobs a selection keeps (an expression rendered by `engine.sql.render`), and the part of the pool that
reads the view (`source`).
"""

from __future__ import annotations

from datetime import date

from engine.model.quantities import Period
from engine.model.work import FULL_TIME_HOURS_PER_WEEK
from engine.sql.dialect import Dialect
from engine.sql.values import DURATION_SCALE

EPSILON = 1e-9


def occupation_time(d: Dialect, as_of: date, window: Period, prune: list[str], source: str,
                    longest: bool = True) -> str:
    """Per profile and occupation worked: longest continuous full-time run and hours counted within the window,
    and whether some job in that occupation does not give its hours (then both are missing, as in the evaluator).
    One row per occupation worked, whatever its time in the window; `prune`: the only occupations read, if known.
    `longest`: whether the rules read the longest run; without it, the runs of full-time days (a second window
    function, a grouping per run and calendar-month arithmetic) are not computed and the view has no such column."""
    kept = f" WHERE j.noc IN ({', '.join(d.text(c) for c in prune)})" if prune else ""
    end = d.field("j", "end")
    order = "PARTITION BY _line, noc ORDER BY day"
    run = ", t.longest AS longest" if longest else ""
    return f"""
WITH jobs AS (
  SELECT _line, j.noc AS noc, j.start AS s, coalesce({end}, {d.date(as_of)}) AS e, j.hours_per_week AS h
  FROM (SELECT _line, {d.explode('work_history')} AS j FROM {source}) exploded{kept}
), codes AS (
  SELECT _line, noc, bool_or(h IS NULL) AS incomplete FROM jobs GROUP BY _line, noc
), clipped AS (
  SELECT _line, noc, greatest(s, {d.date(window.first)}) AS f, least(e, {d.date(window.last)}) AS l, h
  FROM jobs WHERE h > 0
), changes AS (
  SELECT _line, noc, f AS day, h AS delta FROM clipped WHERE l >= f
  UNION ALL
  SELECT _line, noc, {d.add_days('l', '1')} AS day, -h AS delta FROM clipped WHERE l >= f
), running AS (
  SELECT _line, noc, day, lead(day) OVER ({order}) AS next_day,
         sum(delta) OVER ({order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS raw_weekly
  FROM changes
){_hours_and_runs(d, order) if longest else _hours_only(d)}
SELECT c._line AS _line, c.noc AS noc, c.incomplete AS incomplete, t.hours AS hours{run}
FROM codes c LEFT JOIN per_code t ON t._line = c._line AND t.noc = c.noc"""


def _hours_only(d: Dialect) -> str:
    """The hours counted, segment by segment of constant weekly hours (after the CTE `running`)."""
    cap = d.double(FULL_TIME_HOURS_PER_WEEK)
    weekly = f"CASE WHEN raw_weekly < {d.double(EPSILON)} THEN {d.double(0.0)} ELSE raw_weekly END"
    return f""", per_code AS (
  SELECT _line, noc, sum(least({weekly}, {cap}) * {d.days_between('next_day', 'day')}) / 7 AS hours
  FROM running WHERE next_day IS NOT NULL GROUP BY _line, noc
)"""


def _hours_and_runs(d: Dialect, order: str) -> str:
    """The hours counted and the longest run of full-time days (after the CTE `running`)."""
    full = d.double(FULL_TIME_HOURS_PER_WEEK - EPSILON)
    cap = d.double(FULL_TIME_HOURS_PER_WEEK)
    epsilon = d.double(EPSILON)
    segment_days = d.days_between("next_day", "day")
    first_month = "(year(after_) * 12 + month(after_) - year(first_) * 12 - month(first_))"
    months = (f"(CASE WHEN {first_month} > 0 AND {d.add_months('first_', first_month)} > after_ "
              f"THEN {first_month} - 1 ELSE {first_month} END)")
    return f""", segments AS (
  SELECT _line, noc, day, next_day, weekly, weekly >= {full} AS full_time,
         sum(CASE WHEN weekly >= {full} THEN 0 ELSE 1 END) OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING
             AND CURRENT ROW) AS island
  FROM (SELECT *, CASE WHEN raw_weekly < {epsilon} THEN {d.double(0.0)} ELSE raw_weekly END AS weekly FROM running) w
  WHERE next_day IS NOT NULL
), islands AS (
  SELECT _line, noc, sum(least(weekly, {cap}) * {segment_days}) AS hour_days,
         min(CASE WHEN full_time THEN day END) AS first_, max(CASE WHEN full_time THEN next_day END) AS after_
  FROM segments GROUP BY _line, noc, island
), per_code AS (
  SELECT _line, noc, sum(hour_days) / 7 AS hours,
         coalesce(max(months * {DURATION_SCALE} + {d.days_between('after_', d.add_months('first_', 'months'))}), 0)
         AS longest
  FROM (SELECT *, {months} AS months FROM islands) m GROUP BY _line, noc
)"""


def occupation_maps(d: Dialect, index: int, longest: bool = True) -> str:
    """Per profile, a map from occupation code to its time in one window, for rules that need it in a lambda
    (`longest`: with the longest run, when the rules read it)."""
    value = d.struct([*([("longest", "longest")] if longest else []), ("hours", "hours")])
    return (f"SELECT _line, map_from_entries({d.collect(d.struct([('k', 'noc'), ('v', value)]))}) AS occ "
            f"FROM occ_code_{index} GROUP BY _line")


def hours_in_view(d: Dialect, as_of: date, where: str, window: Period, source: str, by_code: bool = False) -> str:
    """Per profile with jobs: whether a job's selection or its hours are unknown (the sum is then missing), and
    the hours counted (at most 30 a week, over all kept jobs together) within the window. `by_code`: per profile
    and occupation, over that occupation's kept jobs."""
    cap = d.double(FULL_TIME_HOURS_PER_WEEK)
    epsilon = d.double(EPSILON)
    key = ", noc" if by_code else ""
    order = f"PARTITION BY _line{key} ORDER BY day"
    code, same_code = (" j.noc AS noc,", " AND h.noc = f.noc") if by_code else ("", "")
    end = f"coalesce({d.field('j', 'end')}, {d.date(as_of)})"
    unknown = "bool_or(keep IS NULL OR (keep AND (s IS NULL OR h IS NULL)))"
    return f"""
WITH jobs AS (
  SELECT _line,{code} j.start AS s, {end} AS e, j.hours_per_week AS h,
         {where} AS keep
  FROM (SELECT p.*, {d.explode('p.work_history')} AS j FROM {source} p) p
), flags AS (
  SELECT _line{key}, {unknown} AS unknown FROM jobs GROUP BY _line{key}
), clipped AS (
  SELECT _line{key}, greatest(s, {d.date(window.first)}) AS f, least(e, {d.date(window.last)}) AS l, h
  FROM jobs WHERE keep AND h > 0
), changes AS (
  SELECT _line{key}, f AS day, h AS delta FROM clipped WHERE l >= f
  UNION ALL
  SELECT _line{key}, {d.add_days('l', '1')} AS day, -h AS delta FROM clipped WHERE l >= f
), running AS (
  SELECT _line{key}, day, lead(day) OVER ({order}) AS next_day,
         sum(delta) OVER ({order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS raw_weekly
  FROM changes
), hours AS (
  SELECT _line{key}, sum(least(CASE WHEN raw_weekly < {epsilon} THEN {d.double(0.0)} ELSE raw_weekly END, {cap})
                    * {d.days_between('next_day', 'day')}) / 7 AS hours
  FROM running WHERE next_day IS NOT NULL GROUP BY _line{key}
)
SELECT f._line AS _line,{code.replace("j.", "f.")} f.unknown AS unknown, h.hours AS hours
FROM flags f LEFT JOIN hours h ON h._line = f._line{same_code}"""


def per_profile(d: Dialect, pool: str, codes: list[str], folds: list[tuple[str, str]], windows: list[int],
                hours_by_code: list[int], longest: frozenset[int] = frozenset()) -> str:
    """One row per profile that worked in a listed occupation: the folded quantifiers over its occupations (`folds`:
    their SQL and alias), read off the occupations' time in each window (the first window's rows give the
    occupations worked; `longest`: the windows whose longest run the rules read)."""
    listed = f"IN ({', '.join(d.text(c) for c in codes)})" if codes else "IS NULL AND FALSE"
    columns = ", ".join(f"{sql} AS {alias}" for sql, alias in folds)
    if windows:
        first = windows[0]
        times = "".join((f", w{i}.longest AS longest_{i}" if i in longest else "") + f", w{i}.hours AS hours_{i}"
                        for i in windows)
        joins = "".join(f" LEFT JOIN occ_code_{i} w{i} ON w{i}._line = w{first}._line AND w{i}.noc = w{first}.noc"
                        for i in windows[1:])
        codes_worked = (f"SELECT w{first}._line AS _line, w{first}.noc AS noc, w{first}.incomplete AS incomplete"
                        f"{times} FROM occ_code_{first} w{first}{joins} WHERE w{first}.noc {listed}")
    else:
        codes_worked = (f"SELECT _line, noc, bool_or(h IS NULL) AS incomplete FROM (SELECT _line, j.noc AS noc, "
                        f"j.hours_per_week AS h FROM (SELECT _line, {d.explode('work_history')} AS j "
                        f"FROM {pool}) exploded WHERE j.noc {listed}) jobs GROUP BY _line, noc")
    if hours_by_code:
        hours = "".join(f", hc{i}.hours AS hc{i}, hc{i}.unknown AS hc{i}_unknown" for i in hours_by_code)
        joins = "".join(f" LEFT JOIN hours_code_{i} hc{i} ON hc{i}._line = w._line AND hc{i}.noc = w.noc"
                        for i in hours_by_code)
        codes_worked = f"SELECT w.*{hours} FROM ({codes_worked}) w{joins}"
    return f"SELECT k._line AS _line, {columns} FROM ({codes_worked}) k GROUP BY k._line"
