"""A structural diff of two rule trees, reported in policy terms.

Two conditions are compared by what they mean, not by how they are written. Each tree is first brought to a
canonical form (`Term`): named definitions are inlined with their arguments, constants become their values, quantifier
variables are numbered by depth, nested `and`/`or` are flattened and their operands sorted. Renaming a constant, a
definition, a list or a variable, moving a rule into a definition, reordering `and` operands, writing `1 year` for
`12 months` or reformatting the text gives the same `Term`, so it reports nothing.

The two canonical trees are then matched top-down, as sqlglot's `diff` matches two expression trees: identical
subtrees pair off first, then the operands of an `and`/`or` pair by shape (same structure with different values) or by
similarity, and what is left over was added or removed. Each difference carries a plain-language label (a constant's or
a definition's description when there is one) and the source line on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from engine import ir
from engine.ir import wording
from engine.ir.visitor import Visitor
from engine.model.quantities import LanguageLevel

_GROUPS = ("all", "any")
_PAIRING_THRESHOLD = 0.6


@dataclass(frozen=True, slots=True)
class Group:
    """The named definition an operand was spliced from when its `and`/`or` body merged into the caller's."""

    rule: str
    description: str | None
    source: str
    size: int


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a canonical node came from and how to name it; never part of a node's identity."""

    source: str | None = None
    label: str | None = None
    text: str | None = None
    rule: str | None = None
    variable: str | None = None
    group: Group | None = None


_NOWHERE = Origin()


@dataclass(frozen=True, slots=True, eq=False)
class Term:
    """A canonical rule-tree node. Identity is `key`: kind, head and children, nothing about names or layout."""

    kind: str
    head: Any = None
    children: tuple[Term, ...] = ()
    origin: Origin = _NOWHERE
    key: str = field(init=False)
    shape: str = field(init=False)

    def __post_init__(self) -> None:
        children = self.children
        if self.kind in _GROUPS:
            children = tuple(sorted(children, key=lambda c: c.key))
            object.__setattr__(self, "children", children)
        head = "V" if self.kind == "value" else _value_key(self.head)
        object.__setattr__(self, "key", f"{self.kind}[{_value_key(self.head)}]({','.join(c.key for c in children)})")
        shapes = sorted(c.shape for c in children) if self.kind in _GROUPS else [c.shape for c in children]
        object.__setattr__(self, "shape", f"{self.kind}[{head}]({','.join(shapes)})")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Term) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def with_origin(self, **changes: Any) -> Term:
        return Term(self.kind, self.head, self.children, replace(self.origin, **changes))

    def features(self) -> set[str]:
        """The node kinds, facts, fields and functions of this subtree: what similarity is measured on."""
        found = {f"{self.kind}:{'' if self.kind == 'value' else _value_key(self.head)}"}
        for child in self.children:
            found |= child.features()
        return found


def _value_key(value: Any) -> str:
    if isinstance(value, LanguageLevel):
        return f"level {value.value}"
    if isinstance(value, tuple):
        return "(" + ",".join(sorted(_value_key(v) for v in value)) + ")"
    return repr(value)


# Canonical form ------------------------------------------------------------------------------------------------------


# The canonical forms of definitions called without arguments, by (definition, depth, definitions being inlined): the
# definition is kept beside its form so that its id is not reused while the cache lives.
DefinitionForms = dict[tuple[int, int, tuple[str, ...]], tuple[ir.Rule, "Term"]]


def canonical(node: ir.Node, forms: DefinitionForms | None = None) -> Term:
    """The canonical form of a category's condition. `forms` may be shared between the conditions of one rulebook:
    every category calls the same large definitions (being in the pool, the programs, the points), and a definition
    without arguments has one canonical form wherever it is called from (Terms are immutable)."""
    return _Canonical(forms if forms is not None else {}).term(node, {}, 0, None)


