"""Compiled rulebooks rendered as Markdown pages for the documentation website.

The website is built from the rule files every time (a MkDocs hook calls `render_site`), so what readers see can
never drift from what the engine runs. Everything here is pure: rulebooks, rounds and source texts in, a mapping of
page path to page text out, plus the navigation. MkDocs is not imported, so the pages can be tested without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import click

from dsl.span import Span
from dsl.standing import shown as shown_level
from engine import ir
from engine.diff.policy import policy_changes
from engine.diff.rule_diff import RuleChange
from engine.diff.rulebook_diff import (
    ADDED,
    CITATIONS_CHANGED,
    REMOVED,
    UNCHANGED,
    CategoryDiff,
    RoundsDiff,
    RulebookDiff,
    SourceChange,
    compare,
)
from engine.docs.chart import cutoff_chart
from engine.explain.show import plain_rule
from engine.explain.standing import source_standing, third_party_note, verdict_note
from engine.ir.visitor import walk

NavItem = str | dict[str, "list[NavItem] | str"]


@dataclass(frozen=True, slots=True)
class Site:
    """Generated files (Markdown pages and SVG charts) keyed by their path in the docs folder, and the nav."""

    pages: dict[str, str]
    nav: list[NavItem]


@dataclass(frozen=True, slots=True)
class SiteInput:
    """What the website is made of: the rulebooks (with their rounds), the rule files' text, the CLI."""

    rulebooks: Sequence[ir.Rulebook]
    source_texts: Mapping[str, str] = field(default_factory=dict)
    cli: click.Group | None = None
    guides_nav: Sequence[NavItem] = ()
    reference_nav: Sequence[NavItem] = ()


def render_site(site: SiteInput) -> Site:
    """Every generated page of the website, and a nav that lists the hand-written pages around them."""
    rulebooks = sorted(site.rulebooks, key=lambda r: r.year)
    pages: dict[str, str] = {"index.md": home_page(rulebooks)}
    years_nav: list[NavItem] = []
    diffs = {new.year: compare(old, new, rulebooks[:index])
             for index, (old, new) in enumerate(zip(rulebooks, rulebooks[1:], strict=False))}
    for index, rulebook in enumerate(rulebooks):
        previous = rulebooks[index - 1] if index > 0 else None
        diff = diffs.get(rulebook.year)
        pages[f"years/{rulebook.year}/index.md"] = year_page(rulebook, previous)
        year_nav: list[NavItem] = [{"Overview": f"years/{rulebook.year}/index.md"}]
        for category in rulebook.categories:
            held = rounds_held(rulebook, category)
            path = f"years/{rulebook.year}/{category.id}.md"
            pages[path] = category_page(rulebook, category, previous, held, site.source_texts, diff)
            if any(r.lowest_crs is not None for r in held):
                pages[f"years/{rulebook.year}/{category.id}-rounds.svg"] = cutoff_chart(
                    f"Lowest CRS invited, {category.name} ({rulebook.year})", held,
                    min(rulebook.in_force_from, held[0].held_on), max(rulebook.in_force_until, held[-1].held_on))
            year_nav.append({category.name: path})
        years_nav.append({rulebook.year: year_nav})
    changes_nav: list[NavItem] = []
    for old, new in zip(rulebooks, rulebooks[1:], strict=False):
        path = f"changes/{old.year}-{new.year}.md"
        pages[path] = changes_page(old, new, diffs[new.year])
        changes_nav.append({f"{old.year} to {new.year}": path})
    reference_nav: list[NavItem] = list(site.reference_nav)
    if site.cli is not None:
        pages["reference/cli.md"] = cli_page(site.cli)
        reference_nav.append({"Command line": "reference/cli.md"})
    nav: list[NavItem] = [{"Home": "index.md"}, *site.guides_nav, {"Rulebooks": years_nav}]
    if changes_nav:
        nav.append({"Changes": changes_nav})
    if reference_nav:
        nav.append({"Reference": reference_nav})
    return Site(pages, nav)


