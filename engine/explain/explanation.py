"""Explanations: a recorded evaluation `Trace` turned into a tree of statements in policy terms.

The trace follows the rule tree node by node; an explanation keeps only what a reader needs: one line per condition
(a named rule, a comparison, a choice among alternatives), with its outcome, the margin where a comparison failed,
the facts it read (JSON paths into the profile), the rule's citations and the line of the rule file it comes from.
Values that feed a condition (a fact, a sum, a period) are folded into that condition's line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from engine import ir
from engine.eval.traced import CategoryResult, SectionResult, Trace, Verdict
from engine.ir import wording
from engine.ir.visitor import Visitor
from engine.model.facts import GIVEN_CONCLUSIONS, MISSING, Item
from engine.model.quantities import Period
from engine.model.work import OccupationTime

HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"

@dataclass(slots=True)
class Fact:
    """A fact read from the profile; its text is made only when a view asks for it. Like `Explanation`, not frozen
    only because a frozen dataclass is dearer to make; nothing changes one once made."""

    path: str
    raw: Any
    given: bool = False
    missing: bool = False

    @property
    def value(self) -> str:
        return fact_text(self.raw)


# The facts present a statement lists; the rest are counted (missing facts are always listed).
MAX_FACTS_LISTED = 20


@dataclass(frozen=True, slots=True)
class FactsNotListed:
    """How many more facts present a statement read under one root than it lists."""

    count: int


@dataclass(frozen=True, slots=True)
class Definition:
    """What a statement says because of the rule, table, category or program it explains, whatever the profile: its
    kind, label, citations and source line. The JSON document writes each once, in its `rules` table, and a statement
    then writes only what differs (a table row's own line, a label naming one column of several)."""

    name: str
    kind: str
    label: str | None
    cites: tuple[ir.SourceRef, ...] = ()
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"kind": self.kind}
        if self.label is not None:
            document["label"] = self.label
        if self.cites:
            document["cites"] = [c.id for c in self.cites]
        if self.source:
            document["source"] = self.source
        return document


@dataclass(slots=True)
class Explanation:
    """One statement. `kind` is `category`, `rule` (a named definition), `group` (and/or/not, a quantifier),
    `item` (one element a quantifier went over) or `check` (a comparison or a fact).

    `key` names a rule's statement by the rule and its arguments (`listening_level(language_tests[0])`): the same
    call explained once is one object wherever it is read, and the JSON graph refers to it by this name.
    `definition` is the rule (table, category, program) the statement explains, whose constant fields it shares.

    A statement is never changed once made (a view that shows less makes new ones with `replace`), and one object
    stands wherever a shared rule is read. It is not declared frozen only because a frozen dataclass sets each field
    through `object.__setattr__`: that made building a profile's explanations 15% dearer."""

    kind: str
    label: str
    outcome: str | None
    detail: str | None = None
    rule: str | None = None
    cites: tuple[ir.SourceRef, ...] = ()
    source: str | None = None
    facts: tuple[Fact, ...] = ()
    children: tuple[Explanation, ...] = field(default_factory=tuple)
    key: str | None = None
    definition: Definition | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """Every missing fact below this statement, in order, once each."""
        seen: dict[str, None] = {}
        for node in self.walk():
            for fact in node.facts:
                if fact.missing:
                    seen.setdefault(fact.path, None)
        return tuple(seen)

    def walk(self) -> Iterator[Explanation]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_json(self) -> dict[str, Any]:
        """The statement as one JSON tree, every statement below written where it stands (what a single
        explanation, such as a move of `rules diff --pool`, needs; a profile's report is written as a graph by
        `engine.explain.graph`)."""
        document = statement_fields(self, None, None, fact_json)
        if self.outcome == UNKNOWN and self.missing:
            document["missing"] = list(self.missing)
        if self.children:
            document["children"] = [c.to_json() for c in self.children]
        return document


