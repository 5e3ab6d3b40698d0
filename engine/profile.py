"""Reading candidate profiles: YAML or JSON files, validated against the shipped JSON Schema.

A file holds one profile (a mapping) or several (a list). Every problem of a profile is reported with the JSON path
of the offending value, and a profile with problems gets no verdict; the other profiles of the file still do.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from dsl.diagnostics import closest, did_you_mean

MAX_PROFILE_BYTES = 20_000_000


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class ProfileInput:
    """One profile read from a file: its data when valid, its problems otherwise."""

    origin: str
    data: Mapping[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def label(self) -> str:
        if self.data is not None:
            return str(self.data["id"])
        return self.origin


@cache
def fact_loader() -> Any:
    """YAML's safe loader, minus its habit of turning `2025-02-27` into a date: the schema checks dates as text.
    Made on the first YAML file read, so that reading JSON never loads the YAML library."""
    import yaml

    class _FactLoader(yaml.SafeLoader):
        pass

    _FactLoader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _FactLoader


def read_profiles(path: Path) -> list[ProfileInput]:
    """Every profile in the file, each valid or with its problems; a file that cannot be read is one bad input."""
    shown = str(path)
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            return [ProfileInput(shown, None, (Problem("$", f"the file is larger than {MAX_PROFILE_BYTES:,} bytes"),))]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [ProfileInput(shown, None, (Problem("$", "no such file"),))]
    except (OSError, UnicodeDecodeError) as error:
        return [ProfileInput(shown, None, (Problem("$", f"cannot read the file: {error}"),))]
    try:
        document = parse_document(text, path.suffix.lower())
    except ValueError as error:
        return [ProfileInput(shown, None, (Problem("$", str(error)),))]
    if isinstance(document, list):
        return [validate(entry, f"{shown}[{index}]") for index, entry in enumerate(document)]
    return [validate(document, shown)]


def parse_document(text: str, suffix: str) -> Any:
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    import yaml

    _FactLoader = fact_loader()  # noqa: N806 - the class, named as the safety test expects
    try:
        return yaml.load(text, Loader=_FactLoader)  # noqa: S506 - _FactLoader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "syntax error"
        raise ValueError(f"not valid YAML: {problem}{where}") from None


def validate(document: Any, origin: str) -> ProfileInput:
    """Schema validation, then the checks a schema cannot express (a job that ends before it starts, a country that
    does not exist). A valid profile's countries are given their one canonical spelling (see `country_names`)."""
    problems = sorted(set(_schema_problems(document)), key=lambda p: (p.path, p.message))
    if not problems:
        problems = [*_date_order_problems(document), *_country_problems(document)]
    if problems:
        return ProfileInput(origin, None, tuple(problems))
    return ProfileInput(origin, _with_canonical_countries(document), ())


