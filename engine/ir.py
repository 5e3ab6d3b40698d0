"""The rule tree: what a checked rulebook compiles to, and what the evaluator walks.

Names are resolved (a node says whether it reads a fact, a local variable, a constant or an occupation list), literal
values are built, and every node keeps the span of the text it came from and the citations in force where it stands,
so that an explanation can say which rule, from which source, decided what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dsl import types as t
from dsl.ast import Span


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    title: str
    teer: int


@dataclass(frozen=True, slots=True)
class OccupationList:
    name: str
    title: str
    cites: tuple[SourceRef, ...]
    occupations: tuple[Occupation, ...]
    span: Span
    codes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(o.code for o in self.occupations))


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    span: Span
    type: t.Type


@dataclass(frozen=True, slots=True, eq=False)
class Literal(Node):
    value: Any
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class FactRef(Node):
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Local(Node):
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class ListRef(Node):
    table: OccupationList


@dataclass(frozen=True, slots=True, eq=False)
class ConstantRef(Node):
    name: str
    description: str | None
    value: Any
    text: str
    cites: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True, eq=False)
class FieldGet(Node):
    subject: Node
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class WindowNode(Node):
    length: Node
    anchor: Node


@dataclass(frozen=True, slots=True, eq=False)
class ListNode(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Builtin(Node):
    function: str
    description: str
    arguments: tuple[Node, ...]


@dataclass(frozen=True, slots=True, eq=False)
class RuleCall(Node):
    """A use of a named definition; `rule` is filled in once every definition is lowered (definitions may refer to
    each other in any order)."""

    name: str
    arguments: tuple[Node, ...]
    rules: Mapping[str, Rule]

    @property
    def rule(self) -> Rule:
        return self.rules[self.name]


@dataclass(frozen=True, slots=True, eq=False)
class Compare(Node):
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True, eq=False)
class Member(Node):
    item: Node
    collection: Node
    negated: bool


@dataclass(frozen=True, slots=True, eq=False)
class Arithmetic(Node):
    operator: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True, eq=False)
class AllOf(Node):
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True, eq=False)
class AnyOf(Node):
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Not(Node):
    operand: Node


@dataclass(frozen=True, slots=True, eq=False)
class Quantifier(Node):
    kind: str
    variable: str
    domain: Node
    where: Node | None
    body: Node


@dataclass(frozen=True, slots=True, eq=False)
class Otherwise(Node):
    first: Node
    fallback: Node


@dataclass(frozen=True, slots=True, eq=False)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """A named definition: parameters, its plain-language description, citations, and its body."""

    name: str
    parameters: tuple[str, ...]
    description: str | None
    cites: tuple[SourceRef, ...]
    body: Node
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Category:
    id: str
    name: str
    cites: tuple[SourceRef, ...]
    condition: Node
    span: Span
    occupation_lists: tuple[OccupationList, ...]
    source_text: str


@dataclass(frozen=True, slots=True, eq=False)
class Rulebook:
    """A compiled year of rules: what the evaluator, the renderers and the diff work from."""

    year: str
    title: str
    in_force_from: date
    in_force_until: date
    cites: tuple[SourceRef, ...]
    sources: Mapping[str, SourceRef]
    constants: Mapping[str, ConstantRef]
    occupation_lists: Mapping[str, OccupationList]
    rules: Mapping[str, Rule]
    categories: tuple[Category, ...]
    folder: str
    content_hash: str
    occupation_titles: Mapping[str, str]
