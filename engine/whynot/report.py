"""Views of an analysis: text, one JSON document, Markdown. The same `Advice` values feed all three."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from engine.model.json_document import document_text
from engine.whynot.model import Advice, CategoryAdvice, Reason, ScoreAdvice, Standing, Suggestion

# JSON ----------------------------------------------------------------------------------------------------------------


def advice_json(advice: Advice) -> dict[str, Any]:
    document: dict[str, Any] = {"profile": advice.profile, "rulebook": advice.rulebook.year,
                                "as_of": advice.as_of.isoformat()}
    if advice.as_of_note:
        document["as_of_note"] = advice.as_of_note
    document["categories"] = [_category_json(c) for c in advice.categories]
    if advice.score is not None:
        document["crs"] = _score_json(advice.score)
    document["standing"] = [_standing_json(s) for s in advice.standing]
    return document


def with_why_not(document: dict[str, Any], advices: Iterable[Advice]) -> dict[str, Any]:
    """An evaluation's JSON document (`rules eval --format json`) with each result's `why_not`: what
    `rules eval --why-not` and the web API's `POST /v1/eval` with `"why_not": true` give. The results and the
    analyses are in the same order."""
    for result, advice in zip(document["results"], advices, strict=True):
        result["why_not"] = advice_json(advice)
    return document


def to_json(advices: Iterable[Advice]) -> str:
    return document_text({"results": [advice_json(a) for a in advices]}) + "\n"


def suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    promise: dict[str, Any] = ({"category": suggestion.category, "verdict": suggestion.verdict}
                               if suggestion.category is not None else {"crs": suggestion.crs,
                                                                        "gain": suggestion.gain})
    document: dict[str, Any] = {"kind": suggestion.kind, "summary": suggestion.summary,
                                "patch": list(suggestion.patch), "holds_from": suggestion.holds_from.isoformat(),
                                "promise": promise, "because": [_reason_json(r) for r in suggestion.because]}
    if suggestion.note:
        document["note"] = suggestion.note
    return document


def _reason_json(reason: Reason) -> dict[str, Any]:
    return {"rule": reason.rule, "description": reason.description, "source": reason.source,
            "cites": [c.id for c in reason.cites], "change": reason.change}


def _category_json(category: CategoryAdvice) -> dict[str, Any]:
    document: dict[str, Any] = {"id": category.id, "name": category.name, "verdict": category.verdict}
    if category.confidence is not None:
        document["confidence"] = category.confidence
    if category.third_party:
        document["third_party_sources"] = [{"id": s.id, "confidence": s.confidence} if s.confidence else
                                           {"id": s.id} for s in category.third_party]
    document["suggestions"] = [suggestion_json(s) for s in category.suggestions]
    document["blockers"] = [_reason_json(r) for r in category.blockers]
    return document


def _score_json(score: ScoreAdvice) -> dict[str, Any]:
    document: dict[str, Any] = {"version": score.version, "total": score.total}
    if score.lower_bound:
        document["lower_bound"] = True
    if score.note:
        document["note"] = score.note
    document["what_ifs"] = [suggestion_json(s) for s in score.suggestions]
    return document


def _standing_json(standing: Standing) -> dict[str, Any]:
    return {"id": standing.id, "name": standing.name, "crs": standing.total, "invited": standing.invited,
            "rounds": [{"number": r.number, "held": r.held.isoformat(), "rulebook": r.rulebook,
                        "lowest_crs": r.lowest_crs, "tie_break": r.tie_break, "invited": r.invited}
                       for r in standing.rounds]}


# Text ----------------------------------------------------------------------------------------------------------------

_MARKS = {"eligible": "✓", "not_eligible": "✗", "undetermined": "?"}


def to_text(advices: Iterable[Advice]) -> str:
    blocks = ["\n".join(advice_lines(a)) for a in advices]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def advice_lines(advice: Advice) -> list[str]:
    rulebook = advice.rulebook
    lines = [f"Why not · profile {advice.profile} · rulebook {rulebook.year} ({rulebook.title}) · as of {advice.as_of}"]
    if advice.as_of_note:
        lines.append(f"  note: {advice.as_of_note}")
    if not advice.categories:
        lines.append("  every category is met")
    for category in advice.categories:
        lines.append("")
        lines.append(f"{_MARKS.get(category.verdict, '?')} {category.name} [{category.id}]: "
                     f"{category.verdict.replace('_', ' ')}")
        if category.note is not None:
            lines.append(f"  ({category.note})")
        for suggestion in category.suggestions:
            lines.extend(_suggestion_lines(suggestion))
        if category.blockers:
            lines.append("  nothing within reach changes it:")
            for reason in category.blockers:
                lines.append(f"    {reason.rule} — {reason.description}")
                lines.append(f"      ({reason.source}; cite {', '.join(c.id for c in reason.cites)})")
                lines.append(f"      {reason.change}")
    if advice.score is not None:
        lines.append("")
        lines.extend(_score_lines(advice.score))
    if advice.standing:
        lines.append("")
        lines.extend(_standing_lines(advice.standing))
    return lines


def _promise(suggestion: Suggestion) -> str:
    if suggestion.category is not None:
        return f"{(suggestion.verdict or '').replace('_', ' ')} from {suggestion.holds_from}"
    return f"+{suggestion.gain} → {suggestion.crs} from {suggestion.holds_from}"


def _suggestion_lines(suggestion: Suggestion, head: str = "  → ") -> list[str]:
    lines = [f"{head}{suggestion.summary} ({_promise(suggestion)})"]
    pad = " " * len(head)
    for reason in suggestion.because:
        lines.append(f"{pad}  because {reason.rule}: {reason.change} — {reason.description} "
                     f"({reason.source}; cite {', '.join(c.id for c in reason.cites)})")
    if suggestion.note:
        lines.append(f"{pad}  note: {suggestion.note}")
    lines.append(f"{pad}  patch: {json.dumps(list(suggestion.patch), ensure_ascii=False)}")
    return lines


def _score_lines(score: ScoreAdvice) -> list[str]:
    lines = [f"CRS what-ifs ({score.version or 'no version in force'}): now {score.total_text}"]
    if score.note:
        lines.append(f"  {score.note}")
    for rank, suggestion in enumerate(score.suggestions, 1):
        lines.extend(_suggestion_lines(suggestion, f"  {rank:2}. "))
    return lines


def _standing_lines(standings: Iterable[Standing]) -> list[str]:
    lines = ["Where you stand (the lowest score invited in each category round)"]
    for standing in standings:
        score = "an undetermined score" if standing.total is None else f"{standing.total}"
        lines.append(f"  {standing.name} [{standing.id}]: with {score}, invited in {standing.invited} of "
                     f"{len(standing.rounds)} rounds")
        for check in standing.rounds:
            outcome = {True: "invited", False: "not invited", None: "a tie that cannot be decided"}[check.invited]
            tie = f", tie-break {check.tie_break}" if check.tie_break else ""
            lines.append(f"    round {check.number} ({check.held}, rulebook {check.rulebook}): lowest "
                         f"{check.lowest_crs}{tie} — {outcome}")
    return lines


# Markdown ------------------------------------------------------------------------------------------------------------


def to_markdown(advices: Iterable[Advice]) -> str:
    parts: list[str] = []
    for advice in advices:
        parts.extend(advice_markdown(advice))
    return "\n".join(parts).rstrip() + "\n"


def advice_markdown(advice: Advice) -> list[str]:
    rulebook = advice.rulebook
    parts = [f"## Why not: profile `{advice.profile}`\n",
             f"Rulebook **{rulebook.year}** ({rulebook.title}), as of **{advice.as_of}**.\n"]
    if advice.as_of_note:
        parts.append(f"> {advice.as_of_note}\n")
    for category in advice.categories:
        parts.append(f"### {_MARKS.get(category.verdict, '?')} {category.name} (`{category.id}`): "
                     f"{category.verdict.replace('_', ' ')}\n")
        if category.note is not None:
            parts.append(f"> {category.note[0].upper()}{category.note[1:]}.\n")
        parts.extend(_markdown_suggestion(s) for s in category.suggestions)
        if category.blockers:
            parts.append("\nNothing within reach changes it:\n")
            parts.extend(f"- `{r.rule}` ({r.description}, `{r.source}`): {r.change}" for r in category.blockers)
        parts.append("")
    if advice.score is not None:
        score = advice.score
        parts.append(f"### CRS what-ifs: now {score.total_text}\n")
        if score.note:
            parts.append(f"{score.note}.\n")
        if score.suggestions:
            parts.append("| rank | change | gain | new total | from |\n|---|---|---|---|---|")
            parts.extend(f"| {rank} | {s.summary} | +{s.gain} | {s.crs} | {s.holds_from} |"
                         for rank, s in enumerate(score.suggestions, 1))
        parts.append("")
    if advice.standing:
        parts.append("### Where you stand\n")
        parts.append("| category | round | held | rulebook | lowest CRS | invited |\n|---|---|---|---|---|---|")
        for standing in advice.standing:
            for check in standing.rounds:
                outcome = {True: "yes", False: "no", None: "tie, undecided"}[check.invited]
                parts.append(f"| {standing.name} | {check.number} | {check.held} | {check.rulebook} | "
                             f"{check.lowest_crs} | {outcome} |")
        parts.append("")
    return parts


def _markdown_suggestion(suggestion: Suggestion) -> str:
    text = f"- **{suggestion.summary}** ({_promise(suggestion)})"
    for reason in suggestion.because:
        text += f"\n  - because `{reason.rule}`: {reason.change} — {reason.description} (`{reason.source}`)"
    if suggestion.note:
        text += f"\n  - note: {suggestion.note}"
    text += f"\n  - patch: `{json.dumps(list(suggestion.patch), ensure_ascii=False)}`"
    return text
