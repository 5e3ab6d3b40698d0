"""The profile model: which facts rules may read, their types, and how a validated profile becomes those facts.

This is the one place where the engine knows the shape of an Express Entry profile. The checker learns it through
`PRELUDE`; the evaluator reads the `Facts` built by `facts_from_profile`. A fact absent from the profile is
`MISSING`, which makes the rules that need it undetermined rather than false.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dsl import types as t
from engine.model.quantities import Hours, LanguageLevel, Points, Score


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
OFFICIAL_LANGUAGES = ("english", "french")
EDUCATION_LEVELS = ("less_than_secondary", "secondary", "one_year_post_secondary", "two_year_post_secondary",
                    "bachelors_or_3yr", "two_or_more_one_3yr", "masters_or_professional", "doctoral")
JOB_OFFER_BASES = ("lmia", "lmia_exempt", "none")

PROGRAM = t.Choice("program", members=PROGRAMS)
TEST_NAME = t.Choice("language test", members=LANGUAGE_TESTS)

LANGUAGE_RESULT = t.Record("language test result", fields=(
    ("test", TEST_NAME),
    ("date", t.DATE),
    *((ability, t.LEVEL) for ability in ABILITIES),
    *((f"{ability}_score", t.SCORE) for ability in ABILITIES),
))

# The parts of a NOC 2021 code (TEER is its second digit; the groups are its first 2, 3 and 4 digits).
NOC_PARTS = (("noc_teer", t.INT), ("noc_major_group", t.TEXT), ("noc_sub_major_group", t.TEXT),
             ("noc_minor_group", t.TEXT))

EDUCATION = t.Record("education", fields=(
    ("level", t.Choice("education level", members=EDUCATION_LEVELS)),
    ("canadian", t.BOOL),
    ("completed", t.BOOL),
))

SPOUSE = t.Record("spouse or partner", fields=(
    ("accompanying", t.BOOL),
    ("canadian_citizen_or_pr", t.BOOL),
    ("education", EDUCATION),
    ("canadian_work_years", t.INT),
    ("language_tests", t.ListOf("list", LANGUAGE_RESULT)),
))

JOB_OFFER = t.Record("job offer", fields=(
    ("noc", t.CODE),
    ("teer", t.INT),
    ("basis", t.Choice("job offer basis", members=JOB_OFFER_BASES)),
    *NOC_PARTS,
))

# Service in a foreign military, for the Skilled military recruits category (2026). `has_caf_offer` is computed: the
# profile gives `caf_offer`, or leaves it out when there is no offer.
CAF_OFFER = t.Record("Canadian Armed Forces offer", fields=(
    ("noc", t.CODE),
    ("years", t.INT),
    ("full_time", t.BOOL),
    ("in_canada", t.BOOL),
))

MILITARY = t.Record("military service", fields=(
    ("serving", t.BOOL),
    ("continuous_service_years", t.INT),
    ("has_caf_offer", t.BOOL),
    ("caf_offer", CAF_OFFER),
))

JOB = t.Record("job", fields=(
    ("noc", t.CODE),
    ("title", t.TEXT),
    ("country", t.TEXT),
    ("start", t.DATE),
    ("end", t.DATE),
    ("hours_per_week", t.HOURS),
    ("self_employed", t.BOOL),
    *NOC_PARTS,
))

FACT_TYPES: Mapping[str, t.Type] = {
    "id": t.TEXT,
    "submitted_at": t.DATETIME,
    "date_of_birth": t.DATE,
    "eligible_programs": t.ListOf("list", PROGRAM),
    "crs": t.POINTS,
    "language_tests": t.ListOf("list", LANGUAGE_RESULT),
    "work_history": t.ListOf("list", JOB),
    "first_official_language": t.Choice("official language", members=OFFICIAL_LANGUAGES),
    "education": EDUCATION,
    "has_spouse": t.BOOL,
    "spouse": SPOUSE,
    "provincial_nomination": t.BOOL,
    "has_job_offer": t.BOOL,
    "job_offer": JOB_OFFER,
    "certificate_of_qualification": t.BOOL,
    "sibling_in_canada": t.BOOL,
    "relative_in_canada": t.BOOL,
    "military": MILITARY,
}

# Claims a candidate makes: a profile that does not make one does not claim it (false), rather than leave it unknown.
CLAIMS = ("provincial_nomination", "certificate_of_qualification", "sibling_in_canada", "relative_in_canada")

# Facts that state a conclusion a rule could reach itself; explanations say they were given, not computed.
GIVEN_CONCLUSIONS = frozenset({"eligible_programs", "crs"})

# Where a record field lives in the profile, when not directly under the item.
FIELD_PATHS: Mapping[str, str] = {
    **{ability: f"levels.{ability}" for ability in ABILITIES},
    **{f"{ability}_score": f"scores.{ability}" for ability in ABILITIES},
    **{name: "noc" for name, _ in NOC_PARTS},
}

# Fields computed from another field of the same record; explanations show the field the profile gave.
DERIVED_FIELDS: Mapping[str, str] = {name: "noc" for name, _ in NOC_PARTS}

# Fields that say whether the profile gives another field of the same record (given: true; left out: false).
PRESENCE_FIELDS: Mapping[str, str] = {"has_caf_offer": "caf_offer"}

# Record fields a profile may leave out that the profile model fills in, by record and field: what the evaluator's
# facts hold and what the SQL backend writes where the pool's cell is NULL.
FIELD_DEFAULTS: Mapping[tuple[str, str], Any] = {
    (EDUCATION.name, "canadian"): False, (EDUCATION.name, "completed"): True,
    (SPOUSE.name, "canadian_citizen_or_pr"): False, (SPOUSE.name, "canadian_work_years"): 0,
    (SPOUSE.name, "language_tests"): (),
}

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
    "hours_in": t.FunctionSignature(
        "hours_in", (t.ListOf("list", JOB), t.PERIOD), t.HOURS,
        "hours of work counted in {0} {1} (at most 30 a week)"),
    "age_on": t.FunctionSignature("age_on", (t.DATE, t.DATE), t.INT, "age in completed years on {1}"),
    "full_time_years": t.FunctionSignature(
        "full_time_years", (t.HOURS, t.HOURS), t.INT, "whole years in {0}, at {1} a year"),
}

# A round may be limited to one program; "pnp" (the Provincial Nominee Program) is a grouping of rounds, not a
# program a profile declares eligibility for.
ROUND_PROGRAMS = (*PROGRAMS, "pnp")

MAX_CRS = 1200  # the Comprehensive Ranking System's maximum: 600 core and transferability, 600 additional


def noc_problems(code: str, teer: int) -> list[t.HostProblem]:
    """What is wrong with an occupation row as NOC 2021 defines codes: five digits, the second being the TEER
    (training, education, experience and responsibilities) category, which runs from 0 to 5."""
    problems = []
    if len(code) != 5 or not code.isdigit():
        problems.append(t.HostProblem("E110", f"occupation code '{code}' is not five digits",
                                      "NOC 2021 codes have five digits, for example 21220"))
    elif teer != int(code[1]):
        problems.append(t.HostProblem("E111", f"occupation {code} is given TEER {teer}, but its second digit says "
                                              f"TEER {code[1]}", f"write: teer {code[1]}"))
    if not 0 <= teer <= 5:
        problems.append(t.HostProblem("E112", f"TEER {teer} does not exist; TEER runs from 0 to 5"))
    return problems


PRELUDE = t.Prelude(facts=FACT_TYPES, functions=FUNCTIONS,
                    types={"language_result": LANGUAGE_RESULT, "job": JOB}, round_programs=ROUND_PROGRAMS,
                    occupation_problems=noc_problems, round_scores=(0, MAX_CRS, "CRS scores"))


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
        "language_tests": _items(profile, "language_tests", language_result_fields),
        "work_history": _items(profile, "work_history", _job),
        "first_official_language": profile.get("first_official_language", MISSING),
        "education": _record(profile, "education", "education", _education),
        "has_spouse": profile.get("spouse") is not None,
        "spouse": _record(profile, "spouse", "spouse", _spouse),
        "has_job_offer": profile.get("job_offer") is not None,
        "job_offer": _record(profile, "job_offer", "job_offer", _job_offer),
        "military": _record(profile, "military", "military", _military),
    }
    for claim in CLAIMS:
        values[claim] = bool(profile.get(claim, False))
    return Facts(str(profile["id"]), values)


def _record(profile: Mapping[str, Any], key: str, path: str, convert: Any) -> Any:
    entry = profile.get(key)
    return Item(path, convert(entry, path)) if entry is not None else MISSING


def _education(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    return {"level": entry.get("level", MISSING), "canadian": entry.get("canadian", _default(EDUCATION, "canadian")),
            "completed": entry.get("completed", _default(EDUCATION, "completed"))}


def _default(record: t.Record, name: str) -> Any:
    return FIELD_DEFAULTS[(record.name, name)]


def _spouse(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    tests = entry.get("language_tests")
    education = entry.get("education")
    years = entry.get("canadian_work_years")
    return {
        "accompanying": entry.get("accompanying", MISSING),
        "canadian_citizen_or_pr": entry.get("canadian_citizen_or_pr", _default(SPOUSE, "canadian_citizen_or_pr")),
        "education": Item(f"{path}.education", _education(education, "")) if education is not None else MISSING,
        "canadian_work_years": int(years) if years is not None else _default(SPOUSE, "canadian_work_years"),
        "language_tests": tuple(Item(f"{path}.language_tests[{index}]", language_result_fields(test))
                                for index, test in enumerate(tests)) if tests is not None
        else _default(SPOUSE, "language_tests"),
    }


def _job_offer(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    noc = normalise_noc(entry["noc"]) if entry.get("noc") is not None else MISSING
    return {"noc": noc, "teer": int(entry["teer"]) if entry.get("teer") is not None else MISSING,
            "basis": entry.get("basis", MISSING), **noc_parts(noc)}


def _military(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    years = entry.get("continuous_service_years")
    offer = entry.get("caf_offer")
    return {
        "serving": entry.get("serving", MISSING),
        "continuous_service_years": int(years) if years is not None else MISSING,
        "has_caf_offer": offer is not None,  # PRESENCE_FIELDS
        "caf_offer": Item(f"{path}.caf_offer", {
            "noc": normalise_noc(offer["noc"]) if offer.get("noc") is not None else MISSING,
            "years": int(offer["years"]) if offer.get("years") is not None else MISSING,
            "full_time": offer.get("full_time", MISSING),
            "in_canada": offer.get("in_canada", MISSING),
        }) if offer is not None else MISSING,
    }


def noc_parts(noc: Any) -> dict[str, Any]:
    """The TEER and groups a NOC code's digits name; MISSING for each when the code is."""
    if noc is MISSING:
        return {name: MISSING for name, _ in NOC_PARTS}
    return {"noc_teer": int(noc[1]), "noc_major_group": noc[:2], "noc_sub_major_group": noc[:3],
            "noc_minor_group": noc[:4]}


