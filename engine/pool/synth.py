"""Synthetic pools: realistic, reproducible candidate profiles for analysis and benchmarks.

The distributions are documented in docs/pools.md; the occupation codes come from the rulebooks given (listed
occupations) and from random NOC-shaped codes outside every list, so no category fact lives here. The same size, seed
and rulebooks always give the same pool, byte for byte.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine import ir
from engine.model.facts import EDUCATION_LEVELS
from engine.model.pool_columns import ABILITIES, arrow_schema, profile_from_row

LANGUAGE_TABLE = "language_levels"
# Shares of education levels, in the order of `EDUCATION_LEVELS`.
EDUCATION_WEIGHTS = (2, 10, 6, 14, 38, 8, 19, 3)

ENGLISH_TESTS = ("celpip_general", "ielts_general", "pte_core")
FRENCH_TESTS = ("tef_canada", "tcf_canada")
COUNTRIES = ("Canada", "India", "Nigeria", "Philippines", "France", "Brazil", "China", "Morocco", "Mexico")
PART_TIME_HOURS = (15.0, 20.0, 24.0, 25.0, 28.0)
CHUNK = 50_000


@dataclass(frozen=True, slots=True)
class SynthSettings:
    size: int
    seed: int
    as_of: date
    listed_codes: tuple[str, ...]
    titles: dict[str, str]
    # (test, ability, level) -> the lowest score charted for that level, from the rulebooks' language table.
    charted_scores: dict[tuple[str, str, int], float] = field(default_factory=dict)
    # False: leave out the stated `crs` and `eligible_programs`, so that the rules compute both from the raw facts.
    stated_conclusions: bool = True


def settings_for(size: int, seed: int, as_of: date, rulebooks: Sequence[ir.Rulebook],
                 stated_conclusions: bool = True) -> SynthSettings:
    titles: dict[str, str] = {}
    for rulebook in rulebooks:
        for code, title in rulebook.occupation_titles.items():
            titles.setdefault(code, title)
    charted: dict[tuple[str, str, int], float] = {}
    for rulebook in rulebooks:
        table = rulebook.tables.get(LANGUAGE_TABLE)
        if table is None:
            continue
        for row in table.rows:
            scale, ability, score = (cell for cell in row.keys)
            if score.low is not None:
                level = row.values[table.value_columns[0]].value
                charted.setdefault((scale.low, ability.low, level), score.low.amount)
    return SynthSettings(size, seed, as_of, tuple(sorted(titles)), titles, charted, stated_conclusions)


def rows(settings: SynthSettings) -> Iterator[dict[str, Any]]:
    """Pool rows (typed, as in `engine.model.pool_columns`), in id order."""
    rng = random.Random(settings.seed)
    facts = random.Random(f"{settings.seed}-facts")
    listed = frozenset(settings.listed_codes)
    for index in range(settings.size):
        row = _more_facts(facts, _profile(rng, index, settings, listed), settings)
        if not settings.stated_conclusions:  # drawn all the same, so that every other column stays as it was
            row["crs"] = row["eligible_programs"] = None
        yield row


def write(settings: SynthSettings, out: Path) -> int:
    """Write the pool as Parquet (`.parquet`) or JSON Lines (`.jsonl`, `.ndjson`); returns the number of rows."""
    suffix = out.suffix.lower()
    if suffix == ".parquet":
        return _write_parquet(settings, out)
    if suffix in (".jsonl", ".ndjson"):
        with out.open("w", encoding="utf-8") as handle:
            for row in rows(settings):
                handle.write(json.dumps(profile_from_row(row), ensure_ascii=False, separators=(",", ":")) + "\n")
        return settings.size
    raise ValueError(f"cannot write a pool as '{suffix or out.name}': use .parquet, .jsonl or .ndjson")


def _write_parquet(settings: SynthSettings, out: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows(settings):
            chunk.append(row)
            if len(chunk) == CHUNK:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if chunk or settings.size == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
    return settings.size


def _profile(rng: random.Random, index: int, settings: SynthSettings, listed: frozenset[str]) -> dict[str, Any]:
    as_of = settings.as_of
    age_days = int(rng.triangular(20, 47, 29) * 365.25) + rng.randrange(365)
    submitted = None
    if rng.random() >= 0.01:
        moment = datetime(as_of.year, as_of.month, as_of.day) - timedelta(seconds=rng.randrange(730 * 86_400))
        submitted = moment
    return {
        "id": f"c{index:07d}",
        "submitted_at": submitted,
        "date_of_birth": as_of - timedelta(days=age_days),
        "eligible_programs": _programs(rng),
        "crs": _crs(rng),
        "language_tests": _tests(rng, as_of),
        "work_history": _jobs(rng, settings, listed),
    }


def _more_facts(rng: random.Random, row: dict[str, Any], settings: SynthSettings) -> dict[str, Any]:
    """The facts program eligibility is computed from (drawn from their own stream, so the columns above stay as
    they were): raw scores in place of levels, education, a spouse, a job offer, the first language, claims."""
    for test in row["language_tests"] or ():
        _scores(rng, test, settings)
    row["education"] = None if rng.random() < 0.03 else _education(rng)
    row["spouse"] = None
    if rng.random() < 0.4:
        tests = [_test(rng, rng.choice(ENGLISH_TESTS), rng.gauss(6.5, 1.5), settings.as_of)] \
            if rng.random() < 0.5 else None
        row["spouse"] = {"accompanying": rng.random() < 0.85, "canadian_citizen_or_pr": rng.random() < 0.05,
                         "education": _education(rng) if rng.random() < 0.8 else None,
                         "canadian_work_years": rng.choice((0, 0, 0, 1, 2)), "language_tests": tests}
    row["job_offer"] = None
    if rng.random() < 0.06 and settings.listed_codes:
        code = rng.choice(settings.listed_codes)
        row["job_offer"] = {"noc": code, "teer": None, "basis": rng.choice(("lmia", "lmia_exempt", "none"))}
    row["first_official_language"] = rng.choice(("english", "french")) if rng.random() < 0.3 else None
    for claim, share in (("provincial_nomination", 0.0), ("certificate_of_qualification", 0.03),
                         ("sibling_in_canada", 0.05), ("relative_in_canada", 0.08)):
        row[claim] = True if rng.random() < share else None
    return row


def _scores(rng: random.Random, test: dict[str, Any], settings: SynthSettings) -> None:
    """A quarter of results give the raw scores charted for their levels instead of the levels."""
    if rng.random() >= 0.25:
        return
    levels = test["levels"]
    scores = {a: settings.charted_scores.get((test["test"], a, levels[a])) for a in ABILITIES
              if levels.get(a) is not None}
    if scores and all(v is not None for v in scores.values()):
        test["scores"] = scores
        test["levels"] = {a: None for a in ABILITIES}


def _education(rng: random.Random) -> dict[str, Any]:
    return {"level": rng.choices(EDUCATION_LEVELS, EDUCATION_WEIGHTS)[0], "canadian": rng.random() < 0.2,
            "completed": rng.random() >= 0.05}


def _programs(rng: random.Random) -> list[str] | None:
    draw = rng.random()
    if draw < 0.04:
        return None
    if draw < 0.12:
        return []
    programs = [p for p, share in (("fsw", 0.65), ("cec", 0.45), ("fst", 0.07)) if rng.random() < share]
    return programs or ["fsw"]


def _crs(rng: random.Random) -> int | None:
    if rng.random() < 0.02:
        return None
    score = int(min(640, max(250, rng.gauss(455, 45))))
    if rng.random() < 0.04:
        score = min(1200, score + 600)
    return score


def _tests(rng: random.Random, as_of: date) -> list[dict[str, Any]] | None:
    if rng.random() < 0.01:
        return None
    tests = []
    if rng.random() < 0.97:
        tests.append(_test(rng, rng.choice(ENGLISH_TESTS), rng.gauss(8, 1.3), as_of))
    if rng.random() < 0.14:
        tests.append(_test(rng, rng.choice(FRENCH_TESTS), rng.gauss(7, 1.5), as_of))
    return tests


def _test(rng: random.Random, name: str, centre: float, as_of: date) -> dict[str, Any]:
    base = round(centre)
    levels: dict[str, int | None] = {a: min(10, max(3, base + rng.choice((-1, 0, 0, 0, 1)))) for a in ABILITIES}
    if rng.random() < 0.02:
        levels[rng.choice(ABILITIES)] = None
    return {"test": name, "date": as_of - timedelta(days=rng.randrange(20, 700)), "levels": levels}


def _jobs(rng: random.Random, settings: SynthSettings, listed: frozenset[str]) -> list[dict[str, Any]] | None:
    if rng.random() < 0.01:
        return None
    count = rng.choices((0, 1, 2, 3, 4), weights=(3, 38, 34, 18, 7))[0]
    jobs: list[dict[str, Any]] = []
    end: date | None = None if rng.random() < 0.45 else settings.as_of - timedelta(days=rng.randrange(400))
    last_day = end or settings.as_of
    code = _code(rng, settings, listed)
    for _ in range(count):
        length = rng.randrange(30, 240) if rng.random() < 0.25 else rng.randrange(60, 1500)
        start = last_day - timedelta(days=length)
        jobs.append({"noc": code, "title": settings.titles.get(code), "country": rng.choice(COUNTRIES)
                     if rng.random() < 0.45 else "Canada", "start": start, "end": end,
                     "hours_per_week": _hours(rng), "self_employed": rng.random() < 0.05})
        end = start - timedelta(days=1 if rng.random() < 0.5 else rng.randrange(2, 200))
        last_day = end
        if rng.random() >= 0.6:
            code = _code(rng, settings, listed)
    jobs.reverse()
    return jobs


def _code(rng: random.Random, settings: SynthSettings, listed: frozenset[str]) -> str:
    if settings.listed_codes and rng.random() < 0.55:
        return rng.choice(settings.listed_codes)
    while True:
        code = f"{rng.randrange(10)}{rng.randrange(4)}{rng.randrange(1000):03d}"
        if code not in listed:
            return code


def _hours(rng: random.Random) -> float | None:
    draw = rng.random()
    if draw < 0.02:
        return None
    if draw < 0.14:
        return rng.choice(PART_TIME_HOURS)
    if draw < 0.22:
        return 30.0
    if draw < 0.32:
        return 37.5
    if draw < 0.35:
        return 45.0
    return 40.0
