"""Descriptions that name values, and the numbers descriptions write.

A description may name a constant in braces, `"At least {minimum_continuous_experience} of ..."`: everywhere the
description is shown, the braces show the constant's value, so the text cannot drift from the rule. The checker makes
sure each name is a constant (E209). Numbers written out in a description (`6 months`, `1,560 hours`, `NCLC 7`) are
read here too, so that a lint can say when one contradicts the constant it restates (W404).
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dsl import ast

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# A quantity written in words: `6 months`, `1,560 hours`, `2.5 hours`; not a rate (`30 hours a week`).
_QUANTITY = re.compile(r"(?<![\w.,])([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+(?:\.[0-9]+)?)\s+"
                       r"(years?|months?|weeks?|days?|hours?|points?)\b"
                       r"(?!\s+(?:a|an|per|each|every)\s+(?:week|month|year|day)\b)", re.IGNORECASE)
_LEVEL = re.compile(r"\b(?:CLB|NCLC)(?:\s*/\s*(?:CLB|NCLC))?\s+([0-9]+)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Amount:
    """A value in a comparable form: its kind (`duration`, `days`, `hours`, `points`, `level`) and its magnitude
    (durations in months, days in days)."""

    kind: str
    value: decimal.Decimal


@dataclass(frozen=True, slots=True)
class Written:
    """A number as a description writes it, and where in the description."""

    amount: Amount
    text: str


_UNITS = {"year": ("duration", 12), "month": ("duration", 1), "week": ("days", 7), "day": ("days", 1),
          "hour": ("hours", 1), "point": ("points", 1)}


def amount_of(unit: str, number: decimal.Decimal | int) -> Amount | None:
    kind = _UNITS.get(unit.lower().removesuffix("s"))
    return Amount(kind[0], decimal.Decimal(number) * kind[1]) if kind is not None else None


def constant_amount(value: ast.Expr) -> Amount | None:
    """The comparable value of a constant written as a quantity or a level; None for anything else."""
    if isinstance(value, ast.Quantity):
        return amount_of(value.unit, value.amount)
    if isinstance(value, ast.Level):
        return Amount("level", decimal.Decimal(value.value))
    return None


def written_numbers(description: str) -> Iterator[Written]:
    """The quantities and levels a description writes out (the values it names in braces are not written)."""
    text = PLACEHOLDER.sub(" ", description)
    for match in _QUANTITY.finditer(text):
        amount = amount_of(match.group(2), decimal.Decimal(match.group(1).replace(",", "")))
        if amount is not None:
            yield Written(amount, match.group(0))
    for match in _LEVEL.finditer(text):
        yield Written(Amount("level", decimal.Decimal(match.group(1))), match.group(0))


def locate(texts: Mapping[str, str], within: ast.Span, pattern: str) -> ast.Span:
    """Where `pattern` (a regular expression) first matches in the source of a declaration; the declaration's own
    span when it cannot be found (the text is not at hand)."""
    text = texts.get(within.file)
    if text is None:
        return within
    start = _offset(text, within.line, within.column)
    end = _offset(text, within.end_line, within.end_column)
    match = re.compile(pattern).search(text, start, max(start, end))
    if match is None:
        return within
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    end_column = column + len(match.group(0).split("\n")[0])
    return ast.Span(within.file, line, column, line, max(end_column, column + 1))


def written_pattern(text: str) -> str:
    """A pattern that finds a phrase of a description in its source, where a line break may stand for a space."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _offset(text: str, line: int, column: int) -> int:
    position = 0
    for _ in range(line - 1):
        found = text.find("\n", position)
        if found < 0:
            return len(text)
        position = found + 1
    return position + column - 1
