"""Reading the body of `POST /v1/eval`: JSON text in, the profiles and options to evaluate out, or every problem of
the body at once, each with its JSON path (`$.profiles[1].work_history[0].start`).

The body is `{"profiles": [PROFILE, ...], "year": "2025", "as_of": "2025-06-01", "explain": "full",
"why_not": false}`; all but `profiles` are optional and default as `rules eval` does (the rulebook in force on the
as-of date, today, the full explanation, no why-not analysis). `year` may also be a list of years, as `--year` may be
repeated; `why_not` is `--why-not`.
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
from engine.model.profile import Problem, ProfileInput, validate
from engine.serve.library import Library
from engine.serve.problems import ApiProblem

FIELDS = ("profiles", "year", "as_of", "explain", "why_not")
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
    if not isinstance(document, dict):
        raise ApiProblem(422, "The body must be a JSON object with 'profiles'.",
                         [Problem("$", f"expected a mapping of fields with 'profiles', found {_kind(document)}")])
    problems = list(_unknown_fields(document))
    inputs = _profiles(document, limits, problems)
    date_problems: list[Problem] = []  # reported after the year's, in the order of the fields
    as_of = _as_of(document.get("as_of"), date_problems)
    rulebooks = _rulebooks(document.get("year"), library, as_of, problems)
    problems.extend(date_problems)
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


def _unknown_fields(document: dict[str, Any]) -> Iterator[Problem]:
    for name in document:
        if name not in FIELDS:
            hint = did_you_mean(name, FIELDS)
            yield Problem(f"$.{name}", "is not a field of the request; " + (hint or f"fields: {', '.join(FIELDS)}"))


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
            problems.append(Problem(path, f"no rulebook for {value!r}; known years: {', '.join(library.years)}"))
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
