"""Reading candidate profiles: YAML or JSON files, validated against the shipped JSON Schema.

A file holds one profile (a mapping) or several (a list). Every problem of a profile is reported with the JSON path
of the offending value, and a profile with problems gets no verdict; the other profiles of the file still do.

Reading is bounded whatever the input: a file is at most `MAX_PROFILE_BYTES`; YAML aliases may add at most
`MAX_ALIAS_VALUES` values to a document (a "billion laughs" file is refused before anything reads the expansion);
a profile nests at most `MAX_DEPTH` levels, a list holds at most `MAX_LIST_ITEMS` items and a record `MAX_FIELDS`
fields; the schema caps every list further; a
message never shows more than a few dozen characters of a value, and a profile's problems are listed up to
`MAX_PROBLEMS`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from dsl.diagnostics import closest, did_you_mean
from engine.model.json_text import MAX_DEPTH, MAX_DIGITS, JsonTextError, LongNumber, read_json
from engine.model.score_scales import score_problem

MAX_PROFILE_BYTES = 20_000_000
# Limits on any value of a profile, checked before the schema (whose own limits are within them: the longest list it
# allows has 200 items, the longest text 300 characters, the largest record 16 fields), so that validating a value
# never costs more than its size.
MAX_LIST_ITEMS = 200
MAX_TEXT_LENGTH = 300
MAX_FIELDS = 20
MAX_PROBLEMS = 20  # problems reported per profile; a count says how many more there are
# Every date of a profile, and the day of every date-time, lies in these years: wide enough for any candidate, narrow
# enough that the rules' date arithmetic (windows of years before and after) never leaves the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2199
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# RFC 3339 date-time, as JSON Schema's `date-time` format means it, in upper case: seconds and a zone are required.
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
                        r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
MAX_ALIAS_VALUES = 10_000
EARLIEST_DATE = date(FIRST_YEAR, 1, 1)
LATEST_DATE = date(LAST_YEAR, 12, 31)
# A field name is compared with the known ones ("did you mean") only when it is no longer than this.
MAX_SUGGESTED_NAME = 100
SHOWN_TEXT = 40


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
    """YAML's safe loader, read as plain data. Dates stay text (the schema checks them as text); only `true` and
    `false` are booleans (`no` is Norway's country code, not false); an integer has no leading zero, underscore or
    base prefix (`01234` stays the text of a NOC code rather than becoming octal 668; `0x5300` is not 21248). The
    composer refuses nesting deeper than `MAX_DEPTH` and aliases that expand past `MAX_ALIAS_VALUES` values.
    The text is scanned and parsed by libyaml when PyYAML was built with it (six times faster than PyYAML's own
    scanner, which stays the fallback); composing, resolving and constructing are PyYAML's, so both read a document
    alike. Made on the first YAML file read, so that reading JSON never loads the YAML library."""
    import yaml

    return fact_loader_on(libyaml_safe_loader() if yaml.__with_libyaml__ else yaml.SafeLoader)


def libyaml_safe_loader() -> Any:
    """libyaml's scanner and parser under PyYAML's composer, safe constructor and resolver: `yaml.CSafeLoader`
    but for the composer, kept in Python so that `fact_loader_on` can bound the nesting as it composes."""
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.cyaml import CParser  # type: ignore[attr-defined]  # yaml.cyaml imports it; the stubs do not say so
    from yaml.resolver import Resolver

    class _LibyamlSafeLoader(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return _LibyamlSafeLoader


def fact_loader_on(base: Any) -> Any:
    """The fact loader (see `fact_loader`) made on a safe loader: PyYAML's own, or libyaml's."""
    import yaml

    class _FactLoader(base):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH + 1:
                    raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                      self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_document(self, node: Any) -> Any:
            added = alias_values(node)
            if added is None:
                raise yaml.constructor.ConstructorError(None, None, "an alias refers to a value that holds it",
                                                        node.start_mark)
            if added > MAX_ALIAS_VALUES:
                raise yaml.constructor.ConstructorError(
                    None, None, f"its aliases repeat more than {MAX_ALIAS_VALUES:,} values", node.start_mark)
            return super().construct_document(node)

    plain = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
             "tag:yaml.org,2002:float"}
    _FactLoader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag not in plain]
        for key, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
    }
    _FactLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                      list("tTfF"))
    _FactLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                      list("-+0123456789"))
    _FactLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
        list("-+0123456789."))
    return _FactLoader


def alias_values(root: Any) -> int | None:
    """How many values the aliases of a composed YAML document add when expanded (counted up to just past the
    budget, so a document of nested aliases is measured in time linear in its text); None when an alias refers to
    a value that holds it."""
    import yaml

    sizes: dict[int, int] = {}
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _node_children(node, yaml)
            sizes[key] = min(1 + sum(sizes[id(child)] for child in children), MAX_ALIAS_VALUES * 2 + 2)
            continue
        if key in sizes:
            continue
        if key in on_path:
            return None
        distinct += 1
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _node_children(node, yaml) if id(child) not in sizes)
    return max(0, sizes[id(root)] - distinct)


def _node_children(node: Any, yaml: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


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
    return read_profile_text(text, shown, path.suffix.lower())


def read_profile_stream(stream: BinaryIO, origin: str) -> list[ProfileInput]:
    """Every profile in a stream (standard input): YAML or JSON, read up to `MAX_PROFILE_BYTES`."""
    data = stream.read(MAX_PROFILE_BYTES + 1)
    if len(data) > MAX_PROFILE_BYTES:
        return [ProfileInput(origin, None, (Problem("$", f"the input is larger than {MAX_PROFILE_BYTES:,} bytes"),))]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [ProfileInput(origin, None, (Problem("$", f"not UTF-8 text: {error.reason} at byte {error.start}"),))]
    return read_profile_text(text, origin)


def read_profile_text(text: str, origin: str, suffix: str | None = None) -> list[ProfileInput]:
    """Every profile in a text (JSON when `suffix` is `.json`, YAML otherwise; when `suffix` is None, as from
    standard input, JSON if it reads as JSON, else YAML)."""
    if len(text) > MAX_PROFILE_BYTES:
        return [ProfileInput(origin, None, (Problem("$", f"the input is larger than {MAX_PROFILE_BYTES:,} bytes"),))]
    try:
        document = parse_document(text, suffix if suffix is not None else _guess_suffix(text))
    except (ValueError, RecursionError) as error:
        return [ProfileInput(origin, None, (Problem("$", str(error)),))]
    if isinstance(document, list):
        return [validate(entry, f"{origin}[{index}]") for index, entry in enumerate(document)]
    return [validate(document, origin)]


def _guess_suffix(text: str) -> str:
    if text.lstrip()[:1] in ("{", "["):
        try:
            parse_document(text, ".json")
        except ValueError:
            return ".yaml"
        return ".json"
    return ".yaml"


def parse_document(text: str, suffix: str) -> Any:
    if suffix == ".json":
        try:
            return read_json(text)
        except JsonTextError as error:
            raise ValueError(error.describe(with_line=True)) from None
    import yaml

    _FactLoader = fact_loader()  # noqa: N806 - the class, named as the safety test expects
    try:
        return yaml.load(text, Loader=_FactLoader)  # noqa: S506 - _FactLoader is a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "syntax error"
        if problem == "exceeded maximum nesting depth":  # libyaml's own bound (1,000 levels), met before ours
            problem = f"nested more than {MAX_DEPTH} levels deep"
        raise ValueError(f"not valid YAML: {problem}{where}") from None
    except (RecursionError, ValueError, OverflowError) as error:
        raise ValueError(f"not valid YAML: {_clip(str(error) or type(error).__name__, 200)}") from None



def validate(document: Any, origin: str) -> ProfileInput:
    """The limits on every value (sizes, finite numbers, valid Unicode), then schema validation, then the checks a
    schema cannot express (a job that ends before it starts, a country that does not exist). The data of a valid profile
    has its countries in their one canonical spelling (see `country_names`) and has its whole numbers as
    integers (JSON's `490.0` is the integer 490, as JSON Schema counts it)."""
    problems = list(islice(_value_problems(document, "$", 0), MAX_PROBLEMS + 1))
    if not problems:
        problems = sorted(set(islice(_schema_problems(document), 5 * MAX_PROBLEMS)), key=lambda p: (p.path, p.message))
    if not problems:
        problems = [*_date_problems(document), *_country_problems(document), *_score_problems(document)]
    if problems:
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], Problem("$", "and more problems, not listed")]
        return ProfileInput(origin, None, tuple(problems))
    return ProfileInput(origin, _with_canonical_countries(_whole_numbers(document, profile_schema())), ())