def statement_fields(statement: Explanation, definition: Definition | None, implied_kind: str | None,
                     fact: Callable[[Fact], Any]) -> dict[str, Any]:
    """A statement's own fields as JSON, up to its children: those its `definition` already says (in a document's
    `rules` table) and a kind equal to `implied_kind` left out; with neither, every field. `fact` writes each fact
    read (in full, or as a path into a result's `facts` table)."""
    document: dict[str, Any] = {}
    if statement.kind != implied_kind:
        document["kind"] = statement.kind
    if definition is None or statement.label != definition.label:
        document["label"] = statement.label
    if statement.outcome is not None:
        document["outcome"] = statement.outcome
    if statement.detail:
        document["detail"] = statement.detail
    if statement.rule:
        document["rule"] = statement.rule
    if statement.cites and (definition is None or statement.cites != definition.cites):
        document["cites"] = [c.id for c in statement.cites]
    if statement.source and (definition is None or statement.source != definition.source):
        document["source"] = statement.source
    if statement.facts:
        document["facts"] = [fact(f) for f in statement.facts]
    return document


def fact_json(fact: Fact) -> dict[str, Any]:
    if fact.missing:
        return {"path": fact.path, "value": None, "missing": True}
    document: dict[str, Any] = {"path": fact.path, "value": fact_text(fact.raw)}
    if isinstance(fact.raw, FactsNotListed):
        document["not_listed"] = fact.raw.count
    if fact.given:
        document["given"] = True
    return document


def outcome_of(value: Any) -> str | None:
    """Conditions hold or fail; a quantity (points, a level) has no outcome, only its value."""
    if value is MISSING:
        return UNKNOWN
    if value is True:
        return HOLDS
    if value is False:
        return FAILS
    return None


def explain_category(result: CategoryResult, rulebook: ir.Rulebook) -> Explanation:
    return explain_results([result], rulebook)[0]


def explain_results(results: Iterable[CategoryResult], rulebook: ir.Rulebook) -> list[Explanation]:
    """Explanations of one profile's categories; a rule shared by several categories is explained once."""
    builder = _Builder(rulebook)
    return [_explain_one(result, builder) for result in results]


def explain_sections(sections: Iterable[SectionResult], rulebook: ir.Rulebook) -> list[Explanation]:
    """One statement per section of a score: its points, and every factor with the table row behind it."""
    return _explain_sections(sections, _Builder(rulebook))


def explain_profile(results: Iterable[CategoryResult], sections: Iterable[SectionResult],
                    rulebook: ir.Rulebook) -> tuple[list[Explanation], list[Explanation]]:
    """A profile's categories and programs, then its score's sections, with one builder: a rule both read (a
    language result's levels, the first official language) is explained once, and its JSON built once."""
    builder = _Builder(rulebook)
    explained = [_explain_one(result, builder) for result in results]
    builder.current_program = None
    return explained, _explain_sections(sections, builder)


def _explain_sections(sections: Iterable[SectionResult], builder: _Builder) -> list[Explanation]:
    return [Explanation(kind="section", label=s.section.title, outcome=outcome_of(s.trace.value),
                        detail=value_text(s.trace.value), rule=f"section {s.section.id}",
                        source=s.section.span.short, children=tuple(builder.lines(s.trace)))
            for s in sections]


def _explain_one(result: CategoryResult, builder: _Builder) -> Explanation:
    category = result.category
    is_program = any(category is program for program in builder.rulebook.programs)
    builder.current_program = category.id if is_program else None
    verdict_words = {Verdict.ELIGIBLE: "eligible", Verdict.NOT_ELIGIBLE: "not eligible",
                     Verdict.UNDETERMINED: "undetermined"}
    root = Explanation(
        kind="category",
        label=category.name,
        outcome=outcome_of(result.trace.value),
        detail=verdict_words[result.verdict],
        rule=f"{'program' if is_program else 'category'} {category.id}",
        cites=category.cites,
        source=category.span.short,
        children=tuple(builder.lines(result.trace)),
        definition=Definition(f"{'program' if is_program else 'category'} {category.id}", "category", category.name,
                              category.cites, category.span.short),
    )
    return root