# --- pages -----------------------------------------------------------------------------------------------------------


def home_page(rulebooks: Sequence[ir.Rulebook]) -> str:
    lines = [
        "# Express Entry category-based selection, as rules",
        "",
        "This website is generated from the rule files of the project at every build: the categories, occupation "
        "lists, definitions and citations below are exactly what the engine evaluates, and cannot drift from it.",
        "",
        "The project is a small rules language, a compiler and an explaining engine for the categories of Canada's "
        "Express Entry system. Given a candidate's profile (work history, language tests, programs), it says for "
        "each category whether the candidate is **eligible**, **not eligible** or **undetermined** (a fact is "
        "missing), and explains why, citing the official source of every rule.",
        "",
        "## Start here",
        "",
        "```console",
        "$ make test                # installs everything into .venv and runs the tests",
        "$ .venv/bin/rules show --year 2025",
        "$ .venv/bin/rules eval examples/profiles/*.yaml --year 2025 --as-of 2025-06-01",
        "```",
        "",
        "- Analysts writing rules: follow the [tutorial](tutorial.md), then keep the "
        "[language reference](reference/language.md) at hand.",
        "- Every command and option: the [command-line reference](reference/cli.md).",
        "- Candidates and other services: `rules serve` answers over HTTP, with an eligibility page where a candidate "
        "fills in a form and reads every verdict and why ([running the server](serving.md)).",
        "",
        "## Rulebooks",
        "",
        "| Year | Title | In force | Categories |",
        "|---|---|---|---|",
    ]
    for rulebook in rulebooks:
        names = ", ".join(f"[{_cell(c.name)}](years/{rulebook.year}/{c.id}.md)" for c in rulebook.categories)
        lines.append(f"| [{rulebook.year}](years/{rulebook.year}/index.md) | {_cell(rulebook.title)} | "
                     f"{_period(rulebook)} | {names} |")
    pairs = list(zip(rulebooks, rulebooks[1:], strict=False))
    if pairs:
        lines += ["", "## What changed", ""]
        lines += [f"- [{old.year} to {new.year}](changes/{old.year}-{new.year}.md)" for old, new in pairs]
    return "\n".join(lines) + "\n"


