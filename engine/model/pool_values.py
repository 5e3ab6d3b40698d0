"""What a pool's cells and column values mean as profile values, so that a value reads the same in every format.

A profile is a JSON document; a pool row is read as the document it stands for, and that document is validated like
any profile (`engine.model.profile.validate`). JSON Lines rows are documents already. A CSV cell is text: it is read
as the value its column holds (`read_cell`). A Parquet value has a type of its own: dates and timestamps become the
text the schema expects, structs records, lists lists (`document_from_values`); a text column where the pool has a
number or a yes/no is read as a CSV cell, and a whole-number column where it has text (an `id`) as its digits.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from engine.model.json_text import JsonTextError, read_json
from engine.model.pool_columns import COLUMNS

# The columns whose CSV cells hold JSON text (lists and records).
JSON_TEXT_COLUMNS = tuple(name for name, kind in COLUMNS.items() if kind.endswith("]") or kind.startswith("STRUCT"))
# A number as JSON writes it (no sign but minus, no leading zeros, no spaces).
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
BOOLEANS = {"true": True, "false": False}


class CellProblem(ValueError):
    """A cell that cannot be read as its column's value (JSON text that is not JSON); the message has its path."""


def read_cell(column: str, text: str) -> Any:
    """A non-empty CSV cell (or a Parquet text value where the pool has a number or a yes/no) as a profile value: a
    number as JSON writes it for a whole-number column, `true` or `false` for a yes/no, JSON text for a list or a
    record; any other text stays text (and validation says what was expected)."""
    kind = COLUMNS.get(column)
    if kind == "INTEGER":
        return read_json(text) if JSON_NUMBER.fullmatch(text) else text
    if kind == "BOOLEAN":
        return BOOLEANS.get(text, text)
    if column in JSON_TEXT_COLUMNS:
        try:
            return read_json(text)
        except JsonTextError as error:
            raise CellProblem(f"$.{column}: {error.describe(with_line=False)}") from None
    return text


def document_from_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A Parquet row (as DuckDB gives its values to Python) as the profile document it stands for: NULL is a fact not
    given; every other value is kept, in its JSON form, for validation to judge."""
    document: dict[str, Any] = {}
    for column, value in values.items():
        if value is None:
            continue
        kind = COLUMNS.get(column)
        if isinstance(value, str) and kind in ("INTEGER", "BOOLEAN"):
            document[column] = read_cell(column, value)
        elif isinstance(value, int) and not isinstance(value, bool) and kind == "VARCHAR":
            document[column] = str(value)
        else:
            document[column] = json_value(value)
    return document


def json_value(value: Any) -> Any:
    """A value as JSON holds it: a date as `YYYY-MM-DD`, a timestamp as a UTC date-time, a decimal or a double as a
    number (an integer when whole), a struct as a record without its NULL fields; a date DuckDB cannot give Python
    (year 0, year 10000) arrives as its text and stays so."""
    if isinstance(value, datetime):
        return _date_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # a double column's 200.0 is JSON's 200, and is named so in messages
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [None if item is None else json_value(item) for item in value]
    return value


def _date_time(value: datetime) -> str:
    if value.tzinfo is not None:
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            return str(value)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
