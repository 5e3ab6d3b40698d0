"""How far a verdict or a score can be trusted, in words every view shares.

A verdict resting on a third-party source is the law as others report it; a score with a pending rule in force is a
lower bound. Both are said wherever the verdict or the score is shown, in the same words, never left to the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dsl.standing import shown
from engine import ir


def source_standing(source: ir.SourceRef) -> str | None:
    """`third-party, confidence medium-high`; None when the rules say neither."""
    parts = []
    if source.standing is not None:
        parts.append(shown(source.standing))
    if source.confidence is not None:
        parts.append(f"confidence {shown(source.confidence)}")
    return ", ".join(parts) or None


def verdict_note(sources: Iterable[ir.SourceRef], confidence: str | None) -> str | None:
    """What qualifies a category's verdict: the confidence its rule files give the category as written, when below
    `high` (`the category as written: confidence medium`), then the third-party sources it rests on; None when
    neither applies. A category written with confidence `high` reads as one that says nothing."""
    parts = []
    if confidence is not None and confidence != "high":
        parts.append(f"the category as written: confidence {shown(confidence)}")
    resting = third_party_note(sources)
    if resting is not None:
        parts.append(resting)
    return "; ".join(parts) or None


def third_party_note(sources: Iterable[ir.SourceRef]) -> str | None:
    """`rests on third-party sources: bearing_ai_catalogue, leamss_streams (confidence medium-high)`: the sources of
    one confidence named together, so that a category resting on several reads in one line; None when it rests on
    none."""
    by_confidence: dict[str | None, list[str]] = {}
    for source in sources:
        by_confidence.setdefault(source.confidence, []).append(source.id)
    if not by_confidence:
        return None
    groups = [", ".join(ids) + (f" (confidence {shown(confidence)})" if confidence else "")
              for confidence, ids in by_confidence.items()]
    return "rests on third-party sources: " + "; ".join(groups)


def bound_note(pending: Iterable[ir.Pending]) -> str | None:
    """`the high-wage occupation points in force from 2026-11-03 are not encoded`; None when nothing is pending."""
    notes = [p.bound_note() for p in pending]
    return "; ".join(notes) or None


def source_json(source: ir.SourceRef) -> dict[str, str]:
    document = {"id": source.id, "title": source.title, "url": source.url}
    if source.standing is not None:
        document["standing"] = source.standing
    if source.confidence is not None:
        document["confidence"] = source.confidence
    return document


def standing_lines(rulebook: ir.Rulebook, as_of: date, lower_bounds: int) -> list[str]:
    """What a batch's summary adds about trust: the categories resting on third-party sources or written with a
    confidence below high, and how many computed scores are only lower bounds (with why)."""
    lines = []
    resting = [c.id for c in rulebook.categories if c.third_party]
    if resting:
        lines.append("note: verdicts resting on third-party sources: " + ", ".join(resting))
    doubtful = [f"{c.id} ({shown(c.confidence)})" for c in rulebook.categories
                if c.confidence is not None and c.confidence != "high"]
    if doubtful:
        lines.append("note: categories written with a confidence below high: " + ", ".join(doubtful))
    pending = rulebook.pending_on(as_of)
    if pending:
        note = bound_note(pending)
        lines.append(f"note: crs is a lower bound (crs_source lower_bound) for {lower_bounds:,} profile(s): {note}")
    return lines
