"""One contract over the rule tree: every node kind has its visitor method, and a backend that lacks one cannot be
constructed."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from engine import ir
from engine.eval.traced import TracedClosures
from engine.eval.verdicts import BareClosures
from engine.ir import nodes
from engine.ir.visitor import Visitor, walk, walk_with_rules

NODE_KINDS = [cls for _, cls in inspect.getmembers(nodes, inspect.isclass)
              if issubclass(cls, nodes.Node) and cls is not nodes.Node]


def test_there_is_one_visitor_method_per_node_kind() -> None:
    assert len(NODE_KINDS) == 22
    assert len(Visitor.__abstractmethods__) == len(NODE_KINDS)


@pytest.mark.parametrize("kind", NODE_KINDS, ids=lambda k: k.__name__)
def test_each_node_kind_dispatches_to_its_own_abstract_method(kind: type[nodes.Node]) -> None:
    called: list[str] = []

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            return lambda node: called.append(name)

    kind.accept(object.__new__(kind), Recorder())  # type: ignore[arg-type]
    assert len(called) == 1 and called[0] in Visitor.__abstractmethods__


def test_a_backend_that_lacks_a_node_kind_cannot_be_constructed() -> None:
    class Incomplete(BareClosures):
        pass

    del_method = "quantifier"
    lacking = type("Lacking", (Visitor,), {name: (lambda self, node: None) for name in Visitor.__abstractmethods__
                                           if name != del_method})
    with pytest.raises(TypeError, match=del_method):
        lacking()
    assert not inspect.isabstract(Incomplete)


def test_the_evaluators_implement_every_node_kind(rulebook_2025: ir.Rulebook) -> None:
    for backend in (TracedClosures, BareClosures):
        assert not inspect.isabstract(backend)
        assert isinstance(backend.of(rulebook_2025), Visitor)


def test_a_rulebook_keeps_one_builder_per_evaluator(rulebook_2025: ir.Rulebook) -> None:
    assert TracedClosures.of(rulebook_2025) is TracedClosures.of(rulebook_2025)
    assert BareClosures.of(rulebook_2025) is not TracedClosures.of(rulebook_2025)


def test_walk_reaches_every_node_of_a_category_and_rules_once(rulebook_2025: ir.Rulebook) -> None:
    french = next(c for c in rulebook_2025.categories if c.id == "french")
    shallow = list(walk(french.condition))
    deep = list(walk_with_rules(french.condition))
    assert shallow[0] is french.condition
    called = {n.name for n in deep if isinstance(n, ir.RuleCall)}
    assert {"in_pool", "french_proficiency"} <= called
    bodies = [n for n in deep if any(n is rulebook_2025.rules[name].body for name in called)]
    assert len(bodies) == len(called)  # each called rule's body entered once
    assert len(deep) > len(shallow)