def year_page(rulebook: ir.Rulebook, previous: ir.Rulebook | None) -> str:
    lines = [
        f"# {rulebook.year}: {rulebook.title}",
        "",
        f"**In force:** {_period(rulebook)}  ",
        f"**Rule files:** `{rulebook.folder}`  ",
        f"**Cites:** {_cite_links(rulebook.cites)}",
        "",
        "## Categories",
        "",
        "| Category | Id | Listed occupations | Rounds held | Lowest CRS invited | Rests on | Confidence |",
        "|---|---|---|---|---|---|---|",
    ]
    for category in rulebook.categories:
        held = rounds_held(rulebook, category)
        count = sum(len(t.occupations) for t in category.occupation_lists)
        scores = [r.lowest_crs for r in held if r.lowest_crs is not None]
        score_range = _score_range(scores) if scores else "no round" if not held else "not published"
        resting = "third-party sources" if category.third_party else "official sources"
        confidence = shown_level(category.confidence) if category.confidence is not None else "not stated"
        lines.append(f"| [{_cell(category.name)}]({category.id}.md) | `{category.id}` | "
                     f"{count if category.occupation_lists else 'no list'} | {len(held)} | {score_range} | "
                     f"{resting} | {confidence} |")
    if rulebook.programs:
        lines += ["", "## Programs of the pool", "",
                  "A candidate is in the Express Entry pool through one of these programs; explanations show which.",
                  "",
                  "| Program | Id | Eligible when | Defined in | Cites |", "|---|---|---|---|---|"]
        lines += [f"| {_cell(p.name)} | `{p.id}` | {_cell(plain_rule(p.condition))} | `{p.span.short}` | "
                  f"{_cite_links(p.cites)} |" for p in rulebook.programs]
    round_pages = {c.id for r in rulebook.rounds for c in r.cites}
    if rulebook.pending:
        lines += ["", "## Known to exist, not encoded", "",
                  "Rules in force during this rulebook whose content is not published. From its date, a CRS computed "
                  "for a profile the rule could reach is a lower bound.", "",
                  "| Rule | In force from | Could reach | Cites |", "|---|---|---|---|"]
        lines += [f"| {_cell(p.title)} (`{p.id}`) | {_day(p.in_force_from)} | {_cell(plain_rule(p.reaches))} | "
                  f"{_cite_links(p.cites)} |" for p in rulebook.pending]
    lines += ["", "## Sources", "",
              "Standing: *official* is the government's own text; *third-party* is anything else (a transcription, "
              "a report, someone else's code).", "", "| Id | Source | Standing |", "|---|---|---|"]
    lines += [f"| `{s.id}` | {_cite_link(s)} | {_standing_cell(s)} |" for s in rulebook.sources.values()
              if s.id not in round_pages]
    if round_pages:
        lines += ["", f"Each round also cites its own page of the published round results ({len(round_pages)} pages, "
                      "linked from the rounds table below)."]
    if rulebook.constants:
        lines += ["", "## Named values", "", "| Name | Value | Meaning | Cites |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {_cell(c.text)} | {_cell(c.description or '')} | {_cite_links(c.cites)} |"
                  for c in rulebook.constants.values()]
    if rulebook.rounds:
        lines += ["", "## Rounds of invitations", "",
                  f"{len(rulebook.rounds)} rounds declared in the rulebook, with their published results.", "",
                  "| Round | Held | Drew from | Invitations | Lowest CRS invited | Tie-break (UTC) |",
                  "|---|---|---|---|---|---|"]
        for declared in sorted(rulebook.rounds, key=lambda r: (r.held_on, r.number)):
            row = _round_row(declared).split(" | ")
            lines.append(" | ".join([row[0], row[1], _grouping(declared), *row[2:5]]) + " |")
    if previous is not None:
        lines += ["", f"## Changes from {previous.year}", "",
                  f"See [what changed from {previous.year} to {rulebook.year}]"
                  f"(../../changes/{previous.year}-{rulebook.year}.md)."]
    return "\n".join(lines) + "\n"


def category_page(rulebook: ir.Rulebook, category: ir.Category, previous: ir.Rulebook | None,
                  held: Sequence[ir.Round], source_texts: Mapping[str, str], diff: RulebookDiff | None = None) -> str:
    rules_used = definitions_used(category.condition)
    lines = [
        f"# {category.name} ({rulebook.year})",
        "",
        f"**Category id:** `{category.id}`  ",
        f"**Rulebook:** [{rulebook.year}](index.md), in force {_period(rulebook)}  ",
        f"**Defined in:** `{category.span.short}`  ",
        f"**Cites:** {_cite_links(category.cites)}",
        "",
        *_third_party_lines(category),
        "## The rule in plain language",
        "",
        *plain_rule_lines(category.condition),
        "",
    ]
    if rules_used:
        lines += ["| Definition | Meaning | Cites |", "|---|---|---|"]
        lines += [f"| `{r.name}` | {_cell(_oneline(r.description or ''))} | {_cite_links(r.cites)} |"
                  for r in rules_used]
        lines.append("")
    constants = constants_used(category.condition)
    if constants:
        lines += ["Named values it uses:", "", "| Name | Value | Meaning | Cites |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {_cell(c.text)} | {_cell(c.description or '')} | {_cite_links(c.cites)} |"
                  for c in constants]
        lines.append("")
    lines += ["## The rule as written", "", f"`{category.span.short}`", "", "```rules", category.source_text, "```", ""]
    for rule in rules_used:
        text = _span_text(source_texts, rule.span)
        if text:
            lines += [f"`{rule.span.short}`", "", "```rules", text, "```", ""]
    lines += _occupations_section(category)
    lines += _sources_section(category, rules_used, constants)
    lines += _rounds_section(rulebook, category, held)
    if previous is not None and diff is None:
        diff = compare(previous, rulebook)
    lines += _previous_year_section(rulebook, category, previous, diff)
    return "\n".join(lines).rstrip("\n") + "\n"


