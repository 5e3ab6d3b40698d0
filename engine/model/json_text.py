"""JSON text read within limits, so that no document costs more than its size to decode.

Python's decoder recurses once per level of nesting (10,000 levels end in a RecursionError) and refuses integers of
more than 4,300 digits with a ValueError only after scanning them. Here the nesting is measured before decoding, and
a number with more digits than a profile ever needs is kept as a `LongNumber` (never converted), so that validation
reports it at its JSON path like any other bad value. `NaN` and `Infinity`, which Python's decoder accepts, decode to
floats that validation refuses as not finite.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 20  # levels of lists and mappings in one document; a profile needs 6
MAX_DIGITS = 40  # digits in one number; a profile needs 9


class JsonTextError(ValueError):
    """The text is not a JSON document within the limits: why, and where when the decoder says (1-based)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column

    def describe(self, with_line: bool) -> str:
        """The reason and its place: `at line L, column C`, or `at column C` for a one-line text."""
        if self.column is None:
            return self.reason
        return f"{self.reason} at line {self.line}, column {self.column}" if with_line else \
            f"{self.reason} at column {self.column}"


class LongNumber:
    """A number written with more than MAX_DIGITS digits, kept unconverted: no profile value can be one."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LongNumber) and other.digits == self.digits

    def __hash__(self) -> int:
        return hash(self.digits)


# A string token (so that brackets inside strings are not counted) or one bracket.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def nesting_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the lists and mappings of a JSON text nest deeper than `limit`, without decoding it. Most texts have
    fewer brackets than the limit and are not scanned at all."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def _integer(text: str) -> int | LongNumber:
    digits = len(text) - text.startswith("-")
    return int(text) if digits <= MAX_DIGITS else LongNumber(digits)


def _real(text: str) -> float | LongNumber:
    digits = sum(character.isdigit() for character in text)
    return float(text) if digits <= MAX_DIGITS else LongNumber(digits)


class _RepeatedField(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it names a field twice (Python's decoder would keep the last value in silence)."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _RepeatedField(name)
            seen.add(name)
    return mapping


def read_json(text: str) -> Any:
    """One JSON document; JsonTextError when it is not valid JSON, names a field twice in one object or nests deeper
    than MAX_DEPTH."""
    if nesting_depth_exceeds(text):
        raise JsonTextError(f"nested deeper than {MAX_DEPTH} levels of lists and mappings")
    try:
        return json.loads(text, parse_int=_integer, parse_float=_real, object_pairs_hook=_mapping)
    except _RepeatedField as repeated:
        raise JsonTextError(f"not valid JSON: a mapping gives the field {repeated.name!r} twice") from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:  # within MAX_DEPTH this cannot happen; kept so that nothing escapes as a traceback
        raise JsonTextError(f"nested deeper than {MAX_DEPTH} levels of lists and mappings") from None
