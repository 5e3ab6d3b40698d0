"""`rules show`: a compiled rulebook as a reader sees it, and the plain-language form of each category's rule."""

from __future__ import annotations

from typing import Any

from engine import ir
from engine.explain.standing import source_json, source_standing, verdict_note
from engine.ir import wording
from engine.ir.visitor import Visitor


def plain_rule(node: ir.Node) -> str:
    """A category's condition in words, naming each definition by its description. Descriptions are sentences, so
    the parts of an `and` or an `or` are numbered rather than run together ("...; and At least 6 months")."""
    return node.accept(_PlainRule())


class _PlainRule(Visitor[str]):
    """A condition in words: connectives, definitions by their description, comparisons with their operands. What a
    category's condition holds at its top is a connective, a definition or a comparison; anything else points the
    reader to the rule text."""

    def all_of(self, node: ir.AllOf) -> str:
        return "all of these: " + "; ".join(f"({n}) {o.accept(self)}" for n, o in enumerate(node.operands, 1))

    def any_of(self, node: ir.AnyOf) -> str:
        return "one of these: " + "; ".join(f"({n}) {o.accept(self)}" for n, o in enumerate(node.operands, 1))

    def not_(self, node: ir.Not) -> str:
        return "not: " + node.operand.accept(self)

    def rule_call(self, node: ir.RuleCall) -> str:
        text = node.rule.description or node.name.replace("_", " ")
        lists = [a.table.title for a in node.arguments if isinstance(a, ir.ListRef)]
        return text + (f" (the list: {', '.join(lists)})" if lists else "")

    def compare(self, node: ir.Compare) -> str:
        return f"{_operand(node.left)} is {wording.COMPARISON[node.operator]} {_operand(node.right)}"

    def see_the_rule_text(self, node: ir.Node) -> str:
        return "a condition (see the rule text)"

    literal = constant_ref = fact_ref = local = list_ref = field_get = window = list_node = see_the_rule_text
    builtin = table_lookup = selection = extreme = member = arithmetic = see_the_rule_text
    quantifier = otherwise = conditional = see_the_rule_text


def _operand(node: ir.Node) -> str:
    if isinstance(node, (ir.Literal, ir.ConstantRef)):
        return str(node.value) if not isinstance(node.value, tuple) else ", ".join(map(str, node.value))
    if isinstance(node, ir.FactRef):
        return node.name.replace("_", " ")
    return "a value"


def rulebook_json(rulebook: ir.Rulebook) -> dict[str, Any]:
    return {
        "rulebook": rulebook.year,
        "title": rulebook.title,
        "in_force": {"from": rulebook.in_force_from.isoformat(), "until": rulebook.in_force_until.isoformat(),
                     "end_known": rulebook.end_known},
        "sources": [source_json(s) for s in rulebook.sources.values()],
        "categories": [_category_json(c) for c in rulebook.categories],
        "pending": [pending_json(p) for p in rulebook.pending],
        "rounds": [round_json(r) for r in rulebook.rounds],
    }


def pending_json(pending: ir.Pending) -> dict[str, Any]:
    return {
        "id": pending.id,
        "title": pending.title,
        "in_force_from": pending.in_force_from.isoformat(),
        "reaches": plain_rule(pending.reaches),
        "note": pending.bound_note(),
        "cites": [c.id for c in pending.cites],
        "source": pending.span.short,
    }


def pending_text(pending: ir.Pending) -> list[str]:
    """What a pending rule is, from when, and whose score it leaves a lower bound."""
    return [f"  {pending.id}: {pending.title}, in force from {pending.in_force_from}  "
            f"(cite {', '.join(c.id for c in pending.cites)}; {pending.span.short})",
            f"    Not encoded: the content is not published. A CRS computed as of {pending.in_force_from} or later "
            f"is a lower bound where: {plain_rule(pending.reaches)}"]