def _back(category: CategoryDiff) -> str:
    """`; back: last in [2024](../years/2024/index.md), 10 occupations then` for a category an earlier year had."""
    seen = category.last_seen
    if seen is None:
        return ""
    return f"; back: last in [{seen.year}](../years/{seen.year}/index.md), {seen.occupation_count} occupations then"


def changes_page(old: ir.Rulebook, new: ir.Rulebook, diff: RulebookDiff | None = None) -> str:
    """What changed between two consecutive rulebooks, from `engine.diff.rulebook_diff`: categories, rules,
    occupations, values."""
    diff = diff or compare(old, new)
    added, removed = diff.with_status(ADDED), diff.with_status(REMOVED)
    renamed = [c for c in diff.categories if c.renamed]
    lines = [
        f"# What changed from {old.year} to {new.year}",
        "",
        "Compared from the two compiled rulebooks, not their text (the same comparison as "
        f"`rules diff {old.year} {new.year}`): categories matched by id, then by name; occupations by NOC code; "
        "rules by their meaning, so reformatting or renaming is not a change.",
        "",
        f"| | {old.year} | {new.year} |",
        "|---|---|---|",
        f"| Title | {_cell(old.title)} | {_cell(new.title)} |",
        f"| In force | {_period(old)} | {_period(new)} |",
        f"| Categories | {len(old.categories)} | {len(new.categories)} |",
        "",
        "## In policy terms",
        "",
        *(f"- {_cell(change.text)}" for change in policy_changes(diff)),
        "",
        "## Categories",
        "",
    ]
    lines += [f"- **Added:** [{_cell(c.name)}](../years/{new.year}/{c.new_id}.md) (`{c.new_id}`, "
              f"{c.new_occupation_count} occupations{_back(c)})" for c in added]
    lines += [f"- **Removed:** [{_cell(c.name)}](../years/{old.year}/{c.old_id}.md) (`{c.old_id}`, "
              f"{c.old_occupation_count} occupations)" for c in removed]
    lines += [f"- **Renamed:** `{c.new_id}`: {_cell(c.old_name or '')} → {_cell(c.new_name or '')}" for c in renamed]
    if not (added or removed or renamed):
        lines.append("No category was added, removed or renamed.")
    lines.append("")
    old_categories, new_categories = {c.id: c for c in old.categories}, {c.id: c for c in new.categories}
    for category in diff.categories:
        if category.old_id is None or category.new_id is None:
            continue
        lines += [f"## {category.name}", ""]
        lines += category_changes(old, new, category, link_prefix="../years/")
        lines += [f"**Rounds held:** {old.year}: "
                  f"{_rounds_summary(rounds_held(old, old_categories[category.old_id]))}; {new.year}: "
                  f"{_rounds_summary(rounds_held(new, new_categories[category.new_id]))}", ""]
    lines += _rounds_changes(old, new, diff.rounds)
    lines += _value_changes(old, new)
    lines += _source_changes(old, new, diff.sources)
    return "\n".join(lines).rstrip("\n") + "\n"