class _Canonical(Visitor[Term]):
    """The canonical form as a visitor of the rule tree; `env`, `depth` and `rule` are where the visit stands (the
    terms bound to a called definition's parameters, the quantifier depth, the definition being inlined)."""

    def __init__(self, forms: DefinitionForms) -> None:
        self.inlining: list[str] = []
        self.forms = forms
        self.env: Mapping[str, Term] = {}
        self.depth = 0
        self.rule: str | None = None

    def term(self, node: ir.Node, env: Mapping[str, Term], depth: int, rule: str | None) -> Term:
        saved = self.env, self.depth, self.rule
        self.env, self.depth, self.rule = env, depth, rule
        try:
            return node.accept(self)
        finally:
            self.env, self.depth, self.rule = saved

    def here(self, node: ir.Node) -> Origin:
        return Origin(source=node.span.short, rule=self.rule)

    def below(self, node: ir.Node) -> Term:
        return self.term(node, self.env, self.depth, self.rule)

    def literal(self, node: ir.Literal) -> Term:
        return Term("value", node.value, origin=replace(self.here(node), text=node.text))

    def constant_ref(self, node: ir.ConstantRef) -> Term:
        origin = self.here(node)
        if node.value is None:
            return Term("constant", node.name, origin=replace(origin, label=node.description))
        return Term("value", node.value, origin=replace(origin, label=node.description, text=node.text))

    def fact_ref(self, node: ir.FactRef) -> Term:
        return Term("fact", node.name, origin=self.here(node))

    def local(self, node: ir.Local) -> Term:
        bound = self.env.get(node.name)
        return bound if bound is not None else Term("local", node.name, origin=self.here(node))

    def list_ref(self, node: ir.ListRef) -> Term:
        return Term("list", origin=replace(self.here(node), label=node.table.title))

    def rule_call(self, node: ir.RuleCall) -> Term:
        return self.call(node, self.env, self.depth, self.rule)

    def builtin(self, node: ir.Builtin) -> Term:
        arguments = tuple(self.below(a) for a in node.arguments)
        return Term("builtin", node.function, arguments, replace(self.here(node), text=node.description))

    def all_of(self, node: ir.AllOf) -> Term:
        return Term("all", None, self.flatten("all", node.operands, self.env, self.depth, self.rule), self.here(node))

    def any_of(self, node: ir.AnyOf) -> Term:
        return Term("any", None, self.flatten("any", node.operands, self.env, self.depth, self.rule), self.here(node))

    def quantifier(self, node: ir.Quantifier) -> Term:
        origin = self.here(node)
        variable = Term("var", self.depth, origin=replace(origin, variable=node.variable))
        inner = {**self.env, node.variable: variable}
        where = self.term(node.where, inner, self.depth + 1, self.rule) if node.where is not None else Term("none")
        domain, body = self.below(node.domain), self.term(node.body, inner, self.depth + 1, self.rule)
        return Term("quantifier", node.kind, (domain, where, body), replace(origin, variable=node.variable))

    # The other kinds compare by a distinguishing value and their children, in order.

    def plain(self, node: ir.Node, head: Any) -> Term:
        return Term(type(node).__name__.lower(), head, tuple(self.below(p) for p in node.children()), self.here(node))

    def compare(self, node: ir.Compare) -> Term:
        return self.plain(node, node.operator)

    def member(self, node: ir.Member) -> Term:
        return self.plain(node, node.negated)

    def arithmetic(self, node: ir.Arithmetic) -> Term:
        return self.plain(node, node.operator)

    def field_get(self, node: ir.FieldGet) -> Term:
        return self.plain(node, node.name)

    def window(self, node: ir.WindowNode) -> Term:
        return self.plain(node, None)

    def list_node(self, node: ir.ListNode) -> Term:
        return self.plain(node, None)

    def not_(self, node: ir.Not) -> Term:
        return self.plain(node, None)

    def otherwise(self, node: ir.Otherwise) -> Term:
        return self.plain(node, None)

    def conditional(self, node: ir.Conditional) -> Term:
        return self.plain(node, None)

    def table_lookup(self, node: ir.TableLookup) -> Term:
        return self.plain(node, (node.table.name, node.column))

    def extreme(self, node: ir.Extreme) -> Term:
        return self.plain(node, node.kind)

    def selection(self, node: ir.Selection) -> Term:
        return self.plain(node, node.variable)

    def call(self, node: ir.RuleCall, env: Mapping[str, Term], depth: int, rule: str | None) -> Term:
        arguments = tuple(self.term(a, env, depth, rule) for a in node.arguments)
        definition = node.rule
        if definition.name in self.inlining:
            return Term("call", definition.name, arguments, Origin(node.span.short, definition.description))
        key = (id(definition), depth, tuple(self.inlining))
        if not arguments and key in self.forms:
            return self.forms[key][1]
        self.inlining.append(definition.name)
        body = self.term(definition.body, dict(zip(definition.parameters, arguments, strict=False)), depth,
                         definition.name)
        self.inlining.pop()
        label = definition.description or body.origin.label
        form = body.with_origin(label=label, source=body.origin.source or definition.span.short)
        if not arguments:
            self.forms[key] = (definition, form)
        return form

    def flatten(self, kind: str, operands: tuple[ir.Node, ...], env: Mapping[str, Term], depth: int,
                rule: str | None) -> tuple[Term, ...]:
        flat: list[Term] = []
        for operand in operands:
            term = self.term(operand, env, depth, rule)
            if term.kind != kind:
                flat.append(term)
                continue
            group = None
            if isinstance(operand, ir.RuleCall):
                group = Group(operand.name, term.origin.label, term.origin.source or "", len(term.children))
            flat.extend(c.with_origin(group=c.origin.group or group) if group else c for c in term.children)
        return tuple(flat)


