"""Views of evaluation results: a readable text tree, one JSON document, or Markdown.

The same `ProfileReport` values feed every view, so the three always say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import ir
from engine.eval.traced import CategoryResult, ScoreResult
from engine.explain import markdown as md
from engine.explain.explanation import (
    FAILS,
    HOLDS,
    Explanation,
    brief,
    explain_profile,
    summarise,
)
from engine.explain.graph import FORMAT, GraphWriter, RulesTable
from engine.explain.standing import bound_note, source_standing, verdict_note
from engine.model.json_document import document_text
from engine.model.profile import ProfileInput
from engine.model.quantities import Points

MARKS = {HOLDS: "✓", FAILS: "✗", None: "•"}
UNKNOWN_MARK = "?"


@dataclass(frozen=True, slots=True)
class CategoryReport:
    """A category's or a program's verdict. A program the profile states (`eligible_programs`) is `given`: its
    verdict is the profile's, and `computed` holds the rules' own verdict when it disagrees."""

    id: str
    name: str
    verdict: str
    explanation: Explanation
    given: bool = False
    computed: str | None = None
    third_party: tuple[ir.SourceRef, ...] = ()
    confidence: str | None = None

    @property
    def note(self) -> str | None:
        """What qualifies the verdict (the category's confidence, its third-party sources), as every view says it."""
        return verdict_note(self.third_party, self.confidence)


@dataclass(frozen=True, slots=True)
class SectionReport:
    id: str
    title: str
    points: int | None
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """The CRS of a profile: `version` is the score declaration in force, or `given` when the profile gave it."""

    version: str
    title: str
    total: int | None
    sections: tuple[SectionReport, ...]
    bounded_by: tuple[ir.Pending, ...] = ()

    @property
    def bound_note(self) -> str | None:
        """Why the total is only a lower bound, or None when it is the score."""
        return bound_note(self.bounded_by)


@dataclass(frozen=True, slots=True)
class ProfileReport:
    profile: str
    rulebook: ir.Rulebook
    as_of: date
    as_of_note: str | None
    categories: tuple[CategoryReport, ...]
    programs: tuple[CategoryReport, ...] = ()
    score: ScoreReport | None = None
    detail: str = "full"


# How much of each explanation a report keeps: `brief` what decided each verdict (the text view's default),
# `summary` every condition with its deciding checks, `full` the whole tree.
DETAILS = ("brief", "summary", "full")


def build_report(profile_id: str, rulebook: ir.Rulebook, as_of: date, as_of_note: str | None,
                 results: Sequence[CategoryResult], detail: str, programs: Sequence[CategoryResult] = (),
                 score: ScoreResult | None = None, given_programs: Sequence[str] | None = None) -> ProfileReport:
    """`given_programs`: the profile's `eligible_programs` when it states them; each program's verdict is then the
    profile's (eligible when listed, not eligible otherwise), shown beside the rules' verdict when they differ."""
    sections = score.sections if score is not None and not score.given and score.score is not None else ()
    explanations, section_explanations = explain_profile([*results, *programs], sections, rulebook)
    shorten = {"brief": brief, "summary": summarise}.get(detail)
    reports = []
    for index, (result, explanation) in enumerate(zip([*results, *programs], explanations, strict=True)):
        if shorten is not None:
            explanation = shorten(explanation)
        computed = result.verdict.value
        if index >= len(results) and given_programs is not None:
            stated = "eligible" if result.category.id in given_programs else "not_eligible"
            reports.append(CategoryReport(result.category.id, result.category.name, stated, explanation, True,
                                          computed if computed != stated else None, result.category.third_party,
                                          result.category.confidence))
        else:
            reports.append(CategoryReport(result.category.id, result.category.name, computed, explanation,
                                          third_party=result.category.third_party,
                                          confidence=result.category.confidence))
    return ProfileReport(profile_id, rulebook, as_of, as_of_note, tuple(reports[:len(results)]),
                         tuple(reports[len(results):]), _score_report(score, section_explanations), detail)


def _score_report(score: ScoreResult | None, explanations: Sequence[Explanation]) -> ScoreReport | None:
    if score is None:
        return None
    total = score.total.amount if isinstance(score.total, Points) else None
    if score.given or score.score is None:
        return ScoreReport("given", "given in the profile", total, ())
    sections = []
    for section, explanation in zip(score.sections, explanations, strict=True):
        value = section.trace.value
        sections.append(SectionReport(section.section.id, section.section.title,
                                      value.amount if isinstance(value, Points) else None, explanation))
    return ScoreReport(score.score.id, score.score.title, total, tuple(sections), score.bounded_by)


def _mark(outcome: str | None) -> str:
    return MARKS.get(outcome, UNKNOWN_MARK)


def verdict_mark(report: CategoryReport) -> str:
    """The mark of the verdict shown: a given program's is the profile's, else the explanation's outcome."""
    if report.given:
        return MARKS[HOLDS] if report.verdict == "eligible" else MARKS[FAILS]
    return _mark(report.explanation.outcome)


def verdict_words(report: CategoryReport) -> str:
    """`eligible`, or for a program the profile states `eligible (given in the profile; the rules compute:
    undetermined)`."""
    words = report.verdict.replace("_", " ")
    if not report.given:
        return words
    if report.computed is None:
        return f"{words} (given in the profile)"
    return f"{words} (given in the profile; the rules compute: {report.computed.replace('_', ' ')})"


# JSON ----------------------------------------------------------------------------------------------------------------


def to_json(reports: Iterable[ProfileReport], rejected: Iterable[ProfileInput]) -> str:
    return document_text(report_document(reports, rejected)) + "\n"


def report_document(reports: Iterable[ProfileReport], rejected: Iterable[ProfileInput]) -> dict[str, Any]:
    """The JSON document of `rules eval --format json` (and of the web API's `POST /v1/eval`), before encoding.
    `format` says which shape it has (`engine.explain.graph`); the JSON Schema of that shape is shipped in
    engine/model/schema/report.schema.json."""
    tables: dict[str, RulesTable] = {}
    results = [_report_json(r, tables.setdefault(r.rulebook.year, RulesTable())) for r in reports]
    document: dict[str, Any] = {"format": FORMAT, "rules": {year: table.written for year, table in tables.items()},
                                "results": results}
    errors = [_rejected_json(p) for p in rejected]
    if errors:
        document["errors"] = errors
    return document


def _report_json(report: ProfileReport, rules: RulesTable) -> dict[str, Any]:
    graph = GraphWriter(rules)
    document: dict[str, Any] = {
        "profile": report.profile,
        "rulebook": report.rulebook.year,
        "as_of": report.as_of.isoformat(),
    }
    if report.as_of_note:
        document["as_of_note"] = report.as_of_note
    document["categories"] = [_category_json(c, graph) for c in report.categories]
    if report.programs:
        document["programs"] = [_program_json(p, graph) for p in report.programs]
    if report.score is not None:
        document["crs"] = {
            "total": report.score.total,
            "version": report.score.version,
            **_bound_json(report.score),
            "sections": {s.id: {"title": s.title, "points": s.points, "explanation": graph.write(s.explanation)}
                         for s in report.score.sections},
        }
    document["shared"] = graph.shared
    document["facts"] = graph.facts
    return document


def _category_json(category: CategoryReport, graph: GraphWriter) -> dict[str, Any]:
    document: dict[str, Any] = {"id": category.id, "name": category.name, "verdict": category.verdict}
    document.update(_third_party_json(category))
    document["explanation"] = graph.write(category.explanation)
    return document


def _program_json(program: CategoryReport, graph: GraphWriter) -> dict[str, Any]:
    document: dict[str, Any] = {"id": program.id, "verdict": program.verdict}
    if program.given:
        document["given"] = True
        if program.computed is not None:
            document["computed_verdict"] = program.computed
    document.update(_third_party_json(program))
    document["explanation"] = graph.write(program.explanation)
    return document


def _third_party_json(verdict: CategoryReport) -> dict[str, Any]:
    """`confidence`: the level the rule files give the category as written (absent when they give none);
    `third_party_sources`: the third-party sources a verdict rests on (absent when it rests on none)."""
    document: dict[str, Any] = {}
    if verdict.confidence is not None:
        document["confidence"] = verdict.confidence
    if verdict.third_party:
        document["third_party_sources"] = [{"id": s.id, "confidence": s.confidence} if s.confidence else
                                           {"id": s.id} for s in verdict.third_party]
    return document


def _bound_json(score: ScoreReport) -> dict[str, Any]:
    """A lower bound says so: `lower_bound` true, the pending rules' ids and the note in words."""
    if not score.bounded_by:
        return {}
    return {"lower_bound": True, "not_encoded": [p.id for p in score.bounded_by], "note": score.bound_note}


def _rejected_json(profile: ProfileInput) -> dict[str, Any]:
    return {"input": profile.origin, "problems": [{"path": p.path, "message": p.message} for p in profile.problems]}


# Text ----------------------------------------------------------------------------------------------------------------


def to_text(reports: Iterable[ProfileReport]) -> str:
    blocks = [_report_text(r) for r in reports]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def rejected_text(rejected: Iterable[ProfileInput]) -> str:
    lines = []
    for profile in rejected:
        lines.append(f"{profile.origin}: not evaluated, the profile has problems:")
        lines.extend(f"  {problem.path}: {problem.message}" for problem in profile.problems)
    return "\n".join(lines) + ("\n" if lines else "")


def _report_text(report: ProfileReport) -> str:
    if report.detail == "brief":
        return _brief_text(report)
    rulebook = report.rulebook
    lines = [f"Profile {report.profile} · rulebook {rulebook.year} ({rulebook.title}) · as of {report.as_of}"]
    if report.as_of_note:
        lines.append(f"  note: {report.as_of_note}")
    verdicts = ", ".join(f"{c.id} {c.verdict.replace('_', ' ')}" for c in report.categories)
    lines.append(f"  verdicts: {verdicts}")
    if report.programs:
        lines.append("  programs: " + ", ".join(f"{p.id} {verdict_words(p)}" for p in report.programs))
    if report.score is not None:
        lines.append(f"  CRS: {_score_headline(report.score)}")
    cited: dict[str, ir.SourceRef] = {}
    for category in report.categories:
        lines.append("")
        lines.extend(_explanation_lines(category.explanation, 0, cited, category.id, category))
    for program in report.programs:
        lines.append("")
        lines.extend(_explanation_lines(program.explanation, 0, cited, program.id, program))
    if report.score is not None and report.score.sections:
        lines.append("")
        lines.append(f"CRS breakdown: {_score_headline(report.score)}")
        for section in report.score.sections:
            lines.extend(_explanation_lines(section.explanation, 1, cited, section.id))
    if cited:
        lines.append("")
        lines.append("Sources")
        for source in sorted(cited.values(), key=lambda s: s.id):
            standing = source_standing(source)
            lines.append(f"  [{source.id}] {source.title}" + (f" ({standing})" if standing else ""))
            lines.append(f"      {source.url}")
    return "\n".join(lines)


def _score_headline(score: ScoreReport) -> str:
    """`472 points (title, computed)`; a lower bound reads `at least 472 points (title, computed): the high-wage
    occupation points in force from 2026-11-03 are not encoded`."""
    total = "undetermined" if score.total is None else f"{score.total} points"
    if score.version == "given":
        return f"{total} (given in the profile)"
    note = score.bound_note
    if note is not None:
        return f"at least {total} ({score.title}, computed): {note}"
    return f"{total} ({score.title}, computed)"



def _explanation_lines(node: Explanation, depth: int, cited: dict[str, ir.SourceRef],
                       category_id: str | None = None, shown: CategoryReport | None = None) -> list[str]:
    indent = "  " * depth
    head = f"{indent}{_mark(node.outcome)} {node.label}"
    if category_id is not None:
        head = f"{indent}{_mark(node.outcome)} {node.label} [{category_id}]: {node.detail}"
        if shown is not None and shown.given:
            head = f"{indent}{verdict_mark(shown)} {node.label} [{category_id}]: {verdict_words(shown)}"

    elif node.kind == "check" and node.detail:
        head = f"{indent}{_mark(node.outcome)} {node.detail}"
    elif node.detail:
        head += f" — {node.detail}"
    lines = [head]
    note = shown.note if shown is not None and category_id is not None else None
    if note is not None:
        lines.append(f"{indent}    ({note})")
    references = []
    if node.rule and category_id is None:
        references.append(node.rule)
    if node.cites:
        references.append("cite " + ", ".join(c.id for c in node.cites))
        for source in node.cites:
            cited[source.id] = source
    if node.source:
        references.append(node.source)
    if references:
        lines.append(f"{indent}    ({'; '.join(references)})")
    for fact in node.facts:
        given = " (given in the profile)" if fact.given else ""
        value = "missing" if fact.missing else fact.value
        lines.append(f"{indent}    · {fact.path} = {value}{given}")
    if category_id is not None and node.outcome not in (HOLDS, FAILS):
        missing = node.missing
        if missing:
            lines.append(f"{indent}    missing facts: {', '.join(missing)}")
    for child in node.children:
        lines.extend(_explanation_lines(child, depth + 1, cited))
    return lines


def _brief_text(report: ProfileReport) -> str:
    """A screenful: each verdict, what decided it (the conditions that failed or lacked a fact, with their margins
    and the facts they read), the programs and the CRS by section."""
    rulebook = report.rulebook
    lines = [f"Profile {report.profile} · rulebook {rulebook.year} ({rulebook.title}) · as of {report.as_of}"]
    if report.as_of_note:
        lines.append(f"  note: {report.as_of_note}")
    if report.score is not None:
        lines.append(f"  CRS: {_score_headline(report.score)}")
        if report.score.sections:
            lines.append("  CRS by section: " + ", ".join(
                f"{s.id} {'undetermined' if s.points is None else s.points}" for s in report.score.sections))
    for heading, verdicts in (("Categories", report.categories), ("Programs", report.programs)):
        if not verdicts:
            continue
        lines.extend(["", heading])
        for verdict in verdicts:
            lines.extend(_brief_verdict_lines(verdict))
    lines.extend(["", "(--explain full shows every condition with its facts and sources)"])
    return "\n".join(lines)


def _brief_verdict_lines(verdict: CategoryReport) -> list[str]:
    explanation = verdict.explanation
    lines = [f"{verdict_mark(verdict)} {verdict.name} [{verdict.id}]: {verdict_words(verdict)}"]
    note = verdict.note
    if note is not None:
        lines.append(f"    ({note})")
    if verdict.given and verdict.computed is None:
        return lines
    for condition in explanation.children:
        lines.append(f"    {_mark(condition.outcome)} {condition.label}")
        for check in condition.children:
            lines.append(f"        {_mark(check.outcome)} {_check_text(check)}{_facts_text(check)}")
    if explanation.outcome not in (HOLDS, FAILS) and explanation.missing:
        lines.append(f"    missing facts: {', '.join(explanation.missing)}")
    return lines


def _check_text(node: Explanation) -> str:
    """A check as one line: a comparison reads `writing level: NCLC 6; needs NCLC 7 or more`; any other statement
    reads `its label: its value`."""
    if not node.detail:
        return node.label
    if node.kind == "check" and ": " in node.detail and node.label.startswith(node.detail.split(": ", 1)[0]):
        return node.detail  # a comparison's detail names its left side, its value and what it needs
    separator = ": " if node.kind == "check" else " — "
    return f"{node.label}{separator}{node.detail}"


def _facts_text(node: Explanation, limit: int = 3) -> str:
    facts = [f"{f.path} = {'missing' if f.missing else f.value}" for f in node.facts]
    if not facts:
        return ""
    shown = ", ".join(facts[:limit]) + (f", and {len(facts) - limit} more" if len(facts) > limit else "")
    return f" ({shown})"


# Markdown ------------------------------------------------------------------------------------------------------------


def to_markdown(reports: Iterable[ProfileReport], rejected: Iterable[ProfileInput]) -> str:
    """Every value is escaped where it is written (`engine.explain.markdown`): a profile's id, field names and
    values cannot add markup to the report."""
    parts = []
    for report in reports:
        rulebook = report.rulebook
        parts.append(f"## Profile {md.code(report.profile)}\n")
        parts.append(f"Rulebook **{md.text(rulebook.year)}** ({md.text(rulebook.title)}), as of **{report.as_of}**.\n")
        if report.as_of_note:
            parts.append(f"> {md.text(report.as_of_note)}\n")
        parts.extend(_markdown_verdicts("category", report.categories))
        if report.programs:
            parts.extend(_markdown_verdicts("program", report.programs))
        if report.score is not None:
            parts.append(f"CRS: **{md.text(_score_headline(report.score))}**.\n")
        for verdict in (*report.categories, *report.programs):
            parts.append(f"### {verdict_mark(verdict)} {md.text(verdict.name)}: {md.text(verdict_words(verdict))}\n")
            note = verdict.note
            if note is not None:
                parts.append(f"> {md.text(note[0].upper() + note[1:])}.\n")
            parts.extend(_markdown_missing(verdict.explanation))
            parts.extend(_markdown_lines(verdict.explanation.children, 0))
            parts.append("")
        if report.score is not None:
            parts.extend(_markdown_score(report.score))
    for profile in rejected:
        parts.append(f"## Not evaluated: {md.code(profile.origin)}\n")
        parts.extend(f"- {md.code(p.path)}: {md.text(p.message)}" for p in profile.problems)
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def _markdown_verdicts(kind: str, verdicts: Iterable[CategoryReport]) -> list[str]:
    lines = [f"| {kind} | verdict |", "|---|---|"]
    lines.extend(f"| {md.cell(v.name)} ({md.code(v.id)}) | {md.cell(verdict_words(v))} |" for v in verdicts)
    return [*lines, ""]


def _markdown_score(score: ScoreReport) -> list[str]:
    """The CRS: its total and version, then each section with the table row behind every factor's points."""
    total = "undetermined" if score.total is None else f"{score.total} points"
    note = score.bound_note
    lines = [f"### CRS: {'at least ' if note else ''}{total}\n"]
    if score.version == "given":
        return [*lines, "Given in the profile, so not computed.\n"]
    if note is not None:
        lines.append(f"> A lower bound: {md.text(note)}.\n")
    lines.append(f"Computed from the profile's facts with version {md.code(score.version)}: {md.text(score.title)}.\n")
    lines.append("| section | points |\n|---|---|")
    lines.extend(f"| {md.cell(s.title)} ({md.code(s.id)}) | {'undetermined' if s.points is None else s.points} |"
                 for s in score.sections)
    lines.append("")
    for section in score.sections:
        points = "undetermined" if section.points is None else f"{section.points} points"
        lines.append(f"#### {md.text(section.title)}: {points}\n")
        lines.extend(_markdown_missing(section.explanation))
        lines.extend(_markdown_lines(section.explanation.children, 0))
        lines.append("")
    return lines


def _markdown_missing(explanation: Explanation) -> list[str]:
    """An undetermined verdict or score names the facts it lacks, as the text view does."""
    if explanation.outcome in (HOLDS, FAILS) or not explanation.missing:
        return []
    return ["Missing facts: " + ", ".join(md.code(path) for path in explanation.missing) + ".\n"]


def _markdown_lines(nodes: Iterable[Explanation], depth: int) -> list[str]:
    lines = []
    for node in nodes:
        line = f"{'  ' * depth}- {_mark(node.outcome)} {md.text(node.label)}"
        if node.detail:
            line += f" — {md.text(node.detail)}"
        extras = []
        if node.cites:
            extras.append(", ".join(md.link(c.id, c.url) for c in node.cites))
        if node.source:
            extras.append(md.code(node.source))
        if extras:
            line += f" ({'; '.join(extras)})"
        lines.append(line)
        lines.extend(_markdown_lines(node.children, depth + 1))
    return lines