def _rounds_changes(old: ir.Rulebook, new: ir.Rulebook, rounds: Sequence[RoundsDiff]) -> list[str]:
    """Every grouping's rounds side by side, as `rules diff` compares them (programs and all candidates too)."""
    if not rounds:
        return []
    lines = ["## Rounds held", "", f"Every round each year held, per grouping: {old.year} → {new.year}.", "",
             "| Grouping | Rounds | Invitations | Lowest CRS invited |", "|---|---|---|---|"]
    for held in rounds:
        name = "all candidates" if held.grouping == "all" else f"{held.grouping}: {held.name} (`{held.id}`)"
        lines.append(f"| {_cell(name)} | {held.old.count} → {held.new.count} | "
                     f"{held.old.invitations:,} → {held.new.invitations:,} | {held.old.cutoff} → {held.new.cutoff} |")
    return lines + [""]


def category_changes(old: ir.Rulebook, new: ir.Rulebook, category: CategoryDiff, link_prefix: str) -> list[str]:
    """The changes of one category between two rulebooks, as Markdown lines (no change said in words)."""
    lines = [f"[{old.year}]({link_prefix}{old.year}/{category.old_id}.md) · "
             f"[{new.year}]({link_prefix}{new.year}/{category.new_id}.md)", ""]
    if category.rule_changes:
        lines += ["**Rule changes:**", ""]
        lines += [f"- {_rule_change(change)}" for change in category.rule_changes]
        lines.append("")
    if category.old_occupation_count or category.new_occupation_count:
        lines += [f"**Occupations:** {category.old_occupation_count} → {category.new_occupation_count} "
                  f"({len(category.occupations_added)} added, {len(category.occupations_removed)} removed, "
                  f"{len(category.teer_changes)} TEER changes)", ""]
    rows = [("added", o, str(o.teer)) for o in category.occupations_added]
    rows += [("removed", o, str(o.teer)) for o in category.occupations_removed]
    rows += [("TEER changed", o, f"{o.old_teer} → {o.teer}") for o in category.teer_changes]
    rows += [("title changed", o, str(o.teer)) for o in category.title_changes]
    if rows:
        with_moves = any(occupation.moved for _, occupation, _ in rows)
        lines += ["| Change | Code | Title | TEER |" + (" Moved |" if with_moves else ""),
                  "|---|---|---|---|" + ("---|" if with_moves else "")]
        for change, occupation, teer in rows:
            title = _cell(occupation.title)
            if occupation.old_title is not None:
                title = f"{_cell(occupation.old_title)} → {title}"
            moved = f" {_moved(occupation.moved, f'{link_prefix}{new.year}')} |" if with_moves else ""
            lines.append(f"| {change} | {noc_link(occupation.code)} | {title} | {teer} |{moved}")
        lines.append("")
    if category.cites_changed:
        lines += [f"**Cites:** {', '.join(category.old_cites)} → {', '.join(category.new_cites)}", ""]
    if category.confidence_changed:
        lines += [f"**Confidence:** {shown_level(category.old_confidence or 'not stated')} → "
                  f"{shown_level(category.new_confidence or 'not stated')}", ""]
    if category.status in (UNCHANGED, CITATIONS_CHANGED):
        lines += ["No change in the rule or the occupations.", ""]
    return lines


def _rule_change(change: RuleChange) -> str:
    within = f", in `{change.definition}`" if change.definition else ""
    if change.kind == ADDED:
        return f"{_cell(change.what)} (new): {_cell(change.new or '')} (`{change.new_source}`{within})"
    if change.kind == REMOVED:
        return f"{_cell(change.what)} (dropped): {_cell(change.old or '')} (`{change.old_source}`{within})"
    return (f"{_cell(change.what)}: {_cell(change.old or '')} → {_cell(change.new or '')} "
            f"(`{change.old_source}` → `{change.new_source}`{within})")


def _moved(moved: str | None, new_year_folder: str) -> str:
    """`to education` (linked to its page), `from healthcare`: where an occupation went, or came from."""
    if not moved:
        return ""
    direction, _, other = moved.partition(" ")
    return f"{direction} [`{other}`]({new_year_folder}/{other}.md)" if direction == "to" else f"{direction} `{other}`"


