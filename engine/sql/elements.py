"""Values computed once per element of a list: a definition that reads only one element of a list (and values known
when compiling) and looks a table up itself (a language level from a raw score) is a field of the element, computed
once however many rules read it (as the evaluator computes per-element values once), rather than in every rule.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine import ir
from engine.sql import expr as x
from engine.sql.analyses import applies_derivable, element_only, looks_up
from engine.sql.guards import Guards
from engine.sql.state import DerivedList
from engine.sql.values import ELEMENT, Element, Static, Value


class Elements(Guards):
    def derived_call(self, node: ir.RuleCall, arguments: list[Value]) -> x.Expr | None:
        """A definition applied to an element of a list with derived fields, as a field of the element."""
        elements = [a for a in arguments if isinstance(a, Element)]
        if len(elements) != 1 or not all(isinstance(a, (Element, Static)) for a in arguments) \
                or not self.derivable(node.rule):
            return None
        (element,) = elements
        derived = self.state.derived[element.derived]
        key = (node.name, tuple(repr(a.value) if isinstance(a, Static) else None for a in arguments))
        if key not in derived.names:
            inner: dict[str, Value] = {name: Element(ELEMENT, element.derived) if isinstance(a, Element) else a
                                       for name, a in zip(node.rule.parameters, arguments)}
            self.state.context.append([element.derived, 1])
            self.state.depth += 1
            try:
                sql = self.sql(node.rule.body, inner)
            finally:
                self.state.depth -= 1
                level = self.state.context.pop()[1]
            derived.names[key] = derived.field(self.key(sql), sql, level)
        alias = derived.names[key]
        self.read_field(derived.levels[alias])
        return x.ElementField(element.variable, alias)

    def read_field(self, level: int) -> None:
        """The derived field being compiled reads a field of `level`: it is computed in a later pass."""
        if self.state.context:
            self.state.context[-1][1] = max(self.state.context[-1][1], level + 1)

    def derived_key(self, key: ir.Node, env: Mapping[str, Value]) -> x.Expr:
        """A table key computed per element, inside a derived field: a field of its own, one pass earlier, so the
        lookup's CASE reads a plain value rather than extracting it from the element in every branch."""
        index = self.state.context[-1][0]
        self.state.context.append([index, 1])
        try:
            sql = self.sql(key, env)
        finally:
            level = self.state.context.pop()[1]
        if isinstance(sql, x.ElementField) and sql.variable == ELEMENT:
            self.read_field(level - 1)
            return sql
        alias = self.state.derived[index].field(self.key(sql), sql, level)
        self.read_field(self.state.derived[index].levels[alias])
        return x.ElementField(ELEMENT, alias)

    def derivable(self, rule: ir.Rule) -> bool:
        """A definition worth computing once per element: it looks a table up in its own body, and it reads nothing
        of the profile but its parameters (through every definition it calls)."""
        known = self.state.derivable.get(rule.name)
        if known is None:
            known = looks_up(rule.body) and element_only(rule.body, frozenset(rule.parameters))
            self.state.derivable[rule.name] = known
        return known

    def element_variable(self, variable: str, domain: x.Expr, nodes: tuple[ir.Node | None, ...],
                         name: str) -> Element | None:
        """A quantifier at the top of the query whose body applies a derivable definition to its variable ranges over
        the list with derived fields (one per distinct list), and its variable is an `Element`."""
        if self.state.depth != 0 or self.state.per_code or not applies_derivable(nodes, name, self.derivable):
            return None
        key = self.key(domain)
        index = next((i for i, derived in enumerate(self.state.derived) if derived.key == key), None)
        if index is None:
            self.state.derived.append(DerivedList(domain, key))
            index = len(self.state.derived) - 1
        self.read(f"dl:{index}")
        return Element(variable, index)

    def derived_list(self, index: int) -> x.Expr:
        """The list with its derived fields: each element wrapped (`r`), then one pass per level of fields (a field
        reads the fields of lower levels), each pass copying the fields already computed."""
        derived = self.state.derived[index]
        element = x.Var(ELEMENT)
        sql: x.Expr = x.Lambda("transform", derived.domain, ELEMENT, x.Struct((("r", element),)))
        done: list[tuple[str, x.Expr]] = [("r", x.Field(element, "r"))]
        for level in range(1, max(derived.levels.values(), default=0) + 1):
            new = [(alias, derived.exprs[alias]) for alias in derived.fields.values() if derived.levels[alias] == level]
            sql = x.Lambda("transform", sql, ELEMENT, x.Struct(tuple(done + new)))
            done += [(alias, x.ElementField(ELEMENT, alias)) for alias, _ in new]
        needed = self.needed(f"dl:{index}")
        return x.Case(((needed, sql),)) if needed is not None else sql
