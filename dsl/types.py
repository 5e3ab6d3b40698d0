"""The types of the rules language, and the prelude through which a host names its facts and functions.

Quantities carry their unit in the type (a duration is not a number of hours, a language level is not a count), so
the checker can refuse `months >= hours` before anything runs. The language itself knows no facts: the host (the
engine) hands the checker a `Prelude` describing the profile and the built-in functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Type:
    """A scalar type; `name` is what diagnostics show."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListOf(Type):
    element: Type = Type("anything")


@dataclass(frozen=True, slots=True)
class Record(Type):
    fields: tuple[tuple[str, Type], ...] = ()

    def field_type(self, name: str) -> Type | None:
        for field_name, field_type in self.fields:
            if field_name == name:
                return field_type
        return None


@dataclass(frozen=True, slots=True)
class Choice(Type):
    """Text restricted to a fixed set of values, such as the name of a language test."""

    members: tuple[str, ...] = ()


BOOL = Type("condition")
INT = Type("count")
TEXT = Type("text")
DATE = Type("date")
DATETIME = Type("date-time")
# Durations come in two measures that no comparison may mix: calendar durations (months and years, and the runs of
# work measured on the calendar) and numbers of days (days and weeks). A month has 28 to 31 days, so whether a number
# of months reaches a number of days depends on which months; comparing them would be an approximation. A sum of
# the two (`3 years + 1 day`) has no one length at all: it can be the length of a period or move a date (months
# first, then days), and nothing else.
DURATION = Type("duration")
DAYS = Type("days")
MONTHS_AND_DAYS = Type("months and days")
HOURS = Type("hours")
POINTS = Type("points")
LEVEL = Type("language level")
SCORE = Type("test score")
PERIOD = Type("period")
CODE = Type("occupation code")
OCCUPATIONS = Type("occupation list")
ANY = Type("anything")  # what an expression has after an error, so one mistake is reported once

UNIT_TYPES = {
    "months": DURATION,
    "years": DURATION,
    "weeks": DAYS,
    "days": DAYS,
    "hours": HOURS,
    "points": POINTS,
}

ORDERED = frozenset({INT, DATE, DATETIME, DURATION, DAYS, HOURS, POINTS, LEVEL, SCORE})
ADDITIVE = frozenset({INT, DURATION, DAYS, HOURS, POINTS})
DURATIONS = frozenset({DURATION, DAYS, MONTHS_AND_DAYS})  # what a period's length or a date's move may be

PARAMETER_TYPES: Mapping[str, Type] = {
    "occupations": OCCUPATIONS,
    "code": CODE,
    "duration": DURATION,
    "days": DAYS,
    "hours": HOURS,
    "points": POINTS,
    "level": LEVEL,
    "score": SCORE,
    "count": INT,
    "date": DATE,
    "period": PERIOD,
    "text": TEXT,
    "condition": BOOL,
}


def describe(t: Type) -> str:
    """The type in an analyst's words, for messages such as 'cannot compare a duration with hours'."""
    if isinstance(t, ListOf):
        return f"a list of {describe(t.element)}"
    if isinstance(t, Record):
        return f"a {t.name}"
    if isinstance(t, Choice):
        return f"a {t.name} (one of {', '.join(t.members)})"
    return {
        BOOL: "a condition (true or false)",
        INT: "a count",
        TEXT: "a text",
        DATE: "a date",
        DATETIME: "a date-time",
        DURATION: "a duration in months or years",
        DAYS: "a number of days (days, weeks)",
        MONTHS_AND_DAYS: "a duration in months and days",
        HOURS: "a number of hours",
        POINTS: "a number of points",
        LEVEL: "a language level (CLB/NCLC)",
        SCORE: "a test score",
        PERIOD: "a period of time",
        CODE: "an occupation code",
        OCCUPATIONS: "an occupation list",
        ANY: "anything",
    }.get(t, t.name)


def measures_clash(a: Type, b: Type) -> bool:
    """Whether `a` and `b` are durations in measures that cannot be compared exactly (months against days, or a
    duration of months and days against any duration)."""
    return a in DURATIONS and b in DURATIONS and (a != b or a == MONTHS_AND_DAYS)


def same_family(a: Type, b: Type) -> bool:
    """Whether values of `a` and `b` may be compared or combined; text mixes with choices and with occupation codes
    (written in quotes: "21220"), `ANY` mixes with all."""
    if a is b or a in (ANY, b) or b == ANY:
        return True
    if (a == TEXT and b == CODE) or (a == CODE and b == TEXT):
        return True
    if isinstance(a, Choice) or isinstance(b, Choice):
        return a == b or TEXT in (a, b) or (isinstance(a, Choice) and isinstance(b, Choice))
    if isinstance(a, ListOf) and isinstance(b, ListOf):
        return same_family(a.element, b.element)
    return a == b


@dataclass(frozen=True, slots=True)
class FunctionSignature:
    """A built-in function: its parameter types, its result, and a plain-language description for explanations."""

    name: str
    parameters: tuple[Type, ...]
    result: Type
    description: str


@dataclass(frozen=True, slots=True)
class HostProblem:
    """A problem the host finds in a value the rules give (an occupation code): a diagnostic code and its words."""

    code: str
    message: str
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class Prelude:
    """What the host provides: named facts (from the profile or the evaluation) and built-in functions."""

    facts: Mapping[str, Type]
    functions: Mapping[str, FunctionSignature]
    types: Mapping[str, Type] = field(default_factory=dict)  # host types definitions may take, by name
    # The programs a round of invitations may be limited to (for `grouping program NAME`).
    round_programs: tuple[str, ...] = ()
    # What the host knows of its own codes and scores, which the language does not: the problems of an occupation
    # row (code, message, suggestion: the checker reports them at the row), and the range a round's lowest score must
    # fall in, with the score's name.
    occupation_problems: Callable[[str, int], Iterable[HostProblem]] = field(default=lambda code, level: ())
    round_scores: tuple[int, int, str] | None = None

    def parameter_type(self, name: str) -> Type | None:
        return PARAMETER_TYPES.get(name) or self.types.get(name)