# Plain language ------------------------------------------------------------------------------------------------------


def describe(term: Term, labels: bool = True) -> str:  # noqa: C901 - one case per node kind
    """A condition or value in words; a definition's description stands for its whole body unless `labels` is
    false (to tell apart two bodies under one description)."""
    kind, parts = term.kind, [describe(c, labels) for c in term.children]
    if kind == "value":
        return term.origin.text or _value_text(term.head)
    if labels and term.origin.label and kind not in ("builtin", "var"):
        return term.origin.label if kind != "list" else f"the list '{term.origin.label}'"
    if kind == "fact":
        return "the " + wording.fact_label(str(term.head))
    if kind == "var":
        return term.origin.variable or "it"
    if kind == "fieldget":
        field_name = str(term.head).replace("_", " ")
        return f"the {parts[0]}'s {field_name}" if term.children[0].kind == "var" else f"the {field_name} of {parts[0]}"
    if kind == "builtin":
        return (term.origin.text or term.head + "({})").format(*parts)
    if kind == "windownode":
        return f"within {parts[0]} before {parts[1]}"
    if kind == "compare":
        return f"{parts[0]} is {wording.COMPARISON[term.head]} {parts[1]}"
    if kind == "member":
        return f"{parts[0]} {'is not one of' if term.head else 'is one of'} {parts[1]}"
    if kind in _GROUPS:
        return ("all of: " + "; and ".join(parts)) if kind == "all" else ("either: " + "; or ".join(parts))
    if kind == "not":
        return f"not ({parts[0]})"
    if kind == "quantifier":
        subject = f"{'at least one' if term.head == 'any' else 'every'} {term.origin.variable or 'item'} in {parts[0]}"
        if term.children[1].kind != "none":
            subject += f" where {parts[1]}"
        return f"{subject}: {parts[2]}"
    if kind == "otherwise":
        return f"{parts[0]}, or, when facts for that are missing, {parts[1]}"
    if kind == "conditional":
        return f"if {parts[0]} then {parts[1]}, otherwise {parts[2]}"
    if kind == "arithmetic":
        return f"{parts[0]} {term.head} {parts[1]}"
    if kind == "listnode":
        return ", ".join(parts)
    return str(term.head).replace("_", " ")