def summarise(explanation: Explanation, limit: int = 4) -> Explanation:
    """The category and its conditions, each with only the checks that decided it."""
    children = []
    for child in explanation.children:
        deciding = [leaf for leaf in _leaves(child) if leaf.outcome == child.outcome and leaf is not child]
        unique: dict[tuple[str, str | None], Explanation] = {}
        for leaf in deciding:
            unique.setdefault((leaf.label, leaf.detail), replace(leaf, children=()))
        children.append(replace(child, children=tuple(list(unique.values())[:limit])))
    return replace(explanation, children=tuple(children))


def brief(explanation: Explanation, limit: int = 3) -> Explanation:
    """What decided the verdict, and nothing else: the conditions that failed (or could not be decided), each with
    at most `limit` of its checks that failed (or lacked a fact), margins included. A verdict that holds keeps no
    condition: every one of them held."""
    deciding = FAILS if explanation.outcome == FAILS else UNKNOWN if explanation.outcome == UNKNOWN else None
    if deciding is None:
        return replace(explanation, children=())
    children = []
    for child in explanation.children:
        if child.outcome != deciding:
            continue
        unique: dict[tuple[str, str | None], Explanation] = {}
        for check in _deciding(child, deciding):
            if check is not child:
                unique.setdefault((check.label, check.detail), replace(check, children=()))
        children.append(replace(child, children=tuple(list(unique.values())[:limit])))
    return replace(explanation, children=tuple(children))


def _deciding(node: Explanation, outcome: str) -> Iterator[Explanation]:
    """The deepest statements under `node` with `outcome`: those none of whose own statements has it (a comparison
    that failed, though its children are the table rows behind its value)."""
    below = [child for child in node.children if child.outcome == outcome]
    if not below:
        yield node
        return
    for child in below:
        yield from _deciding(child, outcome)


def _leaves(node: Explanation) -> Iterator[Explanation]:
    if not node.children:
        yield node
        return
    for child in node.children:
        yield from _leaves(child)


