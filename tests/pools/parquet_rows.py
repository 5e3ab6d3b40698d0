"""Profile documents as the pool's Arrow types hold them, for tests that write Parquet pools."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

DATE_FIELDS = frozenset({"date", "start", "end", "date_of_birth"})


def typed(value: Any, key: str = "") -> Any:
    """A profile value with its dates as dates and its date-times as UTC timestamps (written without a zone); every
    other value as it is, so a record left out is NULL and a value the schema refuses is kept for the checks."""
    if isinstance(value, dict):
        return {k: typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if key in DATE_FIELDS and isinstance(value, str):
        return date.fromisoformat(value)
    if key == "submitted_at" and isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
    return value
