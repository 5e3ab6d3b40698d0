"""The pool's columnar shape: the profile schema as typed columns, with work history and language tests kept as lists
of structs per profile (one row per candidate, nothing flattened).

A NULL column means the profile does not give that fact (it is MISSING to the rules); an empty list is a fact ("no
programs", "no jobs").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

ABILITIES = ("listening", "reading", "writing", "speaking")

LEVELS_TYPE = "STRUCT(listening INTEGER, reading INTEGER, writing INTEGER, speaking INTEGER)"
SCORES_TYPE = "STRUCT(listening DOUBLE, reading DOUBLE, writing DOUBLE, speaking DOUBLE)"
TEST_TYPE = f"STRUCT(test VARCHAR, date DATE, levels {LEVELS_TYPE}, scores {SCORES_TYPE})"
JOB_TYPE = ('STRUCT(noc VARCHAR, title VARCHAR, country VARCHAR, start DATE, "end" DATE, hours_per_week DOUBLE, '
            'self_employed BOOLEAN)')

# Column name -> DuckDB type, in the order pools are written.
COLUMNS: Mapping[str, str] = {
    "id": "VARCHAR",
    "submitted_at": "TIMESTAMP",
    "date_of_birth": "DATE",
    "eligible_programs": "VARCHAR[]",
    "crs": "INTEGER",
    "language_tests": f"{TEST_TYPE}[]",
    "work_history": f"{JOB_TYPE}[]",
}

JOB_FIELDS = ("noc", "title", "country", "start", "end", "hours_per_week", "self_employed")


def arrow_schema() -> Any:
    """The same columns as an Arrow schema (timestamps are UTC, stored without a zone)."""
    import pyarrow as pa

    levels = pa.struct([(a, pa.int32()) for a in ABILITIES])
    scores = pa.struct([(a, pa.float64()) for a in ABILITIES])
    test = pa.struct([("test", pa.string()), ("date", pa.date32()), ("levels", levels), ("scores", scores)])
    job = pa.struct([("noc", pa.string()), ("title", pa.string()), ("country", pa.string()),
                     ("start", pa.date32()), ("end", pa.date32()), ("hours_per_week", pa.float64()),
                     ("self_employed", pa.bool_())])
    return pa.schema([
        ("id", pa.string()), ("submitted_at", pa.timestamp("us")), ("date_of_birth", pa.date32()),
        ("eligible_programs", pa.list_(pa.string())), ("crs", pa.int32()),
        ("language_tests", pa.list_(test)), ("work_history", pa.list_(job)),
    ])


def row_from_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A validated profile (JSON-like: dates as text) as one typed pool row."""
    tests = profile.get("language_tests")
    jobs = profile.get("work_history")
    return {
        "id": str(profile["id"]),
        "submitted_at": _datetime(profile.get("submitted_at")),
        "date_of_birth": _date(profile.get("date_of_birth")),
        "eligible_programs": list(profile["eligible_programs"]) if "eligible_programs" in profile else None,
        "crs": profile.get("crs"),
        "language_tests": None if tests is None else [
            {"test": t["test"], "date": _date(t.get("date")),
             "levels": {a: t.get("levels", {}).get(a) for a in ABILITIES},
             "scores": {a: _score(t.get("scores", {}).get(a)) for a in ABILITIES}} for t in tests],
        "work_history": None if jobs is None else [
            {"noc": f"{j['noc']:05d}" if isinstance(j["noc"], int) else str(j["noc"]), "title": j.get("title"),
             "country": j.get("country"), "start": _date(j.get("start")), "end": _date(j.get("end")),
             "hours_per_week": None if j.get("hours_per_week") is None else float(j["hours_per_week"]),
             "self_employed": j.get("self_employed")} for j in jobs],
    }


def profile_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A typed pool row back as a profile document (what `facts_from_profile` reads); NULL facts are left out."""
    profile: dict[str, Any] = {"id": row["id"]}
    if row.get("submitted_at") is not None:
        profile["submitted_at"] = row["submitted_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    if row.get("date_of_birth") is not None:
        profile["date_of_birth"] = row["date_of_birth"].isoformat()
    if row.get("eligible_programs") is not None:
        profile["eligible_programs"] = list(row["eligible_programs"])
    if row.get("crs") is not None:
        profile["crs"] = int(row["crs"])
    if row.get("language_tests") is not None:
        profile["language_tests"] = [_test(t) for t in row["language_tests"]]
    if row.get("work_history") is not None:
        profile["work_history"] = [_job(j) for j in row["work_history"]]
    return profile


def _test(test: Mapping[str, Any]) -> dict[str, Any]:
    levels = test.get("levels") or {}
    entry: dict[str, Any] = {"test": test["test"], "levels": {a: levels[a] for a in ABILITIES
                                                              if levels.get(a) is not None}}
    scores = test.get("scores") or {}
    given = {a: scores[a] for a in ABILITIES if scores.get(a) is not None}
    if given:
        entry["scores"] = given
    if test.get("date") is not None:
        entry["date"] = test["date"].isoformat()
    return entry


def _job(job: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"noc": job["noc"], "start": job["start"].isoformat(),
                             "end": job["end"].isoformat() if job.get("end") is not None else None}
    for name in ("title", "country", "hours_per_week", "self_employed"):
        if job.get(name) is not None:
            entry[name] = job[name]
    return entry


def _score(value: object) -> float | None:
    return None if value is None else float(str(value))


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value is not None else None


def _datetime(value: object) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)