@cache
def profile_schema() -> dict[str, Any]:
    text = files("engine").joinpath("schema/profile.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_is_date)
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    return Draft202012Validator(profile_schema(), format_checker=checker)


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and parsed.tzinfo is not None


def json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _schema_problems(document: Any) -> Iterator[Problem]:
    for error in _validator().iter_errors(document):
        yield from _describe(error)


def _describe(error: Any) -> Iterator[Problem]:
    path = json_path(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield Problem(path, f"'{missing}' is required")
    elif validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in sorted({str(key) for key in error.instance} - set(allowed)):  # YAML keys may be numbers
            hint = did_you_mean(name, allowed)
            yield Problem(f"{path}.{name}", "is not a field of this record" + (f"; {hint}" if hint else
                                                                                  f"; fields: {', '.join(allowed)}"))
    elif validator == "enum":
        yield Problem(path, f"{error.instance!r} is not one of: {', '.join(map(str, error.validator_value))}")
    elif validator == "format":
        example = "2025-02-27" if error.validator_value == "date" else "2025-02-27T13:00:00Z"
        yield Problem(path, f"{error.instance!r} is not a valid {error.validator_value} (for example {example})")
    elif validator == "oneOf" and error.absolute_path and error.absolute_path[-1] == "noc":
        yield Problem(path, f"{error.instance!r} is not a five-digit NOC 2021 code")
    elif validator == "type":
        expected = error.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        yield Problem(path, f"expected {_article(wanted)}, found {_json_kind(error.instance)}")
    else:
        yield Problem(path, error.message)


def _article(kind: str) -> str:
    return {"object": "a mapping of fields", "array": "a list", "integer": "a whole number", "number": "a number",
            "string": "a text", "boolean": "true or false"}.get(kind, kind)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    return "a mapping of fields"


def _date_order_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    for index, job in enumerate(document.get("work_history") or ()):
        start, end = job.get("start"), job.get("end")
        if start and end and date.fromisoformat(end) < date.fromisoformat(start):
            yield Problem(f"$.work_history[{index}].end", f"the job ends ({end}) before it starts ({start})")


# Countries ----------------------------------------------------------------------------------------------------------

COUNTRY_HINT = "write its ISO 3166 code (CA or CAN) or its name in English or French (Canada)"


@cache
def country_names() -> Mapping[str, str]:
    """Every spelling of a country a profile may give, folded (`fold_country`), to its canonical value: the ISO 3166
    English short name (`Canada`, `France`, `United States`, `Korea, Republic of`), the spelling the rules compare
    with (`job.country == "Canada"`). Spellings: the alpha-2 and alpha-3 codes, and the short, official and common
    names in English and in French (pycountry's ISO 3166 data and translations), in any case, with or without accents.
    A spelling that would name two countries is left out."""
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    names: dict[str, str] = {}
    ambiguous: set[str] = set()
    for country in pycountry.countries:
        english = [n for n in (country.name, getattr(country, "official_name", None),
                               getattr(country, "common_name", None)) if n]
        for spelling in (country.alpha_2, country.alpha_3, *english, *(french.gettext(n) for n in english)):
            folded = fold_country(spelling)
            for key in (folded, _without_accents(folded)):
                if names.setdefault(key, country.name) != country.name:
                    ambiguous.add(key)
    for key in ambiguous:
        del names[key]
    return names


def fold_country(text: str) -> str:
    """A spelling as looked up: lower case, spaces trimmed and runs of spaces made one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def normalise_country(text: str) -> str | None:
    """The canonical value of a country however it is written, or None when no country is written so."""
    names = country_names()
    folded = fold_country(text)
    return names.get(folded) or names.get(_without_accents(folded))


def country_problem(text: str) -> str:
    """What is wrong with a country no spelling matches, with the likely country: the one whose name starts so
    (`Russia`: `Russian Federation`), else the nearest by edit distance (`Frnace`: `France`)."""
    names = country_names()
    word = _without_accents(fold_country(text))
    spelt = [key for key in names if len(key) > 3]
    starting = {names[key] for key in spelt if key.startswith(word)} if len(word) > 3 else set()
    near = closest(word, spelt)
    match = min(starting) if len(starting) == 1 else names[near] if near else None
    hint = f"; did you mean '{match}'?" if match else ""
    return f"{text!r} is not a country: {COUNTRY_HINT}{hint}"


def _country_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    for index, job in enumerate(document.get("work_history") or ()):
        country = job.get("country")
        if country is not None and normalise_country(country) is None:
            yield Problem(f"$.work_history[{index}].country", country_problem(country))


def _with_canonical_countries(document: Any) -> Any:
    """The profile with every job's country in its canonical spelling (the same object when all already are)."""
    jobs = document.get("work_history")
    if not jobs or all(job.get("country") is None or normalise_country(job["country"]) == job["country"]
                       for job in jobs):
        return document
    return {**document, "work_history": [
        {**job, "country": normalise_country(job["country"])} if job.get("country") is not None else job
        for job in jobs]}
