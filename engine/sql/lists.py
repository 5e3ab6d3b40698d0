"""Quantifiers, selections and aggregates over a profile's lists, as list lambdas.

A quantifier's three-valued results are folded as 0 (false) < 1 (missing) < 2 (true): `any` is the maximum, `all`
the minimum. A long value read twice (to test for a missing element and to compute the result) is bound once to a
lambda variable rather than written twice.
"""

from __future__ import annotations

from collections.abc import Mapping

from dsl import types as t
from engine import ir
from engine.sql import expr as x
from engine.sql.context import BIND_LENGTH
from engine.sql.values import Code, NotPerCode, Static, Value
from engine.sql.work import WorkReads

ZERO = x.Token("0")


def missing_in(values: x.Expr, variable: str) -> x.Expr:
    """How many elements of a list are missing, above zero."""
    count = x.ListCall("length", (x.Lambda("filter", values, variable, x.IsNull(x.Var(variable))),))
    return x.Infix(">", (count, ZERO), parens=False)


class Lists(WorkReads):
    def quantify(self, node: ir.Quantifier, env: Mapping[str, Value]) -> x.Expr:
        if node.kind in ("total", "highest"):
            return self.aggregate(node, env)
        if self.state.depth == 0 and not self.state.per_code and isinstance(node.domain, ir.Builtin) \
                and node.domain.function == "worked_in":
            try:
                return self.per_code_quantifier(node, env)
            except NotPerCode:
                self.state.per_code = False
        return self.lambda_quantifier(node, env)

    def lambda_quantifier(self, node: ir.Quantifier, env: Mapping[str, Value]) -> x.Expr:
        variable = self.state.fresh("x")
        domain = self.value(node.domain, env)
        worked_in = isinstance(node.domain, ir.Builtin) and node.domain.function == "worked_in"
        listed = isinstance(domain, Static) and isinstance(domain.value, ir.OccupationList) or worked_in
        if isinstance(node.domain, ir.Builtin) and worked_in:
            domain_sql = self.worked_in(node.domain, env, ordered=False)
        else:
            domain_sql = self.sql(node.domain, env)
        derived = None if listed else self.element_variable(variable, domain_sql, (node.body, node.where),
                                                             node.variable)
        if derived is not None:
            domain_sql = x.Column("p", f"dl{derived.derived}")
        elif self.state.depth == 0 and not self.state.per_code and not isinstance(domain, Static):
            domain_sql = self.hoist(domain_sql)
        if not isinstance(domain, Static):
            domain_sql = self.guard(domain_sql)
        bound: Value = derived or (Code(x.Var(variable)) if listed else x.Var(variable))
        inner: dict[str, Value] = {**env, node.variable: bound}
        self.state.depth += 1
        body = self.sql(node.body, inner)
        where = self.sql(node.where, inner) if node.where is not None else None
        self.state.depth -= 1
        element = self.element(node.kind, where, body)
        encoded = x.Call("coalesce", (x.Infix("*", (x.Cast(element, "INTEGER"), x.Token("2")), parens=False),
                                      x.Token("1")))
        folded = x.Lambda("transform", domain_sql, variable, encoded)
        fold = x.Call("coalesce", (x.ListCall("list_max", (folded,)), ZERO)) if node.kind == "any" \
            else x.Call("coalesce", (x.ListCall("list_min", (folded,)), x.Token("2")))
        verdict = x.Case(((x.Token("2"), x.TRUE), (ZERO, x.FALSE)), subject=fold)
        return x.Case(((x.IsNull(domain_sql), x.NULL),), verdict)

    def lambda_parts(self, variable_node: str, domain: ir.Node, where: ir.Node | None, body: ir.Node | None,
                     env: Mapping[str, Value]) -> tuple[x.Expr, str, x.Expr | None, x.Expr | None]:
        """A list's SQL, a fresh lambda variable, and the `where` and body read for one element. With a body (the
        elements themselves are not kept), the list may carry derived fields."""
        variable = self.state.fresh("x")
        domain_sql = self.sql(domain, env)
        element = self.element_variable(variable, domain_sql, (body, where), variable_node) if body is not None \
            else None
        if element is not None:
            domain_sql = x.Column("p", f"dl{element.derived}")
        elif self.state.depth == 0 and not self.state.per_code:
            domain_sql = self.hoist(domain_sql)
        domain_sql = self.guard(domain_sql)
        bound: Value = element or x.Var(variable)
        inner: dict[str, Value] = {**env, variable_node: bound}
        self.state.depth += 1
        where_sql = self.sql(where, inner) if where is not None else None
        body_sql = self.sql(body, inner) if body is not None else None
        self.state.depth -= 1
        return domain_sql, variable, where_sql, body_sql

    def select(self, node: ir.Selection, env: Mapping[str, Value]) -> x.Expr:
        """`each x in xs where c`: the elements whose `c` is true; missing when any element's `c` is missing."""
        domain, variable, where, _ = self.lambda_parts(node.variable, node.domain, node.where, None, env)
        assert where is not None
        unknown = x.ListCall("length", (x.Lambda("filter", domain, variable, x.IsNull(where)),))
        missing = x.Infix("OR", (x.IsNull(domain), x.Infix(">", (unknown, ZERO), parens=False)), parens=False)
        return x.Case(((missing, x.NULL),), x.Lambda("filter", domain, variable, where))

    def aggregate(self, node: ir.Quantifier, env: Mapping[str, Value]) -> x.Expr:
        """`total` and `highest`: elements whose `where` is false are left out; a missing `where` or value makes the
        result missing; over no element the result is zero of the body's kind."""
        domain, variable, where, body = self.lambda_parts(node.variable, node.domain, node.where, node.body, env)
        assert body is not None
        kept = x.Lambda("filter", domain, variable, x.Call("coalesce", (where, x.TRUE))) if where is not None \
            else domain
        value = x.Case(((x.IsNull(where), x.NULL),), body) if where is not None else body
        values = x.Lambda("transform", kept, variable, value)
        zero: x.Expr = x.Double(0.0) if node.type == t.HOURS else ZERO
        if self.width(values, BIND_LENGTH) > BIND_LENGTH:
            return x.Case(((x.IsNull(domain), x.NULL),), self.bound_aggregate(node, values, zero))
        total = self.total(node.kind, values, zero)
        missing = x.Infix("OR", (x.IsNull(domain), missing_in(values, "v_")), parens=False)
        return x.Case(((missing, x.NULL),), total)

    @staticmethod
    def total(kind: str, values: x.Expr, zero: x.Expr) -> x.Expr:
        if kind == "total":
            return x.ListCall("list_sum", (values, zero))
        return x.Call("coalesce", (x.ListCall("list_max", (values,)), zero))

    def bound_extreme(self, kind: str, operands: tuple[x.Expr, ...]) -> x.Expr:
        """`min`/`max` of long operands (a capped CRS factor): the operands are computed once, as a list bound to a
        lambda variable, rather than once for the NULL test and again for the value; missing if one is missing."""
        bound = self.state.fresh("e")
        pick = x.ListCall("list_min" if kind == "min" else "list_max", (x.Var(bound),))
        return x.Lambda("bind", x.Array(operands), bound,
                        x.Case(((missing_in(x.Var(bound), f"{bound}x"), x.NULL),), pick))

    def bound_aggregate(self, node: ir.Quantifier, values: x.Expr, zero: x.Expr) -> x.Expr:
        """`total`/`highest` over a long body: the list of values is computed once (bound to a lambda variable), not
        once for its sum or maximum and again to find a missing value in it (nested caps would copy it each time)."""
        bound = self.state.fresh("a")
        total = self.total(node.kind, x.Var(bound), zero)
        return x.Lambda("bind", values, bound, x.Case(((missing_in(x.Var(bound), f"{bound}v"), x.NULL),), total))