def cli_page(group: click.Group) -> str:
    """Every command of the command line with its `--help`, taken from the click commands themselves."""
    root = group.make_context("rules", [], resilient_parsing=True, terminal_width=100, max_content_width=100)
    lines = ["# Command-line reference", "",
             "Generated from the `rules` command itself at every build, so it always matches the installed tool.",
             "", "## rules", "", "```text", group.get_help(root), "```", ""]
    for name, command, context in _commands(group, root):
        lines += [f"## {name}", "", _oneline(command.get_short_help_str(limit=200)), "", "```text",
                  command.get_help(context), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _commands(group: click.Group, parent: click.Context) -> Iterator[tuple[str, click.Command, click.Context]]:
    for name in group.list_commands(parent):
        command = group.get_command(parent, name)
        if command is None or command.hidden:
            continue
        context = command.make_context(name, [], parent=parent, resilient_parsing=True)
        yield context.command_path, command, context
        if isinstance(command, click.Group):
            yield from _commands(command, context)


def plain_rule_lines(condition: ir.Node) -> list[str]:
    """The condition in words: one bullet per requirement when several must all hold."""
    if isinstance(condition, ir.AllOf):
        return ["A candidate is eligible when all of these hold:", "",
                *(f"- {_sentence(plain_rule(operand))}" for operand in condition.operands)]
    return [f"A candidate is eligible when: {plain_rule(condition)}."]


# --- what a category uses --------------------------------------------------------------------------------------------


def definitions_used(condition: ir.Node) -> list[ir.Rule]:
    """The named definitions a condition names itself, in the order written. Definitions they use in turn are left
    out: pool membership alone reaches the programs and the whole points grid, which belong to pages of their own."""
    calls = sorted((n for n in walk(condition) if isinstance(n, ir.RuleCall)),
                   key=lambda n: (n.span.file, n.span.line, n.span.column))
    return list({call.name: call.rule for call in calls}.values())


def constants_used(condition: ir.Node) -> list[ir.ConstantRef]:
    roots = [condition, *(r.body for r in definitions_used(condition))]
    found: dict[str, ir.ConstantRef] = {}
    for root in roots:
        for node in walk(root):
            if isinstance(node, ir.ConstantRef):
                found.setdefault(node.name, node)
    return sorted(found.values(), key=lambda c: (c.span.file, c.span.line))


def rounds_held(rulebook: ir.Rulebook, category: ir.Category) -> list[ir.Round]:
    """The rounds of the rulebook that drew from this category, oldest first."""
    return sorted((r for r in rulebook.rounds if r.category is not None and r.category.id == category.id),
                  key=lambda r: (r.held_on, r.number))


# --- sections --------------------------------------------------------------------------------------------------------


def _occupations_section(category: ir.Category) -> list[str]:
    lines = ["## Occupations", ""]
    if not category.occupation_lists:
        return lines + ["This category has no occupation list.", ""]
    for table in category.occupation_lists:
        lines += [
            f"**{_cell(table.title)}** (`{table.name}`, {len(table.occupations)} occupations, "
            f"cites {_cite_links(table.cites)}; `{table.span.short}`)",
            "",
            '<div class="occupations" markdown>',
            "",
            '<input type="search" class="occupations-filter" placeholder="Filter by code, title or TEER" '
            'aria-label="Filter the occupations" hidden>',
            "",
            "| Code | Title | TEER |",
            "|---|---|---|",
        ]
        lines += [f"| {noc_link(o.code)} | {_cell(o.title)} | {o.teer} |" for o in table.occupations]
        lines += ["", "</div>", ""]
    return lines


def _sources_section(category: ir.Category, rules_used: Sequence[ir.Rule],
                     constants: Sequence[ir.ConstantRef]) -> list[str]:
    cited: dict[str, tuple[ir.SourceRef, list[str]]] = {}

    def note(sources: Sequence[ir.SourceRef], what: str) -> None:
        for source in sources:
            entry = cited.setdefault(source.id, (source, []))
            if what not in entry[1]:
                entry[1].append(what)

    note(category.cites, "the category")
    for table in category.occupation_lists:
        note(table.cites, f"the list `{table.name}`")
    for rule in rules_used:
        note(rule.cites, f"`{rule.name}`")
    for constant in constants:
        note(constant.cites, f"`{constant.name}`")
    lines = ["## Sources", "", "| Source | Standing | Cited for |", "|---|---|---|"]
    lines += [f"| {_cite_link(source)} | {_standing_cell(source)} | {', '.join(whats)} |"
              for source, whats in cited.values()]
    return lines + [""]


def _third_party_lines(category: ir.Category) -> list[str]:
    """A category written with a confidence below high, or resting on third-party sources, says so before its rule,
    as every view of a verdict does."""
    lines = []
    if verdict_note((), category.confidence) is not None:
        assert category.confidence is not None
        lines += [f"**Confidence:** the rule files give this category as written confidence "
                  f"{shown_level(category.confidence)}: its list or conditions are known less surely than a text read "
                  f"directly from the government would be.", ""]
    note = third_party_note(category.third_party)
    if note is not None:
        lines += [f"**Standing:** this category {_cell(note)}; its verdicts follow the law as others report it, not "
                  f"the government's own text.", ""]
    return lines


def _standing_cell(source: ir.SourceRef) -> str:
    return _cell(source_standing(source) or "not stated")


def _rounds_section(rulebook: ir.Rulebook, category: ir.Category, held: Sequence[ir.Round]) -> list[str]:
    lines = ["## Rounds held", ""]
    if not held:
        return lines + [f"The {rulebook.year} rulebook declares no round of invitations for this category.", ""]
    invited = sum(r.invitations for r in held)
    lines += [f"{len(held)} round{'s' if len(held) != 1 else ''}, {invited:,} invitations in all, as declared in the "
              f"rulebook's `round`s with their published results.", ""]
    if any(r.lowest_crs is not None for r in held):
        lines += [f"![Lowest CRS invited in each {_cell(category.name)} round]({category.id}-rounds.svg)", ""]
    lines += ["| Round | Held | Invitations | Lowest CRS invited | Tie-break (UTC) | Declared in |",
              "|---|---|---|---|---|---|"]
    lines += [_round_row(r) for r in held]
    return lines + [""]


def _round_row(held: ir.Round) -> str:
    number = f"[{held.number}]({held.cites[0].url})" if held.cites and held.cites[0].url else str(held.number)
    tie_break = held.tie_break.strftime("%Y-%m-%d %H:%M:%S") if held.tie_break else ""
    lowest = str(held.lowest_crs) if held.lowest_crs is not None else "not published"
    return (f"| {number} | {held.held_on} | {held.invitations:,} | {lowest} | {tie_break} | "
            f"`{held.span.short}` |")


def _grouping(held: ir.Round) -> str:
    if held.category is not None:
        return f"category: [{_cell(held.category.name)}]({held.category.id}.md)"
    if held.grouping == "program" and held.target:
        return f"program: `{held.target}`"
    return "all candidates"


def _previous_year_section(rulebook: ir.Rulebook, category: ir.Category, previous: ir.Rulebook | None,
                           diff: RulebookDiff | None) -> list[str]:
    if previous is None or diff is None:
        return []
    lines = [f"## Changes from {previous.year}", ""]
    change = next((c for c in diff.categories if c.new_id == category.id), None)
    if change is None or change.old_id is None:
        lines += [f"New in {rulebook.year}: the {previous.year} rulebook has no such category.", ""]
    else:
        if change.renamed:
            lines += [f"**Renamed:** {_cell(change.old_name or '')} → {_cell(change.new_name or '')}", ""]
        lines += category_changes(previous, rulebook, change, link_prefix="../")
    lines += [f"All changes: [{previous.year} to {rulebook.year}]"
              f"(../../changes/{previous.year}-{rulebook.year}.md).", ""]
    return lines


def _rounds_summary(held: Sequence[ir.Round]) -> str:
    if not held:
        return "none"
    scores = [r.lowest_crs for r in held if r.lowest_crs is not None]
    if not scores:
        return f"{len(held)} round{'s' if len(held) != 1 else ''}, {sum(r.invitations for r in held):,} invitations"
    return (f"{len(held)} round{'s' if len(held) != 1 else ''}, {sum(r.invitations for r in held):,} invitations, "
            f"lowest CRS invited {_score_range(scores)}")


def _score_range(scores: Sequence[int]) -> str:
    return str(scores[0]) if min(scores) == max(scores) else f"{min(scores)} to {max(scores)}"


def _value_changes(old: ir.Rulebook, new: ir.Rulebook) -> list[str]:
    names = sorted(set(old.constants) | set(new.constants))
    rows = []
    for name in names:
        before, after = old.constants.get(name), new.constants.get(name)
        if before is None or after is None or before.text != after.text:
            rows.append(f"| `{name}` | {_cell(before.text) if before else 'not defined'} | "
                        f"{_cell(after.text) if after else 'not defined'} |")
    lines = ["## Named values", ""]
    if not rows:
        return lines + ["Every named value is the same in both years.", ""]
    return lines + [f"| Name | {old.year} | {new.year} |", "|---|---|---|", *rows, ""]


def _source_changes(old: ir.Rulebook, new: ir.Rulebook, changes: Sequence[SourceChange]) -> list[str]:
    """Sources added, dropped or retitled (matched by address); a round's own page is shown with the round."""
    round_pages = {c.url for rulebook in (old, new) for r in rulebook.rounds for c in r.cites}
    shown = [c for c in changes if c.url not in round_pages]
    words = {ADDED: "Added", REMOVED: "No longer cited"}
    lines = ["## Sources", ""]
    standing = {s.url: s for rulebook in (old, new) for s in rulebook.sources.values()}
    for change in shown:
        link = f"[{_cell(change.title)}]({change.url})"
        said = source_standing(standing[change.url]) if change.url in standing else None
        link += f" ({_cell(said)})" if said else ""
        if change.kind in words:
            lines.append(f"- **{words[change.kind]}:** {link}")
        else:
            lines.append(f"- **Retitled:** {_cell(change.old_title or '')} → {link}")
    if not shown:
        lines.append("Both years cite the same sources (apart from the pages of their rounds).")
    return lines + [""]


# --- small helpers ---------------------------------------------------------------------------------------------------


def _span_text(texts: Mapping[str, str], span: Span) -> str:
    lines = texts.get(span.file, "").splitlines()
    return "\n".join(lines[span.line - 1: span.end_line]) if lines else ""


def _period(rulebook: ir.Rulebook) -> str:
    return f"{_day(rulebook.in_force_from)} to {_day(rulebook.in_force_until)}" + \
        ("" if rulebook.end_known else " or later (the last day its facts were checked)")


def _day(day: date) -> str:
    return day.isoformat()


def _cite_link(source: ir.SourceRef) -> str:
    return f"[{_cell(source.title)}]({source.url})" if source.url else _cell(source.title)


def _cite_links(sources: Sequence[ir.SourceRef]) -> str:
    return ", ".join(_cite_link(s) for s in sources) or "none"


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _oneline(text: str) -> str:
    return " ".join(text.split())


# The official NOC 2021 page of a unit group (Employment and Social Development Canada), by its five-digit code.
NOC_PAGE = "https://noc.esdc.gc.ca/Structure/NOCProfile?GocTemplateCulture=en-CA&code={code}&version=2021.0"


def noc_link(code: str) -> str:
    """A NOC 2021 code as a link to its official page."""
    return f"[{code}]({NOC_PAGE.format(code=code)})"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or link label."""
    return _oneline(text).replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
