"""Reading the bodies of `POST /v1/eval`, `/v1/whynot` and `/v1/whatif`: JSON text in, the profiles and options to
evaluate out, or every problem of the body at once, each with its JSON path (`$.profiles[1].work_history[0].start`).

The body is `{"profiles": [PROFILE, ...], "year": "2025", "as_of": "2025-06-01", "explain": "full",
"why_not": false}`; all but `profiles` are optional and default as `rules eval` does (the rulebook in force on the
as-of date, today, the full explanation, no why-not analysis). `year` may also be a list of years, as `--year` may be
repeated; `why_not` is `--why-not`. `POST /v1/whynot` takes `profiles`, `year`, `as_of` and `category` (as
`rules whynot --category`); `POST /v1/whatif` takes one `profile`, a `patch` (RFC 6902 JSON Patch operations, see
`engine.serve.patches`), `year` and `as_of` (as `rules whatif`, whose `--set` edits become such a patch).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from dsl.diagnostics import did_you_mean
from engine import ir
from engine.explain.as_of import rulebook_in_force, today
from engine.model.profile import Problem, ProfileInput, shown, validate
from engine.serve.library import Library
from engine.serve.patches import read_patch
from engine.serve.problems import ApiProblem
from engine.whynot.edits import Patch

FIELDS = ("profiles", "year", "as_of", "explain", "why_not")
WHYNOT_FIELDS = ("profiles", "year", "as_of", "category")
WHATIF_FIELDS = ("profile", "patch", "year", "as_of")
DETAILS = ("full", "summary")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may ask: the size of its body, how many profiles, and how long evaluating them may take
    (checked between evaluations; the evaluator's step limit bounds each one)."""

    body_bytes: int = 1_000_000
    profiles: int = 50
    seconds: float = 5.0


@dataclass(frozen=True, slots=True)
class EvalRequest:
    inputs: tuple[ProfileInput, ...]
    rulebooks: tuple[ir.Rulebook, ...]
    as_of: date | None
    detail: str
    why_not: bool


@dataclass(frozen=True, slots=True)
class WhyNotRequest:
    inputs: tuple[ProfileInput, ...]
    rulebooks: tuple[ir.Rulebook, ...]
    as_of: date | None
    category: str | None


@dataclass(frozen=True, slots=True)
class WhatIfRequest:
    profile: dict[str, Any]
    edited: dict[str, Any]
    patch: Patch
    rulebooks: tuple[ir.Rulebook, ...]
    as_of: date | None


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """The body as JSON; a 400 problem when it is not UTF-8 JSON (or nests deeper than the parser can follow)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiProblem(400, "The body is not UTF-8 text.",
                         [Problem("$", f"byte {error.start} is not valid UTF-8")]) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
    except RecursionError:
        message = "not valid here: the JSON nests too deeply"
    except ValueError as error:  # NaN or Infinity, or an integer with more digits than Python converts
        message = f"not valid JSON: {error}"
    raise ApiProblem(400, "The body is not valid JSON.", [Problem("$", message)])


def read_eval_request(document: Any, library: Library, limits: Limits) -> EvalRequest:
    """The request's profiles and options; a 422 problem naming every problem found, when there is one."""
    _require_object(document, "profiles")
    problems = list(_unknown_fields(document, FIELDS))
    inputs = _profiles(document, limits, problems)
    as_of, rulebooks = _year_and_date(document, library, problems)
    detail = document.get("explain", "full")
    if detail not in DETAILS:
        problems.append(Problem("$.explain", f"{detail!r} is not one of: {', '.join(DETAILS)}"))
    why_not = document.get("why_not", False)
    if not isinstance(why_not, bool):
        problems.append(Problem("$.why_not", f"expected true or false, found {_kind(why_not)}"))
    for profile in inputs:
        problems.extend(Problem(profile.origin + p.path[1:], p.message) for p in profile.problems)
    if problems:
        raise ApiProblem(422, "The request has problems; each is named by its JSON path in the body.", problems)
    return EvalRequest(tuple(inputs), rulebooks, as_of, detail, why_not)


def read_whynot_request(document: Any, library: Library, limits: Limits) -> WhyNotRequest:
    """The profiles and options of `POST /v1/whynot`; a 422 problem naming every problem found, when there is one."""
    _require_object(document, "profiles")
    problems = list(_unknown_fields(document, WHYNOT_FIELDS))
    inputs = _profiles(document, limits, problems)
    as_of, rulebooks = _year_and_date(document, library, problems)
    category = document.get("category")
    if category is not None:
        known = [c.id for r in rulebooks for c in r.categories]
        if not isinstance(category, str):
            problems.append(Problem("$.category", f"expected a category id as a text, found {_kind(category)}"))
        elif rulebooks and not all(any(c.id == category for c in r.categories) for r in rulebooks):
            problems.append(Problem("$.category", f"no category {shown(category)}; categories: "
                                                  f"{', '.join(dict.fromkeys(known))}"))
    for profile in inputs:
        problems.extend(Problem(profile.origin + p.path[1:], p.message) for p in profile.problems)
    if problems:
        raise ApiProblem(422, "The request has problems; each is named by its JSON path in the body.", problems)
    return WhyNotRequest(tuple(inputs), rulebooks, as_of, category)