class _Builder:
    def __init__(self, rulebook: ir.Rulebook) -> None:
        self.rulebook = rulebook
        self.explained_rules: dict[int, Explanation] = {}
        # A program's rule is explained in full under the program; elsewhere (pool membership) by its outcome.
        self.program_rules = {p.condition.name: p.id for p in rulebook.programs if isinstance(p.condition, ir.RuleCall)}
        self.current_program: str | None = None
        self.labels = _Labels(self)
        self.labelers: dict[ir.Node, Labeler] = {}
        self.fact_roots: dict[str, str] = {}  # a fact's path: the profile field it is under
        self.definitions: dict[int, Definition] = {}  # a rule or table of the rulebook: what its statements share

    def rule_definition(self, rule: ir.Rule) -> Definition:
        definition = self.definitions.get(id(rule))
        if definition is None:
            definition = self.definitions[id(rule)] = Definition(
                rule.name, "rule", rule.description or rule.name.replace("_", " "), rule.cites, rule.span.short)
        return definition

    # statements

    def lines(self, trace: Trace) -> list[Explanation]:
        """The statements for a boolean trace; an `and` directly under a rule reads as the rule's list of
        conditions."""
        node = trace.node
        if isinstance(node, ir.AllOf):
            return [self.statement(child) for child in trace.children]
        if isinstance(node, ir.Arithmetic) and node.operator == "+" and node.type.name != "date":
            return [line for child in trace.children for line in self.lines(child)]
        if isinstance(node, ir.Conditional) and node.type.name != "condition" and len(trace.children) == 2:
            return [self.chosen_branch(trace)]
        return [self.statement(trace)]

    def chosen_branch(self, trace: Trace) -> Explanation:
        """A value chosen by a condition reads as the chosen value, with the condition that chose it."""
        condition, branch = trace.children
        lines = self.lines(branch)
        if isinstance(branch.node, ir.Conditional):
            return lines[0] if len(lines) == 1 else Explanation("group", "the sum of these", None,
                                                                detail=value_text(branch.value),
                                                                children=tuple(lines))
        chosen = lines[0] if len(lines) == 1 else Explanation("group", "the sum of these", None,
                                                              detail=value_text(branch.value),
                                                              children=tuple(lines))
        what = self.statement(condition).label if isinstance(condition.node, ir.Compare) else self.label(condition)
        reason = f"{what}: {value_text(condition.value)}"
        detail = f"{chosen.detail} ({reason})" if chosen.detail else f"({reason})"
        if chosen.kind == "check" and not chosen.detail:
            detail = f"{chosen.label} ({reason})"
        return replace(chosen, detail=detail)

    def statement(self, trace: Trace) -> Explanation:  # noqa: C901 - one case per node kind
        node = trace.node
        outcome = outcome_of(trace.value)
        if isinstance(node, ir.RuleCall):
            return self.rule_call(trace)
        if isinstance(node, ir.AllOf):
            return Explanation("group", "all of these hold", outcome,
                               children=tuple(self.statement(c) for c in trace.children))
        if isinstance(node, ir.AnyOf):
            return Explanation("group", "at least one of these holds", outcome,
                               children=tuple(self.statement(c) for c in trace.children))
        if isinstance(node, ir.Not):
            return Explanation("group", "this must not hold", outcome, children=(self.statement(trace.children[0]),))
        if isinstance(node, ir.Quantifier):
            return self.aggregate(trace) if node.kind in ("total", "highest") else self.quantifier(trace)
        if isinstance(node, ir.TableLookup):
            return self.lookup(trace)
        if isinstance(node, ir.Extreme):
            return self.extreme(trace)
        if isinstance(node, ir.Arithmetic) and node.operator == "+" and node.type.name != "date":
            return Explanation("group", "the sum of these", outcome, detail=value_text(trace.value),
                               children=tuple(self.lines(trace)))
        if isinstance(node, ir.Compare):
            return self.compare(trace)
        if isinstance(node, ir.Member):
            return self.member(trace)
        if isinstance(node, ir.Otherwise):
            return self.otherwise(trace)
        if isinstance(node, ir.Conditional) and node.type.name != "condition" and len(trace.children) == 2:
            return self.chosen_branch(trace)
        if isinstance(node, ir.Conditional):
            condition, branch = (trace.children + (trace.children[0],))[:2]
            children = (self.statement(condition),) if len(trace.children) == 1 else \
                (self.statement(condition), self.statement(branch))
            return Explanation("group", "depending on a condition", outcome, children=children)
        return Explanation("check", self.label(trace), outcome, detail=value_text(trace.value),
                           facts=tuple(self.facts(trace)))

    def rule_call(self, trace: Trace) -> Explanation:
        program = self.program_rules.get(trace.node.name)
        if program is not None and program != self.current_program:
            rule = trace.node.rule
            definition = self.rule_definition(rule)
            missing = self._rule_call(trace).missing if trace.value is MISSING else ()
            return Explanation(kind="rule", label=definition.label or "", outcome=outcome_of(trace.value),
                               detail=f"see program {program}", rule=rule.name, cites=definition.cites,
                               source=definition.source,
                               facts=tuple(Fact(path, MISSING, missing=True) for path in missing),
                               definition=definition)
        known = self.explained_rules.get(id(trace))
        if known is None:
            known = self.explained_rules[id(trace)] = self._rule_call(trace)
        return known

    def _rule_call(self, trace: Trace) -> Explanation:
        node: ir.RuleCall = trace.node
        rule = node.rule
        arguments = trace.note or ()
        call = key = rule.name
        if rule.parameters:
            call += "(" + ", ".join(self.argument_text(a) for a in arguments) + ")"
            key += "(" + ", ".join(self.argument_key(a) for a in arguments) + ")"
        body = trace.children[0]
        outcome = outcome_of(trace.value)
        definition = self.rule_definition(rule)
        return Explanation(
            kind="rule",
            label=definition.label or "",
            outcome=outcome,
            detail=value_text(trace.value) if outcome is None else None,
            rule=call,
            cites=definition.cites,
            source=definition.source,
            children=tuple(self.lines(body)),
            key=key,
            definition=definition,
        )

    def lookup(self, trace: Trace) -> Explanation:
        """`age 29: row '20 to 29' gives 110 points`: the keys, the row that matched, and the value it gave."""
        node: ir.TableLookup = trace.node
        table = node.table
        keys = "; ".join(value_text(k.value) if isinstance(k.node, (ir.Literal, ir.ConstantRef))
                         else f"{self.label(k)} = {value_text(k.value)}" for k in trace.children)
        row: ir.TableRow | None = trace.note
        if row is not None:
            detail = f"{keys}: row '{row.label}' gives {value_text(trace.value)}"
            source = row.span.short
        elif trace.value is MISSING and any(k.value is MISSING for k in trace.children):
            detail = f"{keys}: unknown (a fact is missing)"
            source = table.span.short
        else:
            detail = f"{keys}: no row of the table matches"
            source = table.span.short
        column = node.column.replace("_", " ")
        label = table.title if len(table.value_columns) == 1 else f"{table.title} ({column})"
        definition = self.definitions.get(id(table))
        if definition is None:
            definition = self.definitions[id(table)] = Definition(
                f"table {table.name}", "row", table.title if len(table.value_columns) == 1 else None, table.cites,
                table.span.short)
        return Explanation("row", label, outcome_of(trace.value), detail=detail, rule=f"table {table.name}",
                           cites=table.cites, source=source, facts=tuple(self.facts(trace)), definition=definition)

    def extreme(self, trace: Trace) -> Explanation:
        node: ir.Extreme = trace.node
        static = [i for i, o in enumerate(node.operands) if isinstance(o, (ir.Literal, ir.ConstantRef))]
        value = value_text(trace.value)
        if len(static) == 1 and len(node.operands) == 2:
            bound = trace.children[static[0]]
            other = trace.children[1 - static[0]]
            word = "capped at" if node.kind == "min" else "at least"
            label = f"{word} {value_text(bound.value)}"
            applied = other.value is not MISSING and bound.value is not MISSING and trace.value == bound.value \
                and other.value != bound.value
            detail = f"{value} ({value_text(other.value)} before the {'cap' if node.kind == 'min' else 'floor'})" \
                if applied else value
            return Explanation("group", label, outcome_of(trace.value), detail=detail,
                               children=tuple(self.lines(other)))
        label = "the lowest of these" if node.kind == "min" else "the highest of these"
        return Explanation("group", label, outcome_of(trace.value), detail=value,
                           children=tuple(s for c in trace.children for s in self.lines(c)))

    def aggregate(self, trace: Trace) -> Explanation:
        node: ir.Quantifier = trace.node
        domain, *instances = trace.children
        what = self.label(domain)
        label = ("the total over " if node.kind == "total" else "the highest over ") + what
        if node.where is not None:
            label += self.filter_text(node.where)
        detail = value_text(trace.value)
        if domain.value is not MISSING and not instances:
            detail += ": there is none"
        facts = [*self.facts(domain)]
        for skipped in trace.note or ():
            facts.extend(self.facts(skipped))
        return Explanation("group", label, outcome_of(trace.value), detail=detail, facts=tuple(facts),
                           children=tuple(self.instance(i) for i in instances))

    def argument_text(self, trace: Trace) -> str:
        node = trace.node
        if isinstance(node, ir.ListRef):
            return node.table.name
        return value_text(trace.value)

    def argument_key(self, trace: Trace) -> str:
        """An argument as a statement's key names it: a record by its path in the profile, a list by its name."""
        if isinstance(trace.value, Item):
            return trace.value.path
        return self.argument_text(trace)

    def quantifier(self, trace: Trace) -> Explanation:
        node: ir.Quantifier = trace.node
        domain, *instances = trace.children
        what = self.label(domain)
        label = ("at least one of the " if node.kind == "any" else "each of the ") + what.removeprefix("the ")
        if node.where is not None:
            label += self.filter_text(node.where)
        label += " meets this"
        children = tuple(self.instance(i) for i in instances)
        detail = None
        if domain.value is not MISSING and not instances:
            detail = "there is none"
        facts = [*self.facts(domain)]
        for skipped in trace.note or ():
            facts.extend(self.facts(skipped))
        return Explanation("group", label, outcome_of(trace.value), detail=detail, facts=tuple(facts),
                           children=children)

    def instance(self, trace: Trace) -> Explanation:
        element = trace.note
        body_children: list[Explanation] = []
        for child in trace.children:
            if child.value is True and child is trace.children[0] and len(trace.children) == 2:
                continue  # a `where` filter that held: the label already says so
            body_children.extend(self.lines(child))
        return Explanation("item", self.element_text(element), outcome_of(trace.value),
                           children=tuple(body_children))

    def compare(self, trace: Trace) -> Explanation:
        node: ir.Compare = trace.node
        left, right = trace.children
        left_label = self.label(left)
        right_text = value_text(right.value) if right.value is not MISSING else self.label(right)
        dates = node.left.type.name == "date"
        words = wording.DATES if dates else wording.COMPARISON
        label = f"{left_label} is {words[node.operator]} {self.static_text(node.right)}"
        shown = [side for side in (left, right) if _worth_showing(side)]
        facts = tuple(self.facts(trace, skip=shown))
        if left.value is MISSING:
            missing = ", ".join(f.path for f in self.facts(trace) if f.missing) or "a fact"
            detail = f"{left_label}: unknown, because {missing} is missing"
        else:
            detail = f"{left_label}: {value_text(left.value)}{self.period_note(left)}; needs {right_text}" \
                     f" {wording.NEEDS[node.operator]}".rstrip()
            if dates:
                detail = f"{left_label}: {value_text(left.value)}; needs a date {wording.DATES[node.operator]} " \
                         f"{right_text}"
            elif node.operator in (">", "<", "==", "!="):
                detail = f"{left_label}: {value_text(left.value)}{self.period_note(left)}; needs " \
                         f"{wording.NEEDS[node.operator]} {right_text}"
        derived = tuple(self.rule_call(side) for side in shown)
        return Explanation("check", label, outcome_of(trace.value), detail=detail, facts=facts, children=derived)

    def member(self, trace: Trace) -> Explanation:
        node: ir.Member = trace.node
        item, collection = trace.children
        item_label = self.label(item)
        words = "is not one of" if node.negated else "is one of"
        label = f"{item_label} {words} {self.label(collection)}"
        detail = f"{item_label}: {value_text(item.value)}"
        return Explanation("check", label, outcome_of(trace.value), detail=detail, facts=tuple(self.facts(trace)))

    def otherwise(self, trace: Trace) -> Explanation:
        if len(trace.children) == 1:
            return self.statement(trace.children[0])
        first, fallback = trace.children
        if isinstance(first.node, (ir.FieldGet, ir.FactRef)) and fallback.value is not MISSING:
            return self.statement(fallback)  # a fact not given, read another way: the other way is the reason
        return Explanation("group", "facts are missing for the first way, so the second decides",
                           outcome_of(trace.value), children=(self.statement(first), self.statement(fallback)))

    # labels and values

    def label(self, trace: Trace) -> str:
        """What a node is called in an explanation: the plain-language description of the rule tree
        (`_Labels`), made once per node."""
        labeler = self.labelers.get(trace.node)
        if labeler is None:
            labeler = self.labelers[trace.node] = trace.node.accept(self.labels)
        return labeler(trace)

    def argument_label(self, trace: Trace) -> str:
        node = trace.node
        if isinstance(node, (ir.Local, ir.FieldGet)) and isinstance(trace.value, str):
            return trace.value
        if isinstance(trace.value, ir.OccupationList):
            return f"'{trace.value.title}'"
        return self.label(trace)

    def static_text(self, node: ir.Node) -> str:
        if isinstance(node, (ir.Literal, ir.ConstantRef)):
            return value_text(node.value)
        return "the required value"

    def filter_text(self, node: ir.Node) -> str:
        """How a quantifier's `where` reads after the list it filters."""
        if isinstance(node, ir.RuleCall):
            return f" that are {self.condition_label(node)}" if node.arguments else f" ({self.condition_label(node)})"
        return " whose " + self.condition_label(node)

    def condition_label(self, node: ir.Node) -> str:
        if isinstance(node, ir.RuleCall):
            return (node.rule.description or node.name.replace("_", " ")).rstrip(".")
        if isinstance(node, ir.Member) and isinstance(node.item, ir.FieldGet):
            collection = node.collection
            values = collection.value if isinstance(collection, (ir.Literal, ir.ConstantRef)) else None
            listed = " or ".join(map(str, values)) if isinstance(values, tuple) else "on the list"
            words = "is not" if node.negated else "is"
            return f"{node.item.name.replace('_', ' ')} {words} {listed}"
        return "those that qualify"

    def period_note(self, trace: Trace) -> str:
        time = trace.note
        if isinstance(time, OccupationTime) and trace.node.function == "continuous_full_time" and time.run:
            return f" ({time.run})"
        return ""

    def element_text(self, element: Any) -> str:
        if isinstance(element, Item):
            return item_text(element)
        if isinstance(element, str):
            title = self.rulebook.occupation_titles.get(element)
            return f"{element} {title}" if title else element
        return value_text(element)

    def facts(self, trace: Trace, skip: Iterable[Trace] = ()) -> list[Fact]:
        """The profile facts read under this trace, except those of nested statements (and of `skip`). Past
        MAX_FACTS_LISTED facts present, the rest are counted, not listed, under their root: an aggregate over a
        long work history reads every job, and each job a quantifier goes over shows that aggregate again, so
        listing them all would make the explanation grow with the square of the list. Missing facts are always
        listed: they are what a reader must supply."""
        skipped = [id(t) for t in skip]
        if skipped:
            folded = list(trace.facts)
            for child in trace.children:
                if id(child) not in skipped:
                    folded.extend(_folded_facts(child))
        else:
            folded = _folded_facts(trace)
        if not folded:
            return []
        seen: set[str] = set()
        listed = 0
        not_listed: dict[str, int] = {}
        roots = self.fact_roots
        facts = []
        for path, value in folded:
            if path in seen or path == "as_of":
                continue
            seen.add(path)
            if isinstance(value, Item):
                continue  # a record read whole is shown by the fields read from it
            root = roots.get(path)
            if root is None:
                root = roots[path] = path.split("[", 1)[0].split(".", 1)[0]
            missing = value is MISSING
            if not missing:
                if listed >= MAX_FACTS_LISTED:
                    not_listed[root] = not_listed.get(root, 0) + 1
                    continue
                listed += 1
            facts.append(Fact(path, value, given=root in GIVEN_CONCLUSIONS and not missing, missing=missing))
        for root, count in not_listed.items():
            facts.append(Fact(root, FactsNotListed(count)))
        return facts


