"""Where a value is needed, and values computed once per profile.

A list lambda runs over every element of its input, whatever CASE surrounds it: so a list is made NULL where the
expression reading it is not needed (a guard), and a view or a definition's column is computed only for the profiles
that read it. A definition read in several places is a column of its own, computed once per profile; a value read by
several rules is hoisted into the innermost projection.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from engine import ir
from engine.sql import expr as x
from engine.sql.analyses import has_placeholder, pool_only, reads_rule_column
from engine.sql.context import CompilerBase
from engine.sql.values import Code, NotPerCode, Static, Value, as_sql

PLAIN_NAME = frozenset(string.ascii_lowercase + "_")  # a fact's own column, as opposed to a computed one (`p.h3`)


class Guards(CompilerBase):
    def guarded(self, guard: x.Expr, node: ir.Node, env: Mapping[str, Value]) -> x.Expr:
        """`node` is needed only where `guard` holds: the lists its quantifiers run over are NULL elsewhere, when the
        guard is cheap."""
        if self.state.depth != 0 or self.state.per_code or not self.cheap(guard):
            return self.sql(node, env)
        self.state.guards.append(guard)
        try:
            return self.sql(node, env)
        finally:
            self.state.guards.pop()

    def guard(self, domain: x.Expr) -> x.Expr:
        if not self.state.guards or self.state.depth != 0 or self.state.per_code:
            return domain
        return x.Case(((x.Infix("AND", tuple(self.state.guards), parens=False), domain),))

    def read(self, view: str, everyone: bool = False) -> None:
        """A view (or a definition's column, `rule:name`) is read here: by every profile, or by the profiles the
        guards keep. Only guards that read the pool's own columns count (leaving a guard out reads more profiles, never
        fewer), and the placeholder of the definition being compiled, which stands for where that definition is needed
        (see `needed`); a view or column is computed for the profiles that read it."""
        usable = [g for g in self.state.guards
                  if isinstance(g, x.Needed) or not has_placeholder(g) and pool_only(g)]
        reads = self.state.reads
        if everyone or not usable:
            reads[view] = None
        elif reads.get(view, []) is not None:
            reads.setdefault(view, []).append(x.Infix("AND", tuple(usable), parens=False))  # type: ignore[union-attr]

    def needed(self, view: str) -> x.Expr | None:
        """Where a view, a list or a column is needed: None for every profile, else the guards of its readers (a
        definition's placeholder in them is resolved when rendered)."""
        guards = self.state.reads.get(view)
        if not guards:
            return None
        return x.Infix("OR", tuple(x.Paren(g) for g in self.unique(guards)), parens=False)

    def column_guard(self, name: str) -> x.Expr:
        """Where a definition's column is needed: TRUE, or the guards of the places that read it."""
        return self.needed(f"rule:{name}") or x.TRUE

    def rule_column(self, node: ir.RuleCall) -> Value:
        """A definition without parameters is computed once per profile, as a column of its own: a layer of the
        query per depth of definitions that read such columns (so no definition's SQL is copied into another's)."""
        state = self.state
        if not state.per_code:
            self.read(f"rule:{node.name}")
        if node.name in state.rule_columns:
            alias, _, level = state.rule_columns[node.name]
        else:
            if state.per_code:
                raise NotPerCode
            saved, guards = state.depth, state.guards
            state.depth, state.guards = 0, [x.Needed(node.name)]
            state.levels.append(1)
            try:
                value = self.value(node.rule.body, {})
            finally:
                level = state.levels.pop()
                state.depth, state.guards = saved, guards
            if isinstance(value, (Static, Code)):
                return value
            alias = f"rule{len(state.rule_columns)}_{node.name}"
            state.rule_columns[node.name] = (alias, as_sql(value, node), level)
        if state.per_code:
            raise NotPerCode
        if state.levels:
            state.levels[-1] = max(state.levels[-1], level + 1)
        return x.RuleColumn(alias)

    def hoist(self, sql: x.Expr) -> x.Expr:
        """A per-profile value computed once, in the innermost projection, whatever number of rules use it. Only for
        expressions that read the profile's columns (never a quantifier's variable)."""
        if reads_rule_column(sql) or isinstance(sql, x.Column) and sql.table == "p" and set(sql.name) <= PLAIN_NAME:
            return sql
        alias = self.state.hoisted.add(self.key(sql), sql, f"h{len(self.state.hoisted)}")
        return x.Column("p", alias)