def _value_problems(value: Any, path: str, depth: int) -> Iterator[Problem]:
    """What no profile value can be, found before the schema is consulted: a list, text or record beyond the limits,
    a number that is not finite or has too many digits, a text that is not valid Unicode (a lone surrogate, which
    JSON's `\\ud800` escape makes)."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            yield Problem(path, f"a text of {len(value):,} characters; at most {MAX_TEXT_LENGTH}")
        elif not value.isascii() and _has_surrogate(value):
            yield Problem(path, "not valid Unicode: the text holds a lone surrogate (an escape such as \\ud800)")
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield Problem(path, f"{value!r} is not a number a profile can hold (not finite)")
    elif isinstance(value, LongNumber):
        yield Problem(path, f"{value!r}; numbers have at most {MAX_DIGITS} digits")
    elif isinstance(value, list | dict) and depth >= MAX_DEPTH:  # (a YAML alias can even make a list hold itself)
        yield Problem(path, f"nested deeper than {MAX_DEPTH} levels of lists and mappings")
    elif isinstance(value, list):
        if len(value) > MAX_LIST_ITEMS:
            yield Problem(path, f"a list of {len(value):,} items; at most {MAX_LIST_ITEMS}")
            return
        for index, item in enumerate(value):
            yield from _value_problems(item, f"{path}[{index}]", depth + 1)
    elif isinstance(value, dict):
        if len(value) > MAX_FIELDS:
            yield Problem(path, f"a record of {len(value):,} fields; at most {MAX_FIELDS}")
            return
        for key, item in value.items():
            name = str(key)
            if len(name) > MAX_TEXT_LENGTH:
                yield Problem(path, f"a field name of {len(name):,} characters; at most {MAX_TEXT_LENGTH}")
            elif not name.isascii() and _has_surrogate(name):
                yield Problem(path, "not valid Unicode: a field name holds a lone surrogate")
            else:
                yield from _value_problems(item, f"{path}.{name}", depth + 1)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _whole_numbers(value: Any, schema: Mapping[str, Any]) -> Any:
    """The value with each float the schema wants as an integer (a whole number, or validation would have refused
    it) made an int, so that every path reads `490.0` as 490."""
    schema = _resolved(schema)
    if isinstance(value, float) and _allows(schema, "integer"):
        return int(value)
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        return {key: _whole_numbers(item, properties[key]) if key in properties else item
                for key, item in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [_whole_numbers(item, schema["items"]) for item in value]
    return value


def _resolved(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    node: Any = profile_schema()
    for part in str(reference).removeprefix("#/").split("/"):
        node = node[part]
    return _resolved(node)


def _allows(schema: Mapping[str, Any], kind: str) -> bool:
    declared = schema.get("type")
    if declared == kind or (isinstance(declared, list) and kind in declared):
        return True
    return any(_allows(_resolved(alternative), kind) for alternative in schema.get("oneOf", ()))



@cache
def profile_schema() -> dict[str, Any]:
    # Read beside this module, as the country table is: importlib.resources costs every command its import.
    text = (Path(__file__).parent / "schema" / "profile.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator, FormatChecker, validators

    checker = FormatChecker(formats=())
    checker.checks("date", raises=(ValueError, OutsideTheCalendar))(_is_date)
    checker.checks("date-time", raises=(ValueError, OutsideTheCalendar))(_is_datetime)
    # JSON Schema patterns are ECMA-262 regular expressions, where `$` ends the text: in Python's `re` it also matches
    # before a final newline, which would take "21231\n" for a five-digit code.
    kind = validators.extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]
    return kind(profile_schema(), format_checker=checker)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    """The pattern with each `$` outside a character class made `\\Z` (the end of the text) and ASCII classes
    (`\\d` is 0 to 9 in ECMA-262, any decimal digit in Python)."""
    translated, escaped, in_class = [], False, False
    for character in pattern:
        if escaped:
            translated.append(character)
            escaped = False
        elif character == "\\":
            translated.append(character)
            escaped = True
        elif character == "[":
            in_class = True
            translated.append(character)
        elif character == "]":
            in_class = False
            translated.append(character)
        else:
            translated.append(r"\Z" if character == "$" and not in_class else character)
    return re.compile("".join(translated), re.ASCII)


class OutsideTheCalendar(Exception):
    """A well-formed date outside the years a profile's dates may take."""


