"""What a condition or a score reads: the one analysis of the rule tree that every suggestion starts from.

A `Footprint` is found by visiting the rule tree (`engine.ir.visitor.Visitor`), into every rule it calls with the
arguments bound: which facts of the profile it reads (as paths with `[]` for "each element":
`language_tests[].writing`),
of which type, whether it reads the as-of date (then time can change it), the language levels it compares against,
the occupation lists it asks for, the rules it goes through, and the conversion tables that turn one field into
another (`result.writing otherwise language_levels[..., result.writing_score].level`: a writing score becomes a writing
level through that table, which a suggestion inverts to name the raw score to reach).

Nothing here knows a category, a program or a test: the same analysis serves any rulebook an analyst writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsl import types as t
from engine import ir
from engine.ir.visitor import Visitor
from engine.model.facts import FACT_TYPES
from engine.model.quantities import LanguageLevel

AS_OF = "as_of"
# The built-in functions that read the work history through the occupation codes they are given.
_WORK_FIELDS = ("noc", "start", "end", "hours_per_week")
_WORK_BUILTINS = frozenset({"worked_in", "continuous_full_time", "hours_worked", "hours_in"})


@dataclass(frozen=True, slots=True)
class Conversion:
    """`record.level_field otherwise table[..., record.score_field].column`: how a raw field becomes a level."""

    origin: str
    level_field: str
    score_field: str
    variable: str
    lookup: ir.TableLookup


@dataclass(slots=True)
class Footprint:
    """Everything a node reads, in the order first met (so every use of it is deterministic)."""

    reads: dict[str, t.Type] = field(default_factory=dict)
    levels: set[int] = field(default_factory=set)
    lists: dict[str, ir.OccupationList] = field(default_factory=dict)
    rules: dict[str, ir.Rule] = field(default_factory=dict)
    conversions: dict[tuple[str, str], Conversion] = field(default_factory=dict)
    # Per conversion and lookup keys of a result, the lowest raw score of each level (see `levels.lowest_scores`):
    # found once per rulebook, as the footprint is, because a table holds hundreds of rows and every analysis of
    # every profile asks for the same few scales.
    lowest_scores: dict[tuple[int, tuple[Any, ...]], dict[int, float]] = field(default_factory=dict)

    @property
    def reads_time(self) -> bool:
        return AS_OF in self.reads

    def fields_of(self, origin: str) -> dict[str, t.Type]:
        """The fields read of each element (or of the record) at `origin`: `language_tests[]` gives `writing`, ..."""
        prefix = origin + "."
        return {path[len(prefix):]: kind for path, kind in self.reads.items()
                if path.startswith(prefix) and "." not in path[len(prefix):]}

    def origins(self) -> list[str]:
        """The lists whose elements are read (`language_tests[]`, `spouse.language_tests[]`, `work_history[]`)."""
        found: dict[str, None] = {}
        for path in self.reads:
            if "[]." in path:
                found.setdefault(path[:path.rindex("[].") + 2], None)
        return list(found)


def footprint(*nodes: ir.Node) -> Footprint:
    """What the nodes read (a condition, or every section of a score), into every rule they call."""
    reads = _Reads()
    for node in nodes:
        reads.visit(node)
    return reads.found


class _Reads(Visitor[str | None]):
    """Visits a node; returns the profile path of the value when it is a record or a list of the profile (a quantified
    variable is the path of its list with `[]`), so that a field read from it becomes a path too."""

    def __init__(self) -> None:
        self.found = Footprint()
        self.scopes: list[dict[str, str | None]] = [{}]
        self.entered: dict[tuple[str, tuple[str | None, ...]], str | None] = {}

    def _read(self, path: str, kind: t.Type) -> str:
        self.found.reads.setdefault(path, kind)
        return path

    def _level(self, value: object) -> None:
        if isinstance(value, LanguageLevel):
            self.found.levels.add(value.value)

    def _all(self, nodes: tuple[ir.Node, ...]) -> None:
        for child in nodes:
            child.accept(self)

    def _bound(self, variable: str, origin: str | None, nodes: tuple[ir.Node, ...]) -> None:
        self.scopes.append({**self.scopes[-1], variable: origin + "[]" if origin else None})
        self._all(nodes)
        self.scopes.pop()

    def literal(self, node: ir.Literal) -> str | None:
        self._level(node.value)
        return None

    def constant_ref(self, node: ir.ConstantRef) -> str | None:
        self._level(node.value)
        return None

    def fact_ref(self, node: ir.FactRef) -> str | None:
        return self._read(node.name, node.type)

    def local(self, node: ir.Local) -> str | None:
        return self.scopes[-1].get(node.name)

    def list_ref(self, node: ir.ListRef) -> str | None:
        self.found.lists.setdefault(node.table.name, node.table)
        return None

    def field_get(self, node: ir.FieldGet) -> str | None:
        origin = node.subject.accept(self)
        return self._read(f"{origin}.{node.name}", node.type) if origin else None

    def window(self, node: ir.WindowNode) -> str | None:
        self._all(node.children())
        return None

    def list_node(self, node: ir.ListNode) -> str | None:
        self._all(node.children())
        return None

    def builtin(self, node: ir.Builtin) -> str | None:
        self._all(node.children())
        if node.function in _WORK_BUILTINS:
            self._read("work_history", FACT_TYPES["work_history"])
            job = FACT_TYPES["work_history"]
            for name in _WORK_FIELDS:
                kind = job.element.field_type(name) if isinstance(job, t.ListOf) and isinstance(job.element,
                                                                                             t.Record) else None
                self._read(f"work_history[].{name}", kind or t.ANY)
        return None

    def rule_call(self, node: ir.RuleCall) -> str | None:
        origins = tuple(argument.accept(self) for argument in node.arguments)
        key = (node.name, origins)
        if key not in self.entered:
            rule = node.rule
            self.found.rules.setdefault(rule.name, rule)
            self.entered[key] = None
            self.scopes.append(dict(zip(rule.parameters, origins)))
            self.entered[key] = rule.body.accept(self)
            self.scopes.pop()
        return self.entered[key]

    def table_lookup(self, node: ir.TableLookup) -> str | None:
        self._all(node.children())
        return None

    def selection(self, node: ir.Selection) -> str | None:
        origin = node.domain.accept(self)
        self._bound(node.variable, origin, (node.where,))
        return origin

    def extreme(self, node: ir.Extreme) -> str | None:
        self._all(node.children())
        return None

    def compare(self, node: ir.Compare) -> str | None:
        self._all(node.children())
        return None

    def member(self, node: ir.Member) -> str | None:
        self._all(node.children())
        return None

    def arithmetic(self, node: ir.Arithmetic) -> str | None:
        self._all(node.children())
        return None

    def all_of(self, node: ir.AllOf) -> str | None:
        self._all(node.children())
        return None

    def any_of(self, node: ir.AnyOf) -> str | None:
        self._all(node.children())
        return None

    def not_(self, node: ir.Not) -> str | None:
        self._all(node.children())
        return None

    def quantifier(self, node: ir.Quantifier) -> str | None:
        origin = node.domain.accept(self)
        self._bound(node.variable, origin, tuple(c for c in (node.where, node.body) if c is not None))
        return None

    def otherwise(self, node: ir.Otherwise) -> str | None:
        self._conversion(node)
        first = node.first.accept(self)
        node.fallback.accept(self)
        return first

    def conditional(self, node: ir.Conditional) -> str | None:
        self._all(node.children())
        return None

    def _conversion(self, node: ir.Otherwise) -> None:
        """`x.f otherwise table[..., x.g, ...].column`: the field `g` of the same record converts to `f`."""
        first, fallback = node.first, node.fallback
        if not (isinstance(first, ir.FieldGet) and isinstance(first.subject, ir.Local)
                and isinstance(fallback, ir.TableLookup)):
            return
        variable = first.subject.name
        origin = self.scopes[-1].get(variable)
        if origin is None:
            return
        for key in fallback.keys:
            if isinstance(key, ir.FieldGet) and isinstance(key.subject, ir.Local) and key.subject.name == variable:
                self.found.conversions.setdefault(
                    (origin, first.name), Conversion(origin, first.name, key.name, variable, fallback))
