"""The pool's columnar shape: the profile schema as typed columns, with work history and language tests kept as lists
of structs per profile (one row per candidate, nothing flattened).

A NULL column means the profile does not give that fact (it is MISSING to the rules); an empty list is a fact ("no
programs", "no jobs").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from engine.model.profile import profile_schema

ABILITIES = ("listening", "reading", "writing", "speaking")
CLAIM_COLUMNS = ("provincial_nomination", "certificate_of_qualification", "sibling_in_canada", "relative_in_canada")

# The columns' shapes: a scalar's DuckDB name, a list of a shape, or a record of named shapes, read off the profile's
# JSON Schema (`engine/model/schema/profile.schema.json`), in the order of its properties, so that the profile has one
# declaration. Both the DuckDB types (`COLUMNS`, for the statements that read a pool) and the Arrow schema
# (`arrow_schema`, for the files written) are read off these shapes; `tests/model` holds them to the facts.
Shape = str | list["Shape"] | tuple[tuple[str, "Shape"], ...]
Fields = tuple[tuple[str, Shape], ...]

TEXT, DATE, TIMESTAMP, INTEGER, DOUBLE, BOOLEAN = "VARCHAR", "DATE", "TIMESTAMP", "INTEGER", "DOUBLE", "BOOLEAN"
_SCALARS = {"integer": INTEGER, "number": DOUBLE, "boolean": BOOLEAN}
_TEXT_FORMATS = {"date": DATE, "date-time": TIMESTAMP}


def schema_shape(node: Mapping[str, Any], definitions: Mapping[str, Any]) -> Shape:
    """What a JSON Schema node holds, as a pool shape. A choice (`enum`, or a NOC code given as text or digits:
    `oneOf`) is text in the pool; a type that may be null is the type (a NULL column is a fact not given)."""
    if "$ref" in node:
        node = {**definitions[node["$ref"].removeprefix("#/$defs/")], **node}
        del node["$ref"]
    if "enum" in node or "oneOf" in node:
        return TEXT
    kind = node["type"]
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "array":
        return [schema_shape(node["items"], definitions)]
    if kind == "object":
        return tuple((name, schema_shape(inner, definitions)) for name, inner in node["properties"].items())
    if kind == "string":
        return _TEXT_FORMATS.get(node.get("format", ""), TEXT)
    return _SCALARS[kind]


def _shapes() -> dict[str, Shape]:
    schema = profile_schema()
    return {name: schema_shape(node, schema["$defs"]) for name, node in schema["properties"].items()}


# Column name -> shape, in the order pools are written (the schema's).
SHAPES: Mapping[str, Shape] = _shapes()

RESERVED = frozenset({"end"})  # field names DuckDB reads only in quotes


def duckdb_type(shape: Shape) -> str:
    if isinstance(shape, str):
        return shape
    if isinstance(shape, list):
        return f"{duckdb_type(shape[0])}[]"
    return "STRUCT(" + ", ".join(f"{quoted(name)} {duckdb_type(inner)}" for name, inner in shape) + ")"


def quoted(name: str) -> str:
    return f'"{name}"' if name in RESERVED else name


def arrow_type(shape: Shape) -> Any:
    """The shape as an Arrow type (timestamps are UTC, stored without a zone)."""
    import pyarrow as pa

    if isinstance(shape, list):
        return pa.list_(arrow_type(shape[0]))
    if isinstance(shape, tuple):
        return pa.struct([(name, arrow_type(inner)) for name, inner in shape])
    scalars = {TEXT: pa.string(), DATE: pa.date32(), TIMESTAMP: pa.timestamp("us"), INTEGER: pa.int32(),
               DOUBLE: pa.float64(), BOOLEAN: pa.bool_()}
    return scalars[shape]


# Column name -> DuckDB type, in the order pools are written.
COLUMNS: Mapping[str, str] = {name: duckdb_type(shape) for name, shape in SHAPES.items()}


def arrow_schema() -> Any:
    """The same columns as an Arrow schema."""
    import pyarrow as pa

    return pa.schema([(name, arrow_type(shape)) for name, shape in SHAPES.items()])


def row_from_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A validated profile (JSON-like: dates as text) as one typed pool row."""
    tests = profile.get("language_tests")
    jobs = profile.get("work_history")
    spouse = profile.get("spouse")
    offer = profile.get("job_offer")
    return {
        "id": str(profile["id"]),
        "submitted_at": _datetime(profile.get("submitted_at")),
        "date_of_birth": _date(profile.get("date_of_birth")),
        "eligible_programs": list(profile["eligible_programs"]) if "eligible_programs" in profile else None,
        "crs": profile.get("crs"),
        "language_tests": None if tests is None else [_test_row(t) for t in tests],
        "work_history": None if jobs is None else [
            {"noc": _noc(j["noc"]), "title": j.get("title"),
             "country": j.get("country"), "start": _date(j.get("start")), "end": _date(j.get("end")),
             "hours_per_week": None if j.get("hours_per_week") is None else float(j["hours_per_week"]),
             "self_employed": j.get("self_employed")} for j in jobs],
        "first_official_language": profile.get("first_official_language"),
        "education": _education_row(profile.get("education")),
        "spouse": None if spouse is None else {
            "accompanying": spouse.get("accompanying"), "canadian_citizen_or_pr": spouse.get("canadian_citizen_or_pr"),
            "education": _education_row(spouse.get("education")),
            "canadian_work_years": spouse.get("canadian_work_years"),
            "language_tests": None if spouse.get("language_tests") is None else
            [_test_row(t) for t in spouse["language_tests"]]},
        "job_offer": None if offer is None else {
            "noc": None if offer.get("noc") is None else _noc(offer["noc"]), "teer": offer.get("teer"),
            "basis": offer.get("basis")},
        **{claim: profile.get(claim) for claim in CLAIM_COLUMNS},
        "military": _military_row(profile.get("military")),
    }