Labeler = Callable[[Trace], str]


class _Labels(Visitor[Labeler]):
    """The plain-language description of each kind of node, as a function of its trace (a local variable is named by
    the element it stands for, a period by its dates); a value that has no name of its own reads as its value."""

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder

    def fact_ref(self, node: ir.FactRef) -> Labeler:
        text = wording.fact_label(node.name)
        return lambda trace: text

    def field_get(self, node: ir.FieldGet) -> Labeler:
        text = node.name.replace("_", " ")
        return lambda trace: text

    def local(self, node: ir.Local) -> Labeler:
        return lambda trace: self.builder.element_text(trace.value)

    def list_ref(self, node: ir.ListRef) -> Labeler:
        text = f"the list '{node.table.title}'"
        return lambda trace: text

    def constant_ref(self, node: ir.ConstantRef) -> Labeler:
        text = node.description or node.name.replace("_", " ")
        return lambda trace: text

    def literal(self, node: ir.Literal) -> Labeler:
        text = node.text
        return lambda trace: text

    def window(self, node: ir.WindowNode) -> Labeler:
        def label(trace: Trace) -> str:
            if isinstance(trace.value, Period):
                return f"between {trace.value.first} and {trace.value.last}"
            return "in the period"
        return label

    def builtin(self, node: ir.Builtin) -> Labeler:
        return lambda trace: node.description.format(*(self.builder.argument_label(a) for a in trace.children))

    def rule_call(self, node: ir.RuleCall) -> Labeler:
        return lambda trace: node.rule.description or node.name.replace("_", " ")

    def arithmetic(self, node: ir.Arithmetic) -> Labeler:
        label = self.builder.label
        return lambda trace: f"{label(trace.children[0])} {node.operator} {label(trace.children[1])}"

    def table_lookup(self, node: ir.TableLookup) -> Labeler:
        text = f"{node.column.replace('_', ' ')} from '{node.table.title}'"
        return lambda trace: text

    def selection(self, node: ir.Selection) -> Labeler:
        builder = self.builder
        return lambda trace: f"{builder.label(trace.children[0])} ({builder.condition_label(node.where)})"

    def quantifier(self, node: ir.Quantifier) -> Labeler:
        words = "the total over " if node.kind == "total" else "the highest over "
        return lambda trace: words + self.builder.label(trace.children[0])

    def extreme(self, node: ir.Extreme) -> Labeler:
        words = "the lowest of " if node.kind == "min" else "the highest of "
        return lambda trace: words + ", ".join(self.builder.label(c) for c in trace.children)

    def its_value(self, node: ir.Node) -> Labeler:
        return lambda trace: value_text(trace.value)

    compare = member = all_of = any_of = not_ = otherwise = conditional = list_node = its_value