def _items(profile: Mapping[str, Any], key: str, convert: Any) -> Any:
    if key not in profile or profile[key] is None:
        return MISSING
    return tuple(Item(f"{key}[{index}]", convert(entry)) for index, entry in enumerate(profile[key]))


def language_result_fields(entry: Mapping[str, Any], date_of: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """A language result's fields. `date_of` reads its date: by default from the text of a profile document; a pool
    row read from Arrow already holds a date (`engine.model.row_facts`)."""
    test = entry.get("test", MISSING)
    scale = "nclc" if test in FRENCH_TESTS else "clb"
    levels = entry.get("levels") or {}
    scores = entry.get("scores") or {}
    fields: dict[str, Any] = {"test": test, "date": (date_of or _date)(entry.get("date"))}
    for ability in ABILITIES:
        level = levels.get(ability)
        fields[ability] = LanguageLevel(int(level), scale) if level is not None else MISSING
        score = scores.get(ability)
        fields[f"{ability}_score"] = Score(float(score)) if score is not None else MISSING
    return fields


def _job(entry: Mapping[str, Any]) -> dict[str, Any]:
    hours = entry.get("hours_per_week")
    noc = normalise_noc(entry["noc"]) if entry.get("noc") is not None else MISSING
    return {
        **noc_parts(noc),
        "noc": noc,
        "title": entry.get("title", MISSING),
        "country": entry.get("country", MISSING),
        "start": _date(entry.get("start")),
        "end": _date(entry.get("end")) if entry.get("end") is not None else None,
        "hours_per_week": Hours(float(hours)) if hours is not None else MISSING,
        "self_employed": bool(entry["self_employed"]) if entry.get("self_employed") is not None else MISSING,
    }


def normalise_noc(value: object) -> str:
    """NOC codes are five digits; a YAML author may write them unquoted, as numbers (a JSON number may be written
    `21231.0`: the schema counts it as a whole number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{int(value):05d}"
    return str(value)


def _date(value: object) -> Any:
    return date.fromisoformat(str(value)) if value is not None else MISSING


def _datetime(value: object) -> Any:
    if value is None:
        return MISSING
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