def _military_row(military: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if military is None:
        return None
    offer = military.get("caf_offer")
    return {"serving": military.get("serving"), "continuous_service_years": military.get("continuous_service_years"),
            "caf_offer": None if offer is None else {
                "noc": None if offer.get("noc") is None else _noc(offer["noc"]), "years": offer.get("years"),
                "full_time": offer.get("full_time"), "in_canada": offer.get("in_canada")}}


def _noc(value: object) -> str:
    return f"{value:05d}" if isinstance(value, int) else str(value)


def _test_row(test: Mapping[str, Any]) -> dict[str, Any]:
    return {"test": test["test"], "date": _date(test.get("date")),
            "levels": {a: test.get("levels", {}).get(a) for a in ABILITIES},
            "scores": {a: _score(test.get("scores", {}).get(a)) for a in ABILITIES}}


def _education_row(education: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if education is None:
        return None
    return {"level": education.get("level"), "canadian": education.get("canadian"),
            "completed": education.get("completed")}


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
    if row.get("first_official_language") is not None:
        profile["first_official_language"] = row["first_official_language"]
    if row.get("education") is not None:
        profile["education"] = _given(row["education"])
    spouse = row.get("spouse")
    if spouse is not None:
        entry = _given({k: v for k, v in spouse.items() if k not in ("education", "language_tests")})
        if spouse.get("education") is not None:
            entry["education"] = _given(spouse["education"])
        if spouse.get("language_tests") is not None:
            entry["language_tests"] = [_test(t) for t in spouse["language_tests"]]
        profile["spouse"] = entry
    if row.get("job_offer") is not None:
        profile["job_offer"] = _given(row["job_offer"])
    for claim in CLAIM_COLUMNS:
        if row.get(claim) is not None:
            profile[claim] = bool(row[claim])
    military = row.get("military")
    if military is not None:
        profile["military"] = _given({k: v for k, v in military.items() if k != "caf_offer"})
        if military.get("caf_offer") is not None:
            profile["military"]["caf_offer"] = _given(military["caf_offer"])
    return profile


def _given(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record's fields that are given (a NULL field is one the profile leaves out)."""
    return {k: v for k, v in record.items() if v is not None}


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
    """A date-time with its zone as the UTC time it names (the pool's timestamps are UTC, stored without a zone)."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
