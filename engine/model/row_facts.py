"""A typed pool row straight into the facts the evaluator reads, without the profile document in between.

A pool row read from Arrow already holds Python values of the facts' types (dates as `datetime.date`, timestamps as
UTC `datetime`, records as dicts, NULL as None). Writing them out as a JSON-like document and parsing the text back
(`profile_from_row`, then `facts_from_profile`) cost a batch on the evaluator more than the rows' reading. The facts
built here are equal, value for value, to that round trip's (`tests/model/test_row_facts.py` holds them to it): a
NULL is MISSING, or the default the profile model gives a record field it may leave out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from engine.model.facts import (
    CLAIMS,
    EDUCATION,
    FIELD_DEFAULTS,
    MISSING,
    SPOUSE,
    Facts,
    Item,
    language_result_fields,
    noc_parts,
    normalise_noc,
)
from engine.model.quantities import Hours, Points


def facts_from_row(row: Mapping[str, Any]) -> Facts:
    """The facts of one pool row (a row of the pool's columns, as `engine.model.pool_columns` declares them)."""
    programs = row.get("eligible_programs")
    crs = row.get("crs")
    values: dict[str, Any] = {
        "id": str(row["id"]),
        "submitted_at": _submitted_at(row.get("submitted_at")),
        "date_of_birth": _given(row.get("date_of_birth")),
        "eligible_programs": tuple(programs) if programs is not None else MISSING,
        "crs": Points(int(crs)) if crs is not None else MISSING,
        "language_tests": _items("language_tests", row.get("language_tests"), _language_result),
        "work_history": _items("work_history", row.get("work_history"), _job),
        "first_official_language": _given(row.get("first_official_language")),
        "education": _record("education", row.get("education"), _education),
        "has_spouse": row.get("spouse") is not None,
        "spouse": _record("spouse", row.get("spouse"), _spouse),
        "has_job_offer": row.get("job_offer") is not None,
        "job_offer": _record("job_offer", row.get("job_offer"), _job_offer),
        "military": _record("military", row.get("military"), _military),
    }
    for claim in CLAIMS:
        values[claim] = bool(row.get(claim) or False)
    return Facts(values["id"], values)


def _given(value: Any) -> Any:
    return MISSING if value is None else value


def _or_default(value: Any, record: str, name: str) -> Any:
    return FIELD_DEFAULTS[(record, name)] if value is None else value


def _submitted_at(value: datetime | None) -> Any:
    """The submission time as a profile document writes a pool's (UTC, to the second)."""
    return MISSING if value is None else value.replace(microsecond=0, tzinfo=UTC)


def _items(path: str, entries: list[Mapping[str, Any]] | None, convert: Any) -> Any:
    if entries is None:
        return MISSING
    return tuple(Item(f"{path}[{index}]", convert(entry)) for index, entry in enumerate(entries))


def _record(path: str, entry: Mapping[str, Any] | None, convert: Any) -> Any:
    return MISSING if entry is None else Item(path, convert(entry, path))


def _language_result(entry: Mapping[str, Any]) -> dict[str, Any]:
    return language_result_fields(entry, _given)


def _job(entry: Mapping[str, Any]) -> dict[str, Any]:
    noc = normalise_noc(entry["noc"]) if entry.get("noc") is not None else MISSING
    hours = entry.get("hours_per_week")
    self_employed = entry.get("self_employed")
    return {
        **noc_parts(noc),
        "noc": noc,
        "title": _given(entry.get("title")),
        "country": _given(entry.get("country")),
        "start": _given(entry.get("start")),
        "end": entry.get("end"),
        "hours_per_week": Hours(float(hours)) if hours is not None else MISSING,
        "self_employed": bool(self_employed) if self_employed is not None else MISSING,
    }


def _education(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    return {"level": _given(entry.get("level")),
            "canadian": _or_default(entry.get("canadian"), EDUCATION.name, "canadian"),
            "completed": _or_default(entry.get("completed"), EDUCATION.name, "completed")}


def _spouse(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    tests = entry.get("language_tests")
    education = entry.get("education")
    years = entry.get("canadian_work_years")
    return {
        "accompanying": _given(entry.get("accompanying")),
        "canadian_citizen_or_pr": _or_default(entry.get("canadian_citizen_or_pr"), SPOUSE.name,
                                              "canadian_citizen_or_pr"),
        "education": Item(f"{path}.education", _education(education, "")) if education is not None else MISSING,
        "canadian_work_years": _or_default(None if years is None else int(years), SPOUSE.name, "canadian_work_years"),
        "language_tests": tuple(Item(f"{path}.language_tests[{index}]", _language_result(test))
                                for index, test in enumerate(tests)) if tests is not None
        else FIELD_DEFAULTS[(SPOUSE.name, "language_tests")],
    }


def _job_offer(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    noc = normalise_noc(entry["noc"]) if entry.get("noc") is not None else MISSING
    teer = entry.get("teer")
    return {"noc": noc, "teer": int(teer) if teer is not None else MISSING, "basis": _given(entry.get("basis")),
            **noc_parts(noc)}


def _military(entry: Mapping[str, Any], path: str) -> dict[str, Any]:
    years = entry.get("continuous_service_years")
    offer = entry.get("caf_offer")
    return {
        "serving": _given(entry.get("serving")),
        "continuous_service_years": int(years) if years is not None else MISSING,
        "has_caf_offer": offer is not None,  # PRESENCE_FIELDS
        "caf_offer": Item(f"{path}.caf_offer", _caf_offer(offer)) if offer is not None else MISSING,
    }


def _caf_offer(offer: Mapping[str, Any]) -> dict[str, Any]:
    years = offer.get("years")
    return {"noc": normalise_noc(offer["noc"]) if offer.get("noc") is not None else MISSING,
            "years": int(years) if years is not None else MISSING,
            "full_time": _given(offer.get("full_time")), "in_canada": _given(offer.get("in_canada"))}
