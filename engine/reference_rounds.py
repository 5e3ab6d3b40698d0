"""Rounds of invitations held, read from the project's reference tables (`reference/rounds_<year>.csv`).

STOPGAP, to be replaced by rulebook rounds: once rule files declare `round`s, the website must take the rounds from
the compiled rulebook instead, and this module goes away. It exists so the website can show the rounds held under
each category before the language can state them; it reads only the CSV files it is pointed at.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RoundHeld:
    """One round of invitations as published: when, for whom, how many, and the lowest score invited."""

    number: int
    held: date
    kind: str
    category: str
    invitations: int
    lowest_crs: int
    tie_break: datetime | None
    source_url: str


def read_reference_rounds(folder: Path) -> tuple[RoundHeld, ...]:
    """Every round of every `rounds_<year>.csv` in `folder`, oldest first. Rows that do not parse are skipped."""
    rounds: list[RoundHeld] = []
    for path in sorted(folder.glob("rounds_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                parsed = _round(row)
                if parsed is not None:
                    rounds.append(parsed)
    return tuple(sorted(rounds, key=lambda r: (r.held, r.number)))


def _round(row: dict[str, str]) -> RoundHeld | None:
    try:
        tie_break = row.get("tie_break") or ""
        return RoundHeld(
            number=int(row["round"]),
            held=date.fromisoformat(row["date"]),
            kind=row.get("type", ""),
            category=row.get("category", ""),
            invitations=int(row["invitations"]),
            lowest_crs=int(row["crs_cutoff"]),
            tie_break=datetime.fromisoformat(tie_break.replace("Z", "+00:00")) if tie_break else None,
            source_url=row.get("source", ""),
        )
    except (KeyError, ValueError):
        return None