def _in_years(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OutsideTheCalendar(f"lies outside the years {FIRST_YEAR} to {LAST_YEAR} a profile's dates may take")


def _is_date(value: object) -> bool:
    """An RFC 3339 full date (YYYY-MM-DD, a real day) in the years a profile may hold."""
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    _in_years(date.fromisoformat(value))
    return True


def _is_datetime(value: object) -> bool:
    """An RFC 3339 date-time with seconds and a zone (Z or an offset), whose day is in the years a profile may hold."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    _in_years(date.fromisoformat(value[:10]))
    return True


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def json_path(parts: Any) -> str:
    """`$.work_history[0].noc`; a field name that is not a plain name is quoted (`$["a b"]`), and clipped."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _NAME.fullmatch(str(part)):
            path += f".{_clip(str(part), SHOWN_TEXT)}"
        else:
            path += f"[{json.dumps(_clip(str(part), SHOWN_TEXT), ensure_ascii=True)}]"
    return path


def shown(value: object) -> str:
    """A value as a message shows it: text clipped to a few dozen characters, a list or a record by its size, so
    that no message grows with its input."""
    if isinstance(value, str):
        if len(value) <= SHOWN_TEXT:
            return repr(value)
        return f"{value[:SHOWN_TEXT]!r}… ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10 ** 50 else 51
        return str(value) if digits <= 50 else "a number of more than 50 digits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return f"a list of {len(value):,} entries"
    if isinstance(value, Mapping):
        return f"a mapping of {len(value):,} fields"
    return _clip(type(value).__name__, SHOWN_TEXT)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _schema_problems(document: Any) -> Iterator[Problem]:
    if _holds_quickly(document):
        return
    for error in _validator().iter_errors(document):
        yield from _describe(error)


def _holds_quickly(document: Any) -> bool:
    """Whether the document meets the schema, by jsonschema-rs: a compiled validator whose import and check take a
    few milliseconds, where importing the `jsonschema` package takes a fifth of a `rules eval`. It only says yes or
    no; the problems of a profile that does not hold are found and named by `jsonschema`, as before. Its formats and
    patterns are this module's (and ECMA-262's), so both validators agree, which the tests check on every profile
    fixture and on changed copies of them; anything it cannot take (a date object from YAML) counts as no."""
    try:
        return bool(_quick_validator().is_valid(document))
    except Exception:  # noqa: BLE001 - a value it cannot read: `jsonschema` decides
        return False


@cache
def _quick_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(profile_schema(), validate_formats=True, formats={
        "date": lambda value: _format_holds(_is_date, value),
        "date-time": lambda value: _format_holds(_is_datetime, value),
    })


def _format_holds(check: Any, value: object) -> bool:
    try:
        return bool(check(value))
    except (ValueError, OutsideTheCalendar):
        return False


def _describe(error: Any) -> Iterator[Problem]:  # noqa: C901 - one case per schema keyword
    path = json_path(error.absolute_path)
    validator = error.validator
    expected = error.validator_value
    instance = error.instance
    if validator == "required":
        missing = [name for name in expected if isinstance(instance, Mapping) and name not in instance]
        for name in missing or expected[:1]:
            yield Problem(path, f"'{name}' is required")
    elif validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        for name in sorted({str(key) for key in instance} - set(allowed)):  # YAML keys may be numbers
            hint = did_you_mean(name, allowed) if len(name) <= MAX_SUGGESTED_NAME else None
            yield Problem(json_path([*error.absolute_path, name]), "is not a field of this record" + (
                f"; {hint}" if hint else f"; fields: {', '.join(allowed)}"))
    elif validator == "enum":
        yield Problem(path, f"{shown(instance)} is not one of: {', '.join(map(str, expected))}")
    elif validator == "format" and isinstance(error.cause, OutsideTheCalendar):
        yield Problem(path, f"{shown(instance)} {error.cause}")
    elif validator == "format":
        example = "2025-02-27" if expected == "date" else "2025-02-27T13:00:00Z"
        yield Problem(path, f"{shown(instance)} is not a valid {expected} (for example {example})")
    elif validator == "oneOf" and error.absolute_path and error.absolute_path[-1] == "noc":
        yield Problem(path, f"{shown(instance)} is not a five-digit NOC 2021 code{_not_digits(instance)}")
    elif validator == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        yield Problem(path, f"expected {_article(wanted)}, found {_json_kind(instance)}")
    elif validator in ("minimum", "maximum"):
        side = "less" if validator == "minimum" else "more"
        yield Problem(path, f"{shown(instance)} is {side} than the {validator} of {expected}")
    elif validator in ("minLength", "maxLength"):
        bound = "at least" if validator == "minLength" else "at most"
        yield Problem(path, f"{shown(instance)} is too {'short' if validator == 'minLength' else 'long'}: "
                            f"{bound} {expected:,} characters")
    elif validator == "maxItems":
        what = _LIST_WORDS.get(str(error.absolute_path[-1]) if error.absolute_path else "", "entries")
        yield Problem(path, f"{len(instance):,} {what}: a profile gives at most {expected:,}")
    elif validator == "uniqueItems":
        yield Problem(path, "a value is listed twice")
    elif validator == "anyOf" and error.absolute_path and "language_tests" in error.absolute_path:
        yield Problem(path, "a test result needs its 'levels' or its 'scores'")
    else:
        yield Problem(path, _clip(str(error.message), 200))


def _not_digits(value: object) -> str:
    """What makes a code not five ASCII digits, when it is not plain to see."""
    if isinstance(value, str):
        odd = next((c for c in value if c not in "0123456789"), None)
        if odd is not None and (odd.isdigit() or not odd.isprintable() or odd.isspace()):
            return f" ({json.dumps(odd)} is not one of the digits 0 to 9)"
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10_000:
        return " (a code that starts with 0 is written as text: \"" + f"{value:05d}" + "\")"
    return ""


_LIST_WORDS = {"language_tests": "language test results", "work_history": "jobs"}


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
    if isinstance(value, dict):
        return "a mapping of fields"
    if isinstance(value, LongNumber):
        return repr(value)
    if isinstance(value, bytes | bytearray):
        return "binary data"
    return f"a value of type {type(value).__name__}"


def _dates(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every date of a profile that passed the schema, with its JSON path."""
    if document.get("date_of_birth"):
        yield "$.date_of_birth", document["date_of_birth"]
    if document.get("submitted_at"):
        yield "$.submitted_at", document["submitted_at"][:10]
    spouse = document.get("spouse") or {}
    for owner, tests in (("$", document.get("language_tests")), ("$.spouse", spouse.get("language_tests"))):
        for index, test in enumerate(tests or ()):
            if test.get("date"):
                yield f"{owner}.language_tests[{index}].date", test["date"]
    for index, job in enumerate(document.get("work_history") or ()):
        for field in ("start", "end"):
            if job.get(field):
                yield f"$.work_history[{index}].{field}", job[field]


def _date_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    for path, text in _dates(document):
        if not EARLIEST_DATE <= date.fromisoformat(text) <= LATEST_DATE:
            yield Problem(path, f"{text} is outside the dates a profile may give ({EARLIEST_DATE} to {LATEST_DATE})")
    for index, job in enumerate(document.get("work_history") or ()):
        start, end = job.get("start"), job.get("end")
        if start and end and date.fromisoformat(end) < date.fromisoformat(start):
            yield Problem(f"$.work_history[{index}].end", f"the job ends ({end}) before it starts ({start})")


# Countries ----------------------------------------------------------------------------------------------------------

COUNTRY_HINT = "write its ISO 3166 code (CA or CAN) or its name in English or French (Canada)"


COUNTRY_TABLE = "countries.json"  # in engine/model/data: written by `python -m engine.model.country_table`


@cache
def country_names() -> Mapping[str, str]:
    """Every spelling of a country a profile may give, folded (`fold_country`), to its canonical value: the ISO 3166
    English short name (`Canada`, `France`, `United States`, `Korea, Republic of`), the spelling the rules compare
    with (`job.country == "Canada"`). The table is derived from pycountry's ISO 3166 data and French translations
    (`engine.model.country_table`, which a test re-derives and compares) and shipped with the package, so that
    reading a profile does not import pycountry and build the table again (about 50 ms of every command's start)."""
    # Read beside this module: importlib.resources would first import the data folder as a package (about 6 ms).
    table = json.loads((Path(__file__).parent / "data" / COUNTRY_TABLE).read_text(encoding="utf-8"))
    assert isinstance(table, dict)
    return table


def fold_country(text: str) -> str:
    """A spelling as looked up: lower case, spaces trimmed and runs of spaces made one."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def normalise_country(text: str) -> str | None:
    """The canonical value of a country however it is written, or None when no country is written so."""
    names = country_names()
    folded = fold_country(text)
    return names.get(folded) or names.get(without_accents(folded))


def country_problem(text: str) -> str:
    """What is wrong with a country no spelling matches, with the likely country: the one whose name starts so
    (`Russia`: `Russian Federation`), else the nearest by edit distance (`Frnace`: `France`)."""
    names = country_names()
    word = without_accents(fold_country(text))
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


def _score_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    """Each raw score on its test's scale (by the test's date for TEF Canada)."""
    spouse = document.get("spouse") or {}
    for owner, tests in (("$", document.get("language_tests")), ("$.spouse", spouse.get("language_tests"))):
        for index, test in enumerate(tests or ()):
            taken = date.fromisoformat(test["date"]) if test.get("date") else None
            for ability, score in (test.get("scores") or {}).items():
                problem = score_problem(test["test"], taken, ability, score)
                if problem is not None:
                    yield Problem(f"{owner}.language_tests[{index}].scores.{ability}", problem)
