"""Views of a rulebook diff (and of its impact on a pool): grouped text, one JSON document, or Markdown.

Every view is built from the same `RulebookDiff` and `PoolImpact` values, so the three say the same thing. Text is
styled with `click.style`; `click.echo` drops the styling when the output is not a terminal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import click

from dsl.standing import shown
from engine.diff.impact import MOVE_WORDS, MOVES, CategoryImpact, PoolImpact, SideBySide, count_text, impact_json
from engine.diff.policy import policy_changes
from engine.diff.rule_diff import RuleChange
from engine.diff.rulebook_diff import (
    ADDED,
    CATEGORY_STATUSES,
    CHANGED,
    CITATIONS_CHANGED,
    REMOVED,
    STATUS_WORDS,
    UNCHANGED,
    CategoryDiff,
    OccupationChange,
    RoundsDiff,
    RulebookDiff,
)
from engine.explain import markdown as md
from engine.explain.explanation import FAILS, HOLDS, Explanation
from engine.model.json_document import document_text

ARROW = "→"
_MARKS = {HOLDS: "✓", FAILS: "✗"}
_COLUMN = 60

Paint = Callable[..., str]


def _plain(text: str, **_: Any) -> str:
    return text


# JSON ----------------------------------------------------------------------------------------------------------------


def to_json(diff: RulebookDiff, impact: PoolImpact | None = None) -> str:
    return document_text(diff_document(diff, impact)) + "\n"


def diff_document(diff: RulebookDiff, impact: PoolImpact | None = None) -> dict[str, Any]:
    """The JSON document of `rules diff --format json` (and of the web API's `GET /v1/diff/...`), before encoding."""
    document: dict[str, Any] = {"diff": {**diff.to_json(), "policy": [c.to_json() for c in policy_changes(diff)]}}
    if impact is not None:
        document["impact"] = impact_json(impact)
    return document


# Text ----------------------------------------------------------------------------------------------------------------


def to_text(diff: RulebookDiff, impact: PoolImpact | None = None, color: bool = True) -> str:
    paint: Paint = click.style if color else _plain
    old, new = diff.old, diff.new
    lines = [paint(f"Rulebook {old.label} {ARROW} {new.label}", bold=True)]
    if diff.title_changed:
        lines.append(f"  title: {old.title} {ARROW} {new.title}")
    else:
        lines.append(f"  title: {new.title}")
    in_force = f"{old.in_force} {ARROW} {new.in_force}" if diff.in_force_changed else f"{new.in_force} (unchanged)"
    lines.append(f"  in force: {in_force}")
    lines += ["", paint("In policy terms", bold=True)]
    lines += [f"  - {change.text}" for change in policy_changes(diff)]
    if diff.sources:
        lines += ["", paint("Sources", bold=True)]
        for source in diff.sources:
            mark, colour = {ADDED: ("+", "green"), REMOVED: ("-", "red")}.get(source.kind, ("~", "yellow"))
            renamed = f" (was [{source.old_id}] {source.old_title})" if source.kind == CHANGED else ""
            standing = f" ({source.standing_text})" if source.standing_text else ""
            lines.append(paint(f"  {mark} [{source.id}] {source.title}{standing}{renamed}", fg=colour))
            lines.append(f"      {source.url}")
    groups: tuple[tuple[str, str, str | None], ...] = (
        (ADDED, "Categories added", "green"), (REMOVED, "Categories removed", "red"),
        (CHANGED, "Categories changed", "yellow"), (CITATIONS_CHANGED, "Categories whose citations changed", None),
        (UNCHANGED, "Categories unchanged", None))
    for status, heading, tint in groups:
        group = diff.with_status(status)
        if not group:
            continue
        lines += ["", paint(f"{heading} ({len(group)})", bold=True)]
        for category in group:
            lines.extend(_category_text(category, paint, tint))
    if diff.rounds:
        lines += ["", *_rounds_text(diff.rounds, paint)]
    lines += ["", _summary(diff)]
    if impact is not None:
        lines += ["", *_impact_text(impact, diff, paint)]
    return "\n".join(lines) + "\n"


def _summary(diff: RulebookDiff) -> str:
    if not diff.has_differences:
        return "No differences."
    counts = [f"{len(diff.with_status(s))} {STATUS_WORDS[s]}" for s in CATEGORY_STATUSES
              if s != CITATIONS_CHANGED or diff.with_status(s)]
    summary = "Categories: " + ", ".join(counts) + "."
    if diff.rounds:
        changed = sum(r.status != UNCHANGED for r in diff.rounds)
        summary += f" Rounds held: {changed} of {len(diff.rounds)} grouping(s) changed."
    return summary


def _rounds_columns(rounds: RoundsDiff) -> tuple[str, str, str]:
    old, new = rounds.old, rounds.new
    return (f"{old.count} {ARROW} {new.count}", f"{old.invitations:,} {ARROW} {new.invitations:,}",
            f"{old.cutoff} {ARROW} {new.cutoff}")


def _rounds_text(rounds: tuple[RoundsDiff, ...], paint: Paint) -> list[str]:
    """One aligned row per grouping: rounds, invitations and lowest score invited, old → new."""
    header = ("grouping", "rounds", "invitations", "lowest CRS invited")
    rows = [(r.status, (r.label, *_rounds_columns(r))) for r in rounds]
    widths = [max(len(cells[i]) for cells in [header, *(c for _, c in rows)]) for i in range(4)]
    lines = [paint("Rounds held (every round in each rulebook)", bold=True),
             "    " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    for status, cells in rows:
        mark, colour = {ADDED: ("+", "green"), REMOVED: ("-", "red"), CHANGED: ("~", "yellow")}.get(status,
                                                                                                 ("=", None))
        text = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        lines.append(paint(f"  {mark} {text}", fg=colour))
    return lines


def _category_text(category: CategoryDiff, paint: Paint, colour: str | None) -> list[str]:
    mark = {ADDED: "+", REMOVED: "-", CHANGED: "~", CITATIONS_CHANGED: "=", UNCHANGED: "="}[category.status]
    title = f"  {mark} {category.id}: {category.name}"
    lines = [paint(title, fg=colour, bold=True)]
    where = category.new_source or category.old_source
    if category.kept:
        where = f"{category.old_source} {ARROW} {category.new_source}"
    lines.append(f"      {where}")
    if category.last_seen is not None:
        lines.append(paint(f"      back: {_last_seen(category)}", fg="green"))
    if category.renamed:
        lines.append(paint(f"      renamed: {category.old_name} {ARROW} {category.new_name}", fg="yellow"))
    if category.id_changed:
        lines.append(paint(f"      id: {category.old_id} {ARROW} {category.new_id} (matched by name)", fg="yellow"))
    rule = category.new_rule or category.old_rule
    if len(rule) == 1:
        lines.append(f"      rule: {rule[0]}")
    elif rule:
        lines.append("      rule: all of these:")
        lines.extend(f"        - {part}" for part in rule)
    lines.extend(_occupations_text(category, paint))
    if category.rule_changes:
        lines.append("      rule:")
        for change in category.rule_changes:
            lines.extend(_rule_change_text(change, paint))
    if category.cites_changed:
        lines.append(paint(f"      cites: {', '.join(category.old_cites)} {ARROW} {', '.join(category.new_cites)}",
                           dim=True))
    if category.confidence_changed:
        lines.append(paint(f"      confidence: {_confidence_words(category)}", dim=True))
    return lines


def _confidence_words(category: CategoryDiff) -> str:
    """`medium-high → medium`; a side that gives no confidence reads `not stated`."""
    return " ".join([shown(category.old_confidence) if category.old_confidence else "not stated", ARROW,
                     shown(category.new_confidence) if category.new_confidence else "not stated"])


def _occupations_text(category: CategoryDiff, paint: Paint) -> list[str]:
    lines: list[str] = []
    added, removed = category.occupations_added, category.occupations_removed
    if category.status == ADDED and added:
        lines.append(f"      occupations ({len(added)}):")
    elif category.status == REMOVED and removed:
        lines.append(f"      occupations ({len(removed)}):")
    elif added or removed:
        lines.append(f"      occupations: {category.old_occupation_count} {ARROW} {category.new_occupation_count} "
                     f"({len(added)} added, {len(removed)} removed)")
    lines.extend(paint(f"        + {_occupation(o)}", fg="green") for o in added)
    lines.extend(paint(f"        - {_occupation(o)}", fg="red") for o in removed)
    if category.teer_changes:
        lines.append("      TEER changed:")
        lines.extend(paint(f"        ~ {o.code}  TEER {o.old_teer} {ARROW} {o.teer}  {o.title}", fg="yellow")
                     for o in category.teer_changes)
    if category.title_changes:
        lines.append("      title changed:")
        lines.extend(paint(f"        ~ {o.code}  {o.old_title} {ARROW} {o.title}", fg="yellow")
                     for o in category.title_changes)
    return lines


def _last_seen(category: CategoryDiff) -> str:
    """`last in the 2024 rulebook (until 2025-02-26) as 'Transport occupations', 10 occupations`."""
    seen = category.last_seen
    assert seen is not None
    named = f" as '{seen.name}'" if seen.name != category.name else ""
    return (f"last in the {seen.label} rulebook (until {seen.in_force_until}){named}, {seen.occupation_count} "
            f"occupation{'s' if seen.occupation_count != 1 else ''}")


def _occupation(occupation: OccupationChange) -> str:
    moved = f"  (moved {occupation.moved})" if occupation.moved else ""
    return f"{occupation.code}  TEER {occupation.teer}  {occupation.title}{moved}"


def _rule_change_text(change: RuleChange, paint: Paint) -> list[str]:
    within = f"  (in definition {change.definition})" if change.definition else ""
    if change.kind == ADDED:
        return [paint(f"        + {change.what}: {change.new}", fg="green"), f"            {change.new_source}{within}"]
    if change.kind == REMOVED:
        return [paint(f"        - {change.what}: {change.old}", fg="red"), f"            {change.old_source}{within}"]
    return [paint(f"        ~ {change.what}: {change.old} {ARROW} {change.new}", fg="yellow"),
            f"            {change.old_source} {ARROW} {change.new_source}{within}"]


def _impact_text(impact: PoolImpact, diff: RulebookDiff, paint: Paint) -> list[str]:
    rejected = f"; {len(impact.rejected):,} row(s) rejected" if impact.rejected else ""
    lines = [paint(f"Impact on the pool: {impact.evaluated:,} of {impact.read:,} profile(s) evaluated as of "
                   f"{impact.as_of} under both rulebooks{rejected}", bold=True)]
    lines.extend(f"  note: {note}" for note in impact.notes)
    for category in impact.categories:
        lines.append("")
        lines.append(paint(f"  {category.id}: {category.name}", bold=True) +
                     f"  eligible {category.eligible_before:,} {ARROW} {category.eligible_after:,}")
        if not category.changed:
            lines.append("      no profile changes verdict")
        for move in MOVES:
            count = category.counts[move]
            if not count:
                continue
            colour = "green" if move == "gains" else "red" if move == "loses" else "yellow"
            examples = ", ".join(category.examples[move]) + (" ..." if count > len(category.examples[move]) else "")
            lines.append(paint(f"      {count_text(move, count)}", fg=colour) + f": {examples}")
        for move, side in category.explanations.items():
            lines.append(f"      why profile {side.profile} would {MOVE_WORDS[move]}:")
            lines.extend("        " + line for line in _side_by_side_text(side, diff))
    if impact.rejected:
        lines += ["", paint("Rejected rows (not evaluated)", bold=True, fg="red")]
        for profile in impact.rejected:
            lines.append(f"  {profile.origin}:")
            lines.extend(f"    {problem.path}: {problem.message}" for problem in profile.problems)
    return lines


def _side_by_side_text(side: SideBySide, diff: RulebookDiff) -> list[str]:
    left = [f"{diff.old.label}: {side.old_verdict.replace('_', ' ')}", *_explanation_lines(side.old)]
    right = [f"{diff.new.label}: {side.new_verdict.replace('_', ' ')}", *_explanation_lines(side.new)]
    left = [piece for line in left for piece in _wrap(line)]
    right = [piece for line in right for piece in _wrap(line)]
    height = max(len(left), len(right))
    left += [""] * (height - len(left))
    right += [""] * (height - len(right))
    return [f"{a:<{_COLUMN}} │ {b}".rstrip() for a, b in zip(left, right, strict=True)]


def _wrap(line: str) -> list[str]:
    indent = len(line) - len(line.lstrip())
    return textwrap.wrap(line, _COLUMN, subsequent_indent=" " * (indent + 2)) or [""]


def _explanation_lines(explanation: Explanation | None) -> list[str]:
    if explanation is None:
        return ["  (no such category)"]
    lines: list[str] = []
    for child in explanation.children:
        lines.extend(_statement_lines(child, 1))
    return lines


def _statement_lines(statement: Explanation, depth: int) -> list[str]:
    mark = _MARKS.get(statement.outcome or "", "?")
    if statement.kind == "check" and statement.detail:
        text = statement.detail  # a check's detail restates its subject with the value and what is needed
    else:
        text = statement.label + (f": {statement.detail}" if statement.detail else "")
    lines = [f"{'  ' * depth}{mark} {text}"]
    for child in statement.children:
        lines.extend(_statement_lines(child, depth + 1))
    return lines


# Markdown ------------------------------------------------------------------------------------------------------------


def to_markdown(diff: RulebookDiff, impact: PoolImpact | None = None) -> str:
    old, new = diff.old, diff.new
    lines = [f"# Rulebook {old.year} {ARROW} {new.year}", "",
             f"| | {_cell(old.label)} | {_cell(new.label)} |", "|---|---|---|",
             f"| Title | {_cell(old.title)} | {_cell(new.title)} |",
             f"| In force | {old.in_force} | {new.in_force} |", ""]
    lines += ["## In policy terms", "", *(f"- {md.text(change.text)}" for change in policy_changes(diff)), ""]
    if diff.sources:
        lines += ["## Sources", ""]
        for source in diff.sources:
            renamed = f" (was `{source.old_id}`: {source.old_title})" if source.kind == CHANGED else ""
            standing = f" ({source.standing_text})" if source.standing_text else ""
            lines.append(f"- {source.kind}: `{source.id}` [{_cell(source.title)}]({source.url}){standing}{renamed}")
        lines.append("")
    lines += ["## Categories", "", _summary(diff), ""]
    for status in CATEGORY_STATUSES:
        for category in diff.with_status(status):
            lines.extend(_category_markdown(category))
    if diff.rounds:
        lines.extend(_rounds_markdown(diff))
    if impact is not None:
        lines.extend(_impact_markdown(impact, diff))
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _category_markdown(category: CategoryDiff) -> list[str]:
    lines = [f"### {STATUS_WORDS[category.status].capitalize()}: {md.text(category.name)} ({md.code(category.id)})",
             ""]
    if category.kept:
        lines.append(f"Source: `{category.old_source}` {ARROW} `{category.new_source}`")
    else:
        lines.append(f"Source: `{category.new_source or category.old_source}`")
    lines.append("")
    if category.last_seen is not None:
        lines += [f"Back: {md.text(_last_seen(category))}", ""]
    if category.renamed:
        lines += [f"Renamed: {category.old_name} {ARROW} {category.new_name}", ""]
    if category.id_changed:
        lines += [f"Id: `{category.old_id}` {ARROW} `{category.new_id}` (matched by name)", ""]
    rule = category.new_rule or category.old_rule
    if rule:
        lines += ["#### Rule", "", "All of these:" if len(rule) > 1 else "This:", "",
                  *(f"- {md.text(part)}" for part in rule), ""]
    for heading, entries in (("Occupations added", category.occupations_added),
                             ("Occupations removed", category.occupations_removed)):
        if entries:
            lines += [f"#### {heading} ({len(entries)})", "", "| NOC | Title | TEER | Moved |", "|---|---|---|---|"]
            lines.extend(f"| {o.code} | {_cell(o.title)} | {o.teer} | {o.moved or ''} |" for o in entries)
            lines.append("")
    if category.teer_changes:
        lines += ["#### TEER changed", "", "| NOC | Title | TEER |", "|---|---|---|"]
        lines.extend(f"| {o.code} | {_cell(o.title)} | {o.old_teer} {ARROW} {o.teer} |" for o in category.teer_changes)
        lines.append("")
    if category.title_changes:
        lines += ["#### Title changed", "", "| NOC | Old title | New title |", "|---|---|---|"]
        lines.extend(f"| {o.code} | {_cell(o.old_title or '')} | {_cell(o.title)} |" for o in category.title_changes)
        lines.append("")
    if category.rule_changes:
        lines += ["#### Rule changes", ""]
        lines.extend(_rule_change_markdown(c) for c in category.rule_changes)
        lines.append("")
    if category.cites_changed:
        lines += [f"Cites: {', '.join(category.old_cites)} {ARROW} {', '.join(category.new_cites)}", ""]
    if category.confidence_changed:
        lines += [f"Confidence: {_confidence_words(category)}", ""]
    return lines


def _rounds_markdown(diff: RulebookDiff) -> list[str]:
    lines = ["## Rounds held", "", f"Every round each rulebook holds, per grouping: {diff.old.label} {ARROW} "
             f"{diff.new.label}.", "",
             "| Grouping | Name | Change | Rounds | Invitations | Lowest CRS invited |", "|---|---|---|---|---|---|"]
    words = {ADDED: f"none in {diff.old.label}", REMOVED: f"none in {diff.new.label}"}
    for rounds in diff.rounds:
        count, invitations, cutoff = _rounds_columns(rounds)
        change = words.get(rounds.status, rounds.status)
        lines.append(f"| {_cell(rounds.label)} | {_cell(rounds.name)} | {_cell(change)} | {count} | {invitations} | "
                     f"{cutoff} |")
    return lines + [""]


def _rule_change_markdown(change: RuleChange) -> str:
    within = f", in definition `{change.definition}`" if change.definition else ""
    if change.kind == ADDED:
        return f"- {change.what} (added): {change.new} (`{change.new_source}`{within})"
    if change.kind == REMOVED:
        return f"- {change.what} (removed): {change.old} (`{change.old_source}`{within})"
    return f"- {change.what}: {change.old} {ARROW} {change.new} " \
           f"(`{change.old_source}` {ARROW} `{change.new_source}`{within})"


def _impact_markdown(impact: PoolImpact, diff: RulebookDiff) -> list[str]:
    lines = ["## Impact on the pool", "",
             f"{impact.evaluated:,} of {impact.read:,} profile(s) evaluated as of {impact.as_of} under both rulebooks"
             + (f"; {len(impact.rejected):,} row(s) rejected." if impact.rejected else "."), "",
             *(f"Note: {note}.\n" for note in impact.notes),
             "| Category | Eligible before | Eligible after | Gain | Lose | Now undetermined | Now not eligible |",
             "|---|---|---|---|---|---|---|"]
    for category in impact.categories:
        counts = " | ".join(f"{category.counts[m]:,}" for m in MOVES)
        lines.append(f"| {_cell(category.name)} (`{category.id}`) | {category.eligible_before:,} | "
                     f"{category.eligible_after:,} | {counts} |")
    lines.append("")
    for category in impact.categories:
        lines.extend(_category_impact_markdown(category, diff))
    if impact.rejected:
        lines += ["### Rejected rows", ""]
        for profile in impact.rejected:
            problems = "; ".join(f"{md.code(p.path)}: {md.text(p.message)}" for p in profile.problems)
            lines.append(f"- {md.code(profile.origin)}: {problems}")
        lines.append("")
    return lines


def _category_impact_markdown(category: CategoryImpact, diff: RulebookDiff) -> list[str]:
    if not category.changed:
        return []
    lines = [f"### {category.name} (`{category.id}`)", ""]
    for move in MOVES:
        if category.counts[move]:
            examples = ", ".join(md.code(e) for e in category.examples[move])
            lines.append(f"- {count_text(move, category.counts[move])}, for example {examples}")
    lines.append("")
    for move, side in category.explanations.items():
        lines += [f"Why profile {md.code(side.profile)} would {MOVE_WORDS[move]}:", "",
                  f"| {diff.old.label}: {side.old_verdict.replace('_', ' ')} | "
                  f"{diff.new.label}: {side.new_verdict.replace('_', ' ')} |", "|---|---|"]
        left, right = _explanation_lines(side.old), _explanation_lines(side.new)
        height = max(len(left), len(right))
        left += [""] * (height - len(left))
        right += [""] * (height - len(right))
        lines.extend(f"| {_md_line(a)} | {_md_line(b)} |" for a, b in zip(left, right, strict=True))
        lines.append("")
    return lines


def _md_line(line: str) -> str:
    stripped = line.lstrip(" ")
    indent = (len(line) - len(stripped)) // 2
    return "&nbsp;&nbsp;" * max(indent - 1, 0) + md.cell(stripped)