def grouping_text(round_: ir.Round) -> str:
    if round_.grouping == "all":
        return "all candidates"
    return f"{round_.grouping} {round_.target}"


def round_json(round_: ir.Round) -> dict[str, Any]:
    return {
        "round": round_.number,
        "title": round_.title,
        "held": round_.held.isoformat().replace("+00:00", "Z"),
        "grouping": round_.grouping,
        "target": round_.target,
        "instructions": round_.instructions,
        "invitations": round_.invitations,
        "lowest_crs": round_.lowest_crs,
        "tie_break": round_.tie_break.strftime("%Y-%m-%dT%H:%M:%SZ") if round_.tie_break else None,
        "cites": [c.id for c in round_.cites],
        "source": round_.span.short,
    }


def _category_json(category: ir.Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "rule": plain_rule(category.condition),
        "cites": [c.id for c in category.cites],
        **({"confidence": category.confidence} if category.confidence is not None else {}),
        **({"third_party_sources": [c.id for c in category.third_party]} if category.third_party else {}),
        "source": category.span.short,
        "occupations": [
            {"noc": o.code, "title": o.title, "teer": o.teer}
            for table in category.occupation_lists for o in table.occupations
        ],
    }


def rulebook_text(rulebook: ir.Rulebook) -> str:
    lines = [f"Rulebook {rulebook.year}: {rulebook.title}",
             f"In force {rulebook.period_text()}", "", "Sources"]
    round_pages = rulebook.round_pages()
    for source in rulebook.sources.values():
        if source.id in round_pages:
            continue
        standing = source_standing(source)
        lines.append(f"  [{source.id}] {source.title}" + (f" ({standing})" if standing else ""))
        lines.append(f"      {source.url}")
    if round_pages:
        lines.append(f"  and {len(round_pages)} pages of round data, one cited by each round (--format json lists "
                     f"them)")
    for category in rulebook.categories:
        lines.append("")
        lines.append(f"Category {category.id}: {category.name}  (cite {', '.join(c.id for c in category.cites)}; "
                     f"{category.span.short})")
        note = verdict_note(category.third_party, category.confidence)
        if note is not None:
            lines.append(f"  {note[0].upper()}{note[1:]}")
        lines.extend(_rule_lines(category.condition))
        occupations = [o for table in category.occupation_lists for o in table.occupations]
        if occupations:
            lines.append(f"  Occupations ({len(occupations)}):")
            lines.extend(f"    {o.code}  TEER {o.teer}  {o.title}" for o in occupations)
    if rulebook.pending:
        lines.extend(["", "Pending rules (known to exist, not encoded)"])
        for pending in rulebook.pending:
            lines.extend(pending_text(pending))
    if rulebook.rounds:
        lines.extend(["", f"Rounds of invitations ({len(rulebook.rounds)})"])
        lines.extend(_round_line(r) for r in rulebook.rounds)
    return "\n".join(lines)


def _rule_lines(condition: ir.Node) -> list[str]:
    """`Rule: all of these:` and one line per part, or the rule on one line when it has a single part."""
    if isinstance(condition, (ir.AllOf, ir.AnyOf)):
        heading = "all of these" if isinstance(condition, ir.AllOf) else "one of these"
        return [f"  Rule: {heading}:", *(f"    - {plain_rule(operand)}" for operand in condition.operands)]
    return [f"  Rule: {plain_rule(condition)}"]


def _round_line(round_: ir.Round) -> str:
    outcome = ""
    if round_.lowest_crs is not None and round_.tie_break is not None:
        outcome = f"  lowest CRS {round_.lowest_crs}, tie-break {round_.tie_break:%Y-%m-%dT%H:%M:%SZ}"
    return (f"  {round_.number}  {round_.held_on}  {grouping_text(round_):<22} {round_.invitations:>6,} invited"
            f"{outcome}  (cite {', '.join(c.id for c in round_.cites)})")