def read_whatif_request(document: Any, library: Library) -> WhatIfRequest:
    """The profile, its patch and the options of `POST /v1/whatif`; a 422 problem naming every problem found (of
    the request, of the profile, of the patch, then of the profile as the patch leaves it)."""
    _require_object(document, "profile")
    problems = list(_unknown_fields(document, WHATIF_FIELDS))
    as_of, rulebooks = _year_and_date(document, library, problems)
    profile: dict[str, Any] | None = None
    if "profile" not in document:
        problems.append(Problem("$.profile", "'profile' is required: one profile"))
    else:
        read = validate(document["profile"], "$.profile")
        problems.extend(Problem(read.origin + p.path[1:], p.message) for p in read.problems)
        profile = dict(read.data) if read.data is not None else None
    if "patch" not in document:
        problems.append(Problem("$.patch", "'patch' is required: a list of JSON Patch operations (RFC 6902)"))
    if problems or profile is None:
        raise ApiProblem(422, "The request has problems; each is named by its JSON path in the body.", problems)
    patch, patched = read_patch(document["patch"], profile)
    edited = validate(patched, "$.profile")
    if edited.data is None:
        raise ApiProblem(422, "The profile the patch leaves has problems; each is named by its JSON path in that "
                              "profile.", [Problem(p.path.replace("$", "$.profile", 1), f"after the patch: {p.message}")
                                           for p in edited.problems])
    return WhatIfRequest(profile, dict(edited.data), patch, rulebooks, as_of)


def _require_object(document: Any, required: str) -> None:
    if not isinstance(document, dict):
        raise ApiProblem(422, f"The body must be a JSON object with '{required}'.",
                         [Problem("$", f"expected a mapping of fields with '{required}', found {_kind(document)}")])


def _year_and_date(document: dict[str, Any], library: Library,
                   problems: list[Problem]) -> tuple[date | None, tuple[ir.Rulebook, ...]]:
    """The as-of date and the rulebooks the body names (problems of the year are listed before the date's)."""
    date_problems: list[Problem] = []
    as_of = _as_of(document.get("as_of"), date_problems)
    rulebooks = _rulebooks(document.get("year"), library, as_of, problems)
    problems.extend(date_problems)
    return as_of, rulebooks


def _unknown_fields(document: dict[str, Any], fields: tuple[str, ...]) -> Iterator[Problem]:
    for name in document:
        if name not in fields:
            hint = did_you_mean(name, fields)
            yield Problem(f"$.{name}", "is not a field of the request; " + (hint or f"fields: {', '.join(fields)}"))


def _profiles(document: dict[str, Any], limits: Limits, problems: list[Problem]) -> list[ProfileInput]:
    if "profiles" not in document:
        problems.append(Problem("$.profiles", "'profiles' is required: a list of profiles"))
        return []
    profiles = document["profiles"]
    if not isinstance(profiles, list):
        problems.append(Problem("$.profiles", f"expected a list of profiles, found {_kind(profiles)}"))
        return []
    if not profiles:
        problems.append(Problem("$.profiles", "the list is empty; give at least one profile"))
    if len(profiles) > limits.profiles:
        problems.append(Problem("$.profiles", f"{len(profiles)} profiles; a request may hold at most "
                                              f"{limits.profiles}"))
        return []
    return [validate(profile, f"$.profiles[{index}]") for index, profile in enumerate(profiles)]


def _rulebooks(year: Any, library: Library, as_of: date | None, problems: list[Problem]) -> tuple[ir.Rulebook, ...]:
    if year is None:
        return (rulebook_in_force(reversed(list(library.rulebooks.values())), as_of or today()),)
    years = year if isinstance(year, list) else [year]
    chosen = []
    for index, value in enumerate(years):
        path = f"$.year[{index}]" if isinstance(year, list) else "$.year"
        if not isinstance(value, str):
            problems.append(Problem(path, f"expected a year as a text such as \"{library.latest}\", "
                                          f"found {_kind(value)}"))
        elif value not in library.rulebooks:
            problems.append(Problem(path, f"no rulebook for {shown(value)}; known years: {', '.join(library.years)}"))
        else:
            chosen.append(library.rulebooks[value])
    if isinstance(year, list) and not year:
        problems.append(Problem("$.year", "the list is empty; give a year or leave 'year' out for the latest"))
    return tuple(chosen)


def _as_of(value: Any, problems: list[Problem]) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = repr(value) if isinstance(value, str) else _kind(value)
    problems.append(Problem("$.as_of", f"{shown} is not a valid date (for example 2025-06-01)"))
    return None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return "a mapping of fields"