def _worth_showing(trace: Trace) -> bool:
    """A named value compared in a condition gets its own lines when it was computed from a table (a level read
    off a conversion chart, a points grid), so the reader sees the row behind the number."""
    if not isinstance(trace.node, ir.RuleCall) or trace.node.type.name == "condition":
        return False
    if trace.node.type.name == "points":
        return True
    stack = list(trace.children)
    while stack:
        child = stack.pop()
        if isinstance(child.node, ir.TableLookup):
            return True
        if not isinstance(child.node, ir.RuleCall):
            stack.extend(child.children)
    return False


def _folded_facts(trace: Trace) -> list[tuple[str, Any]]:
    """The facts read under `trace`, in the order they were read (the trace's own, then each child's, depth first),
    but not those of a named condition below it: a named condition is a statement of its own, a named value folds
    into its reader."""
    folded: list[tuple[str, Any]] = []
    stack = [trace]
    while stack:
        current = stack.pop()
        folded.extend(current.facts)
        children = current.children
        if not children:
            continue
        if isinstance(current.node, ir.Otherwise) and len(children) == 2 and children[1].value is not MISSING:
            children = children[1:]  # the fallback decided: the facts the first way lacked do not matter
        for child in reversed(children):
            node = child.node
            if not (isinstance(node, ir.RuleCall) and node.type.name == "condition"):
                stack.append(child)
    return folded


