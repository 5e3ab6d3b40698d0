"""Who uses whom among definitions and constants, and what a rule costs once every use is written out in full.

The evaluator remembers each definition's answer, but an explanation, a diff and the SQL backend write a rule out
with its definitions in place, and walk it as deep as it goes. A definition that uses the previous one twice, over
twenty levels, is a million parts written out; a chain of a few hundred definitions is deeper than a walk can go. Both
can be told from the rule files alone, before anything runs, and in time linear in their size: each declaration's
cost is computed once, from the costs of those it uses, with no recursion.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dsl import ast


def references(expr: ast.Expr, local: frozenset[str]) -> Iterator[str]:
    """The global names an expression reads (constants, lists, definitions, facts), minus its local names."""
    stack: list[tuple[ast.Node, frozenset[str]]] = [(expr, local)]
    while stack:
        node, names = stack.pop()
        if isinstance(node, ast.Name):
            if node.name not in names:
                yield node.name
            continue
        if isinstance(node, ast.Call) and node.function not in names:
            yield node.function
        if isinstance(node, ast.Lookup):
            yield node.table
        if isinstance(node, ast.Selection):
            stack.append((node.domain, names))
            stack.append((node.where, names | {node.variable}))
            continue
        if isinstance(node, ast.Quantifier):
            stack.append((node.domain, names))
            inner = names | {node.variable}
            stack.extend((child, inner) for child in (node.where, node.body) if child is not None)
            continue
        stack.extend((child, names) for child in node.children())


@dataclass(frozen=True, slots=True)
class Cost:
    """What a rule is once every definition and constant it uses is written out: how many parts (`size`, capped
    just above `cap` so that numbers stay small) and how deep it goes (`depth`)."""

    size: int
    depth: int


class Uses:
    """The declarations of a rulebook that others can use by name (definitions and constants), in an order where
    each comes after those it uses (a circle, refused elsewhere, is cut where it closes)."""

    def __init__(self, definitions: Mapping[str, ast.Define], constants: Mapping[str, ast.Constant]) -> None:
        self.bodies: dict[str, tuple[ast.Expr, frozenset[str]]] = {
            **{name: (c.value, frozenset()) for name, c in constants.items()},
            **{name: (d.body, frozenset(p.name for p in d.parameters)) for name, d in definitions.items()},
        }
        self.uses = {name: sorted({n for n in references(body, local) if n in self.bodies and n != name})
                     for name, (body, local) in self.bodies.items()}
        self.order = self._used_first()

    def _used_first(self) -> list[str]:
        order: list[str] = []
        visited: set[str] = set()
        for root in sorted(self.bodies):
            if root in visited:
                continue
            visited.add(root)
            stack: list[tuple[str, Iterator[str]]] = [(root, iter(self.uses[root]))]
            while stack:
                name, pending = stack[-1]
                following = next(pending, None)
                if following is None:
                    order.append(name)
                    stack.pop()
                elif following not in visited:
                    visited.add(following)
                    stack.append((following, iter(self.uses[following])))
        return order

    def costs(self, cap: int) -> dict[str, Cost]:
        """The cost of every definition and constant, each computed once from those it uses."""
        found: dict[str, Cost] = {}
        for name in self.order:
            body, local = self.bodies[name]
            found[name] = cost_of(body, local, found, cap)
        return found


def cost_of(expr: ast.Expr, local: frozenset[str], known: Mapping[str, Cost], cap: int) -> Cost:
    """The cost of an expression whose uses of definitions and constants have the costs `known`."""
    size = 0
    depth = 0
    stack: list[tuple[ast.Node, int, frozenset[str]]] = [(expr, 1, local)]
    while stack:
        node, level, names = stack.pop()
        size += 1
        used = node.name if isinstance(node, ast.Name) else node.function if isinstance(node, ast.Call) else None
        inner = known.get(used) if used is not None and used not in names else None
        if inner is not None:
            size += inner.size
            depth = max(depth, level + inner.depth)
        else:
            depth = max(depth, level)
        if size > cap:
            size = cap + 1
        if isinstance(node, (ast.Quantifier, ast.Selection)):
            scoped = names | {node.variable}
            stack.append((node.domain, level + 1, names))
            stack.extend((child, level + 1, scoped) for child in node.children() if child is not node.domain)
        else:
            stack.extend((child, level + 1, names) for child in node.children())
    return Cost(min(size, cap + 1), depth)
