"""The rule tree: what a checked rulebook compiles to, and what the evaluator walks.

Names are resolved (a node says whether it reads a fact, a local variable, a constant or an occupation list), literal
values are built, and every node keeps the span of the text it came from and the citations in force where it stands,
so that an explanation can say which rule, from which source, decided what.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from dsl import types as t
from dsl.fields_repr import FieldsRepr
from dsl.span import Span
from dsl.standing import THIRD_PARTY

if TYPE_CHECKING:
    from engine.ir.visitor import Visitor

R = TypeVar("R")

# The closed sets of words a node kind takes; a view or backend that matches on them is checked for completeness.
KeyKind = typing.Literal["exact", "range", "at_most", "at_least", "below"]
CompareOperator = typing.Literal[">=", "<=", ">", "<", "==", "!="]
ArithmeticOperator = typing.Literal["+", "-"]
ExtremeKind = typing.Literal["min", "max"]
QuantifierKind = typing.Literal["any", "all", "total", "highest"]
BuiltinName = typing.Literal["count", "worked_in", "continuous_full_time", "hours_worked", "hours_in", "age_on",
                             "full_time_years"]
Grouping = typing.Literal["all", "program", "category"]


@dataclass(frozen=True, slots=True, repr=False)
class SourceRef(FieldsRepr):
    """A cited source. `standing` is `official` or `third_party`, `confidence` a level (`dsl.standing`); either is
    None when the rules do not say."""

    id: str
    title: str
    url: str
    standing: str | None = None
    confidence: str | None = None

    @property
    def third_party(self) -> bool:
        return self.standing == THIRD_PARTY


@dataclass(frozen=True, slots=True, repr=False)
class Occupation(FieldsRepr):
    code: str
    title: str
    teer: int


@dataclass(frozen=True, slots=True, repr=False)
class OccupationList(FieldsRepr):
    name: str
    title: str
    cites: tuple[SourceRef, ...]
    occupations: tuple[Occupation, ...]
    span: Span
    codes: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "codes", frozenset(o.code for o in self.occupations))


@dataclass(frozen=True, slots=True, repr=False)
class KeyCell(FieldsRepr):
    """A key cell of a table row: `exact`, `range` (both ends included), `at_most`, `at_least` or `below`."""

    kind: KeyKind
    low: Any
    high: Any
    text: str

    def matches(self, value: Any) -> bool:
        if self.kind == "exact":
            return bool(value == self.low)
        if self.kind == "range":
            return bool(self.low <= value <= self.high)
        if self.kind == "at_least":
            return bool(value >= self.low)
        if self.kind == "at_most":
            return bool(value <= self.high)
        return bool(value < self.high)


@dataclass(frozen=True, slots=True, repr=False)
class TableRow(FieldsRepr):
    keys: tuple[KeyCell, ...]
    values: Mapping[str, Any]
    span: Span

    @property
    def label(self) -> str:
        """The row as a reader finds it in the table: its key cells."""
        return " | ".join(cell.text for cell in self.keys)


_FOUND_ROWS = 4096  # remembered lookups per table: a bound on memory, far above what real rules ask


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Table(FieldsRepr):
    """A cited, typed table; a lookup takes the first row whose key cells all match."""

    name: str
    title: str
    cites: tuple[SourceRef, ...]
    key_columns: tuple[str, ...]
    value_columns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    span: Span
    _exact: int = field(init=False)
    _index: dict[tuple[Any, ...], tuple[TableRow, ...]] = field(init=False)
    _found: dict[tuple[Any, ...], TableRow | None] = field(init=False)

    def __post_init__(self) -> None:
        """Index the rows by their leading key columns that hold exact values in every row (a test scale and an
        ability, an education level), so a lookup scans only the few rows that can match."""
        exact = 0
        while exact < len(self.key_columns) and all(row.keys[exact].kind == "exact" for row in self.rows):
            exact += 1
        index: dict[tuple[Any, ...], list[TableRow]] = {}
        for row in self.rows:
            index.setdefault(tuple(cell.low for cell in row.keys[:exact]), []).append(row)
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_index", {key: tuple(rows) for key, rows in index.items()})
        object.__setattr__(self, "_found", {})

    def row_for(self, keys: tuple[Any, ...]) -> TableRow | None:
        """The first row whose key cells all match. A table is looked up with few distinct keys (levels, ages,
        years), across categories and profiles alike, so the answers are remembered (up to a bound)."""
        try:
            return self._found[keys]
        except KeyError:
            pass
        except TypeError:  # a key that cannot be hashed: look it up every time
            return self._scan(keys)
        row = self._scan(keys)
        if len(self._found) < _FOUND_ROWS:
            self._found[keys] = row
        return row

    def _scan(self, keys: tuple[Any, ...]) -> TableRow | None:
        exact = self._exact
        for row in self._index.get(keys[:exact], ()):
            if all(cell.matches(key) for cell, key in zip(row.keys[exact:], keys[exact:])):
                return row
        return None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Node(FieldsRepr):
    """A rule-tree node: the span of the text it came from and its type. Each kind declares its children (one
    traversal for every pass, `engine.ir.visitor.walk`) and dispatches to its method of a `Visitor`."""

    span: Span
    type: t.Type

    def children(self) -> tuple[Node, ...]:
        raise NotImplementedError(type(self).__name__)

    def accept(self, visitor: Visitor[R]) -> R:
        raise NotImplementedError(type(self).__name__)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Literal(Node):
    value: Any
    text: str

    def children(self) -> tuple[Node, ...]:
        return ()

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.literal(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FactRef(Node):
    name: str

    def children(self) -> tuple[Node, ...]:
        return ()

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.fact_ref(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Local(Node):
    name: str

    def children(self) -> tuple[Node, ...]:
        return ()

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.local(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListRef(Node):
    table: OccupationList

    def children(self) -> tuple[Node, ...]:
        return ()

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.list_ref(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ConstantRef(Node):
    name: str
    description: str | None
    value: Any
    text: str
    cites: tuple[SourceRef, ...]

    def children(self) -> tuple[Node, ...]:
        return ()

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.constant_ref(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class FieldGet(Node):
    subject: Node
    name: str

    def children(self) -> tuple[Node, ...]:
        return (self.subject,)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.field_get(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class WindowNode(Node):
    length: Node
    anchor: Node

    def children(self) -> tuple[Node, ...]:
        return (self.length, self.anchor)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.window(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ListNode(Node):
    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.list_node(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Builtin(Node):
    function: BuiltinName
    description: str
    arguments: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.arguments

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.builtin(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class RuleCall(Node):
    """A use of a named definition; `rule` is filled in once every definition is lowered (definitions may refer to
    each other in any order)."""

    name: str
    arguments: tuple[Node, ...]
    rules: Mapping[str, Rule]

    @property
    def rule(self) -> Rule:
        return self.rules[self.name]

    def children(self) -> tuple[Node, ...]:
        return self.arguments

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.rule_call(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TableLookup(Node):
    table: Table
    keys: tuple[Node, ...]
    column: str

    def children(self) -> tuple[Node, ...]:
        return self.keys

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.table_lookup(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Selection(Node):
    """The elements of a list that meet a condition."""

    variable: str
    domain: Node
    where: Node

    def children(self) -> tuple[Node, ...]:
        return (self.domain, self.where)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.selection(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Extreme(Node):
    """`min(...)` (a cap) or `max(...)` (a floor)."""

    kind: ExtremeKind
    operands: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.extreme(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Compare(Node):
    operator: CompareOperator
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.compare(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Member(Node):
    item: Node
    collection: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.item, self.collection)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.member(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Arithmetic(Node):
    operator: ArithmeticOperator
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.arithmetic(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AllOf(Node):
    operands: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.all_of(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AnyOf(Node):
    operands: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.any_of(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.not_(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Quantifier(Node):
    kind: QuantifierKind
    variable: str
    domain: Node
    where: Node | None
    body: Node

    def children(self) -> tuple[Node, ...]:
        return (self.domain, self.body) if self.where is None else (self.domain, self.where, self.body)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.quantifier(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Otherwise(Node):
    first: Node
    fallback: Node

    def children(self) -> tuple[Node, ...]:
        return (self.first, self.fallback)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.otherwise(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node

    def children(self) -> tuple[Node, ...]:
        return (self.condition, self.then, self.otherwise)

    def accept(self, visitor: Visitor[R]) -> R:
        return visitor.conditional(self)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Rule(FieldsRepr):
    """A named definition: parameters, its plain-language description, citations, and its body."""

    name: str
    parameters: tuple[str, ...]
    description: str | None
    cites: tuple[SourceRef, ...]
    body: Node
    span: Span


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Category(FieldsRepr):
    """A category (or a program). `third_party` holds the third-party sources its verdict rests on: those it cites,
    and those cited by the occupation lists and definitions its condition reaches; `confidence` is the level its
    rule files give the category as written, when they give one."""

    id: str
    name: str
    cites: tuple[SourceRef, ...]
    condition: Node
    span: Span
    occupation_lists: tuple[OccupationList, ...]
    source_text: str
    third_party: tuple[SourceRef, ...] = ()
    confidence: str | None = None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Section(FieldsRepr):
    id: str
    title: str
    value: Node
    span: Span


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Score(FieldsRepr):
    """A points score in force from `in_force_from` to `in_force_until` (open-ended when `None`)."""

    id: str
    title: str
    cites: tuple[SourceRef, ...]
    in_force_from: date
    in_force_until: date | None
    sections: tuple[Section, ...]
    span: Span

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Pending(FieldsRepr):
    """A rule known to be in force from `in_force_from` whose content is not published. From that day, the score of
    a profile `reaches` holds for (or cannot be decided for) is only a lower bound."""

    id: str
    title: str
    cites: tuple[SourceRef, ...]
    in_force_from: date
    reaches: Node
    span: Span

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day

    def bound_note(self) -> str:
        """What a lower bound says about this rule: `the high-wage occupation points in force from 2026-11-03 are not
        encoded`."""
        return f"{self.title} in force from {self.in_force_from.isoformat()} are not encoded"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Round(FieldsRepr):
    """A round of invitations: its instructions (when, from which grouping, how many) and its published outcome.

    `grouping` is "all", "program" (with `target` a program id) or "category" (with `category` the compiled one).
    `held` is a date, or a date and time when the instructions give the hour.
    """

    number: int
    title: str
    cites: tuple[SourceRef, ...]
    held: date | datetime
    grouping: Grouping
    target: str | None
    category: Category | None
    instructions: str | None
    invitations: int
    lowest_crs: int | None
    tie_break: datetime | None
    span: Span

    @property
    def held_on(self) -> date:
        return self.held.date() if isinstance(self.held, datetime) else self.held


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True, repr=False)
class Rulebook(FieldsRepr):
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
    tables: Mapping[str, Table] = field(default_factory=dict)
    programs: tuple[Category, ...] = ()
    scores: tuple[Score, ...] = ()
    rounds: tuple[Round, ...] = ()
    pending: tuple[Pending, ...] = ()
    # False for `until DATE or later`: the end is not known, `in_force_until` is the last day the facts were checked,
    # and the instructions stay in force until new ones replace them.
    end_known: bool = True
    # What the backends build from this rulebook and keep for as long as it lives (closures, compiled SQL), keyed by
    # the backend's class: the rulebook owns its caches, no module does.
    backends: dict[type, Any] = field(default_factory=dict, compare=False, repr=False)

    def in_force_on(self, day: date) -> bool:
        """Whether `day` falls in the in-force period; past its last checked day, a rulebook whose end is not known
        is still in force."""
        return self.in_force_from <= day and (day <= self.in_force_until or not self.end_known)

    def period_text(self) -> str:
        """The in-force period in words: `2025-02-27 until 2026-02-17`, or `... until 2026-12-02 or later`."""
        return f"{self.in_force_from} until {self.in_force_until}" + ("" if self.end_known else " or later")

    def score_on(self, day: date) -> Score | None:
        """The score version in force on `day`, if any."""
        for score in self.scores:
            if score.in_force_on(day):
                return score
        return None

    def pending_on(self, day: date) -> tuple[Pending, ...]:
        """The pending rules in force on `day`: the score computed for that day may fall short of the law."""
        return tuple(p for p in self.pending if p.in_force_on(day))

    def round_pages(self) -> frozenset[str]:
        """The sources only rounds of invitations cite: pages that record an outcome, not a rule."""
        cited = {c.id for c in self.cites}
        cited.update(c.id for category in self.categories for c in category.cites)
        cited.update(c.id for rule in self.rules.values() for c in rule.cites)
        cited.update(c.id for table in self.occupation_lists.values() for c in table.cites)
        cited.update(c.id for constant in self.constants.values() for c in constant.cites)
        cited.update(c.id for table in self.tables.values() for c in table.cites)
        cited.update(c.id for program in self.programs for c in program.cites)
        cited.update(c.id for score in self.scores for c in score.cites)
        cited.update(c.id for pending in self.pending for c in pending.cites)
        return frozenset({c.id for r in self.rounds for c in r.cites} - cited)
