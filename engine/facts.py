"""The profile model: which facts rules may read, their types, and how a validated profile becomes those facts.

This is the one place where the engine knows the shape of an Express Entry profile. The checker learns it through
`PRELUDE`; the evaluator reads the `Facts` built by `facts_from_profile`. A fact absent from the profile is
`MISSING`, which makes the rules that need it undetermined rather than false.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dsl import types as t
from engine.quantities import Hours, LanguageLevel, Points


class _Missing:
    """The value of a fact the profile does not give."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

LANGUAGE_TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")
FRENCH_TESTS = frozenset({"tef_canada", "tcf_canada"})
ABILITIES = ("listening", "reading", "writing", "speaking")
PROGRAMS = ("fsw", "cec", "fst")

PROGRAM = t.Choice("program", members=PROGRAMS)
TEST_NAME = t.Choice("language test", members=LANGUAGE_TESTS)

LANGUAGE_RESULT = t.Record("language test result", fields=(
    ("test", TEST_NAME),
    ("date", t.DATE),
    *((ability, t.LEVEL) for ability in ABILITIES),
))

JOB = t.Record("job", fields=(
    ("noc", t.CODE),
    ("title", t.TEXT),
    ("country", t.TEXT),
    ("start", t.DATE),
    ("end", t.DATE),
    ("hours_per_week", t.HOURS),
    ("self_employed", t.BOOL),
))

FACT_TYPES: Mapping[str, t.Type] = {
    "id": t.TEXT,
    "submitted_at": t.DATETIME,
    "date_of_birth": t.DATE,
    "eligible_programs": t.ListOf("list", PROGRAM),
    "crs": t.POINTS,
    "language_tests": t.ListOf("list", LANGUAGE_RESULT),
    "work_history": t.ListOf("list", JOB),
}

# Facts that state a conclusion a rule could reach itself; explanations say they were given, not computed.
GIVEN_CONCLUSIONS = frozenset({"eligible_programs", "crs"})

# Where a record field lives in the profile, when not directly under the item.
FIELD_PATHS: Mapping[str, str] = {ability: f"levels.{ability}" for ability in ABILITIES}

FUNCTIONS: Mapping[str, t.FunctionSignature] = {
    "count": t.FunctionSignature("count", (t.ListOf("list", t.ANY),), t.INT, "the number of {0}"),
    "worked_in": t.FunctionSignature(
        "worked_in", (t.OCCUPATIONS,), t.ListOf("list", t.CODE),
        "the occupations worked that are on the list {0}"),
    "continuous_full_time": t.FunctionSignature(
        "continuous_full_time", (t.CODE, t.PERIOD), t.DURATION,
        "longest continuous full-time work in {0} {1}"),
    "hours_worked": t.FunctionSignature(
        "hours_worked", (t.CODE, t.PERIOD), t.HOURS,
        "hours of work counted in {0} {1} (at most 30 a week)"),
}

PRELUDE = t.Prelude(facts=FACT_TYPES, functions=FUNCTIONS)


@dataclass(frozen=True, slots=True)
class Item:
    """One entry of a list in the profile (a job, a test result), with its JSON path for explanations."""

    path: str
    fields: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Facts:
    """A profile as the evaluator reads it: typed values, `MISSING` where the profile is silent."""

    profile_id: str
    values: Mapping[str, Any]


def facts_from_profile(profile: Mapping[str, Any]) -> Facts:
    """Convert a profile that passed schema validation into typed facts."""
    values: dict[str, Any] = {
        "id": str(profile["id"]),
        "submitted_at": _datetime(profile.get("submitted_at")),
        "date_of_birth": _date(profile.get("date_of_birth")),
        "eligible_programs": tuple(profile["eligible_programs"]) if "eligible_programs" in profile else MISSING,
        "crs": Points(int(profile["crs"])) if profile.get("crs") is not None else MISSING,
        "language_tests": _items(profile, "language_tests", _language_result),
        "work_history": _items(profile, "work_history", _job),
    }
    return Facts(str(profile["id"]), values)


def _items(profile: Mapping[str, Any], key: str, convert: Any) -> Any:
    if key not in profile or profile[key] is None:
        return MISSING
    return tuple(Item(f"{key}[{index}]", convert(entry)) for index, entry in enumerate(profile[key]))


def _language_result(entry: Mapping[str, Any]) -> dict[str, Any]:
    test = entry.get("test", MISSING)
    scale = "nclc" if test in FRENCH_TESTS else "clb"
    levels = entry.get("levels") or {}
    fields: dict[str, Any] = {"test": test, "date": _date(entry.get("date"))}
    for ability in ABILITIES:
        level = levels.get(ability)
        fields[ability] = LanguageLevel(int(level), scale) if level is not None else MISSING
    return fields


def _job(entry: Mapping[str, Any]) -> dict[str, Any]:
    hours = entry.get("hours_per_week")
    return {
        "noc": normalise_noc(entry["noc"]) if entry.get("noc") is not None else MISSING,
        "title": entry.get("title", MISSING),
        "country": entry.get("country", MISSING),
        "start": _date(entry.get("start")),
        "end": _date(entry.get("end")) if entry.get("end") is not None else None,
        "hours_per_week": Hours(float(hours)) if hours is not None else MISSING,
        "self_employed": bool(entry["self_employed"]) if entry.get("self_employed") is not None else MISSING,
    }


def normalise_noc(value: object) -> str:
    """NOC codes are five digits; a YAML author may write them unquoted, as numbers."""
    return f"{value:05d}" if isinstance(value, int) else str(value)


def _date(value: object) -> Any:
    return date.fromisoformat(str(value)) if value is not None else MISSING


def _datetime(value: object) -> Any:
    if value is None:
        return MISSING
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