def item_text(item: Item) -> str:
    fields = item.fields
    if "noc" in fields:
        end = fields["end"] if fields["end"] is not None else "ongoing"
        hours = fields["hours_per_week"]
        hours_text = f", {hours.amount:g} h/week" if hours is not MISSING else ""
        return f"job {fields['noc']} from {value_text(fields['start'])} to {value_text(end)}" \
               f"{hours_text} ({item.path})"
    if "test" in fields:
        taken = fields.get("date")
        when = f" of {taken}" if isinstance(taken, date) else ""
        return f"{fields['test']} result{when} ({item.path})"
    return item.path

def value_text(value: Any) -> str:
    if value is MISSING:
        return "missing"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "none"
    if isinstance(value, ir.OccupationList):
        return value.title
    if isinstance(value, tuple):
        return ", ".join(value_text(v) for v in value) if value else "none"
    if isinstance(value, Item):
        return item_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)

def fact_text(value: Any) -> str:
    if isinstance(value, FactsNotListed):
        return (f"{value.count:,} more fact{'s' if value.count != 1 else ''} read from it, not listed (a statement "
                f"lists at most {MAX_FACTS_LISTED} of the facts it reads)")
    if isinstance(value, tuple) and value and isinstance(value[0], Item):
        return "1 entry" if len(value) == 1 else f"{len(value)} entries"
    return value_text(value)
