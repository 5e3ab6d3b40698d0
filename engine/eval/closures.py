"""Closures built once per rule-tree node and kept for as long as the rulebook is.

Both evaluators (with a trace, `engine.eval.traced`; without, `engine.eval.verdicts`) turn each node met on a profile
into a small closure that holds its children's closures and what the node fixes in advance (an operator, a field's
path, a rule's name); evaluation then calls closures instead of dispatching on node types and reading node fields. Each
evaluator has its own builders, one per node type; this module only keeps what they build, per rulebook.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from engine import ir

C = TypeVar("C")


class Program(Generic[C]):
    """The closures of one rulebook's nodes for one evaluator, built on first use."""

    __slots__ = ("builders", "closures")

    def __init__(self, builders: Mapping[type, Callable[[Program[C], Any], C]]) -> None:
        self.builders = builders
        self.closures: dict[ir.Node, C] = {}

    def closure(self, node: ir.Node) -> C:
        found = self.closures.get(node)
        if found is None:
            found = self.closures[node] = self.builders[type(node)](self, node)
        return found


class Programs(Generic[C]):
    """One evaluator's programs, one per rulebook, dropped with the rulebook."""

    def __init__(self, builders: Mapping[type, Callable[[Program[C], Any], C]]) -> None:
        self.builders = builders
        self.by_rulebook: weakref.WeakKeyDictionary[ir.Rulebook, Program[C]] = weakref.WeakKeyDictionary()

    def of(self, rulebook: ir.Rulebook) -> Program[C]:
        program = self.by_rulebook.get(rulebook)
        if program is None:
            program = self.by_rulebook[rulebook] = Program(self.builders)
        return program