def _value_text(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_value_text(v) for v in value)
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


# Differences ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleChange:
    """One difference between two conditions. `kind` is `changed`, `added` or `removed`; `what` names the value or
    condition in the analyst's words; `old`/`new` say it before and after; sources are `file:line` on each side."""

    kind: str
    what: str
    old: str | None
    new: str | None
    old_source: str | None
    new_source: str | None
    definition: str | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"kind": self.kind, "what": self.what, "old": self.old, "new": self.new,
                                    "old_source": self.old_source, "new_source": self.new_source}
        if self.definition:
            document["definition"] = self.definition
        return document


def diff_conditions(old: ir.Node, new: ir.Node, forms: DefinitionForms | None = None) -> tuple[RuleChange, ...]:
    """Every difference in meaning between two conditions, once each, in a stable order. `forms` (see `canonical`)
    may be shared across the categories of one comparison."""
    forms = forms if forms is not None else {}
    changes = _diff(canonical(old, forms), canonical(new, forms), None)
    unique: dict[tuple[str, str, str | None, str | None], RuleChange] = {}
    for change in changes:
        unique.setdefault((change.kind, change.what, change.old, change.new), change)
    return tuple(unique.values())


def _changed(what: str, old: Term, new: Term, old_text: str | None = None, new_text: str | None = None) -> RuleChange:
    if old_text is None or new_text is None:
        old_text, new_text = describe(old), describe(new)
        if old_text == new_text:
            old_text, new_text = describe(old, labels=False), describe(new, labels=False)
    return RuleChange("changed", what, old_text, new_text, old.origin.source, new.origin.source,
                      new.origin.rule or old.origin.rule)


def _added(what: str, term: Term) -> RuleChange:
    return RuleChange("added", what, None, describe(term), None, term.origin.source, term.origin.rule)


def _removed(what: str, term: Term) -> RuleChange:
    return RuleChange("removed", what, describe(term), None, term.origin.source, None, term.origin.rule)


def _diff(old: Term, new: Term, slot: str | None) -> list[RuleChange]:  # noqa: C901 - one case per node kind
    """The differences between two canonical nodes that stand in the same place; `slot` names that place."""
    if old == new:
        return []
    if old.kind in _GROUPS or new.kind in _GROUPS:
        return _diff_groups(old, new, slot)
    if old.kind == "none":
        return [_added(slot or "new condition", new)]
    if new.kind == "none":
        return [_removed(slot or "condition removed", old)]
    if old.kind != new.kind or len(old.children) != len(new.children):
        return [_changed(slot or "condition", old, new)]
    if old.kind == "value":
        return [_changed(new.origin.label or old.origin.label or slot or "value", old, new)]
    if old.kind == "compare":
        return _diff_compare(old, new)
    if old.kind == "quantifier":
        return _diff_quantifier(old, new)
    if old.kind == "windownode":
        length_slot = f"the period counted (within ... before {describe(new.children[1])})"
        return [*_diff(old.children[0], new.children[0], length_slot),
                *_diff(old.children[1], new.children[1], "the date the period ends on")]
    if old.head != new.head:
        return [_changed(slot or "condition", old, new)]
    changes: list[RuleChange] = []
    for old_child, new_child in zip(old.children, new.children, strict=True):
        changes.extend(_diff(old_child, new_child, f"in: {describe(new)}"))
    return changes


