"""Closures built once per rule-tree node and kept with the rulebook.

Both evaluators (with a trace, `engine.eval.traced`; without, `engine.eval.verdicts`) are visitors of the rule tree
(`engine.ir.visitor.Visitor`) that turn each node into a small closure holding its children's closures and what the
node fixes in advance (an operator, a field's path, a rule's name). Evaluation then calls closures instead of
dispatching on node types and reading node fields: the visitor's dispatch happens once per node, never per profile.

A builder is owned by the rulebook it builds for (`Rulebook.backends`), so its closures live exactly as long as the
rulebook does, with no cache held by a module.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Generic, TypeVar

from engine import ir
from engine.ir.visitor import Visitor

C = TypeVar("C")
B = TypeVar("B", bound="ClosureBuilder[Any]")


class ClosureBuilder(Visitor[C], Generic[C]):
    """A visitor that makes one closure per node, each made once and remembered."""

    def __init__(self, rulebook: ir.Rulebook) -> None:
        self.rulebook = rulebook
        self.closures: dict[ir.Node, C] = {}

    def closure(self, node: ir.Node) -> C:
        found = self.closures.get(node)
        if found is None:
            found = self.closures[node] = node.accept(self)
        return found

    # Both evaluators treat a literal and a named constant alike (a value fixed in advance), and `and`/`or` alike (a
    # connective that one value settles).

    def literal(self, node: ir.Literal) -> C:
        return self.value(node)

    def constant_ref(self, node: ir.ConstantRef) -> C:
        return self.value(node)

    def all_of(self, node: ir.AllOf) -> C:
        return self.connective(node)

    def any_of(self, node: ir.AnyOf) -> C:
        return self.connective(node)

    @abstractmethod
    def value(self, node: ir.Literal | ir.ConstantRef) -> C: ...

    @abstractmethod
    def connective(self, node: ir.AllOf | ir.AnyOf) -> C: ...

    @classmethod
    def of(cls: type[B], rulebook: ir.Rulebook) -> B:
        """This evaluator's builder for the rulebook, made on first use and kept with it."""
        found = rulebook.backends.get(cls)
        if found is None:
            found = rulebook.backends[cls] = cls(rulebook)
        assert isinstance(found, cls)
        return found
