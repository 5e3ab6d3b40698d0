"""The one contract over the rule tree: a method per node kind, and one traversal.

Every backend and view (the traced evaluator, the evaluator without a trace, the SQL compiler, the explanation's
labels, the plain-language description) is a `Visitor`: it declares what to make of each of the 22 node kinds. The
methods are abstract, so a backend that forgets a kind cannot be constructed (`TypeError` at construction, and
`mypy --strict` refuses to instantiate it): adding a node kind means adding one method here, one `accept` in
`engine.ir.nodes`, and one method in each visitor, and the type checker lists every visitor still missing it.

Dispatch is double (`node.accept(visitor)`), so a visitor pays one method call per node; the evaluators visit each
node once, when they build its closure, never per profile.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Generic, TypeVar

from engine.ir import nodes as n

R = TypeVar("R")


class Visitor(ABC, Generic[R]):
    """What a backend or view makes of each kind of rule-tree node."""

    def visit(self, node: n.Node) -> R:
        return node.accept(self)

    # values and names
    @abstractmethod
    def literal(self, node: n.Literal) -> R: ...
    @abstractmethod
    def constant_ref(self, node: n.ConstantRef) -> R: ...
    @abstractmethod
    def fact_ref(self, node: n.FactRef) -> R: ...
    @abstractmethod
    def local(self, node: n.Local) -> R: ...
    @abstractmethod
    def list_ref(self, node: n.ListRef) -> R: ...
    @abstractmethod
    def field_get(self, node: n.FieldGet) -> R: ...
    @abstractmethod
    def window(self, node: n.WindowNode) -> R: ...
    @abstractmethod
    def list_node(self, node: n.ListNode) -> R: ...

    # functions, rules and tables
    @abstractmethod
    def builtin(self, node: n.Builtin) -> R: ...
    @abstractmethod
    def rule_call(self, node: n.RuleCall) -> R: ...
    @abstractmethod
    def table_lookup(self, node: n.TableLookup) -> R: ...
    @abstractmethod
    def selection(self, node: n.Selection) -> R: ...
    @abstractmethod
    def extreme(self, node: n.Extreme) -> R: ...

    # comparisons and arithmetic
    @abstractmethod
    def compare(self, node: n.Compare) -> R: ...
    @abstractmethod
    def member(self, node: n.Member) -> R: ...
    @abstractmethod
    def arithmetic(self, node: n.Arithmetic) -> R: ...

    # logic
    @abstractmethod
    def all_of(self, node: n.AllOf) -> R: ...
    @abstractmethod
    def any_of(self, node: n.AnyOf) -> R: ...
    @abstractmethod
    def not_(self, node: n.Not) -> R: ...
    @abstractmethod
    def quantifier(self, node: n.Quantifier) -> R: ...
    @abstractmethod
    def otherwise(self, node: n.Otherwise) -> R: ...
    @abstractmethod
    def conditional(self, node: n.Conditional) -> R: ...


def walk(node: n.Node) -> Iterator[n.Node]:
    """The node and every node below it, parents first, children in order. A rule call's arguments are below it; the
    called rule's body is not (rules are shared; walk `rule.body` to go into one)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def walk_with_rules(node: n.Node) -> Iterator[n.Node]:
    """Like `walk`, and into the body of every rule called, each rule once."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, n.RuleCall) and current.name not in seen:
            seen.add(current.name)
            stack.append(current.rule.body)
        stack.extend(reversed(current.children()))