def _diff_compare(old: Term, new: Term) -> list[RuleChange]:
    old_left, old_right = old.children
    new_left, new_right = new.children
    changes = _diff(old_left, new_left, f"what is compared in: {describe(new)}")
    if old.head == new.head and old_right == new_right:
        return changes
    if old.head == new.head and not (old_right.kind == new_right.kind == "value"):
        return changes + _diff(old_right, new_right, f"what {describe(new_left)} is compared with")
    what = new_right.origin.label or old_right.origin.label or f"{describe(new_left)}: needed"
    if bool(new_right.origin.label) != bool(old_right.origin.label):
        what = f"{what}, for {describe(new_left)}"  # one place left a shared constant: say which place
    if old.head == new.head:
        return [*changes, _changed(what, old_right, new_right)]
    old_text = f"{wording.COMPARISON[old.head]} {describe(old_right)}"
    new_text = f"{wording.COMPARISON[new.head]} {describe(new_right)}"
    return [*changes, _changed(what, old_right, new_right, old_text, new_text)]


def _diff_quantifier(old: Term, new: Term) -> list[RuleChange]:
    if old.head != new.head:
        return [_changed("how many must qualify", old, new)]
    (old_domain, old_where, old_body), (new_domain, new_where, new_body) = old.children, new.children
    variable = new.origin.variable or "item"
    return [*_diff(old_domain, new_domain, f"what is gone over ({variable})"),
            *_diff(old_where, new_where, f"which {variable}s count"),
            *_diff(old_body, new_body, None)]


def _diff_groups(old: Term, new: Term, slot: str | None) -> list[RuleChange]:
    """Operands of `and` (or `or`) are a set: pair the equal ones, then the alike ones; the rest came or went."""
    kind = old.kind if old.kind in _GROUPS else new.kind
    if old.kind in _GROUPS and new.kind in _GROUPS and old.kind != new.kind:
        return [_changed(slot or "how the conditions combine", old, new)]
    old_operands = list(old.children) if old.kind == kind else [old]
    new_operands = list(new.children) if new.kind == kind else [new]
    for operand in list(old_operands):
        if operand in new_operands:
            old_operands.remove(operand)
            new_operands.remove(operand)
    changes: list[RuleChange] = []
    for old_operand, new_operand in _pairs(old_operands, new_operands):
        old_operands.remove(old_operand)
        new_operands.remove(new_operand)
        changes.extend(_diff(old_operand, new_operand, None))
    added, removed = ("new condition", "condition removed") if kind == "all" else \
        ("new alternative", "alternative removed")
    changes.extend(_whole_groups(removed, old_operands, _removed))
    changes.extend(_whole_groups(added, new_operands, _added))
    return changes


def _pairs(old: list[Term], new: list[Term]) -> list[tuple[Term, Term]]:
    """Greedy pairing by likeness: same shape first, then the most shared features, above a threshold."""
    scored = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            if a.kind != b.kind:
                continue
            score = 1.0 if a.shape == b.shape else _similarity(a, b)
            if score >= _PAIRING_THRESHOLD:
                scored.append((-score, i, j))
    pairs = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, i, j in sorted(scored):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((old[i], new[j]))
    return pairs


def _similarity(a: Term, b: Term) -> float:
    features_a, features_b = a.features(), b.features()
    return 2 * len(features_a & features_b) / (len(features_a) + len(features_b))


def _whole_groups(what: str, operands: list[Term], make: Any) -> list[RuleChange]:
    """Operands spliced from one definition, all added (or all removed), read as that definition."""
    changes: list[RuleChange] = []
    by_group: dict[Group, list[Term]] = {}
    for operand in operands:
        group = operand.origin.group
        if group is not None:
            by_group.setdefault(group, []).append(operand)
    reported: set[Group] = set()
    for operand in operands:
        group = operand.origin.group
        if group is not None and len(by_group[group]) == group.size and group.description:
            if group not in reported:
                reported.add(group)
                whole = Term("all", None, tuple(by_group[group]),
                             Origin(group.source, group.description, rule=group.rule))
                changes.append(make(what, whole))
            continue
        changes.append(make(what, operand))
    return changes
