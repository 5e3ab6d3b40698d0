"""What the compiler needs to know about a rule tree, or about the SQL it built, before deciding how to compile it.

Rule-tree analyses: how many places read a definition (read by two, it becomes a column of its own), whether a
definition is worth computing once per element of a list, whether an expression reads variables from outside.
SQL-tree analyses: which pool columns an expression reads, whether it holds a list lambda. Both walk trees; none
reads SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from engine import ir
from engine.model.pool_columns import COLUMNS as POOL_COLUMNS
from engine.sql import expr as x


def output_roots(rulebook: ir.Rulebook, as_of: date) -> list[ir.Node]:
    """The rule trees behind the `programs`, `crs` and `crs_source` columns: each program's condition, the sections
    of the score version in force on the as-of date, and what the pending rules in force on that date reach."""
    roots = [program.condition for program in rulebook.programs]
    score = rulebook.score_on(as_of)
    if score is None:
        return roots
    return roots + [section.value for section in score.sections] + \
        [pending.reaches for pending in rulebook.pending_on(as_of)]


def count_uses(rulebook: ir.Rulebook, as_of: date) -> dict[str, int]:
    """How many places read each definition without parameters (through the definitions with parameters, which are
    copied where they are called, each call counts)."""
    uses: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[ir.Node, int]] = [(category.condition, 1) for category in rulebook.categories]
    stack += [(root, 1) for root in output_roots(rulebook, as_of)]
    stack.reverse()
    while stack:
        node, through = stack.pop()
        if isinstance(node, ir.RuleCall) and not node.rule.parameters:
            uses[node.name] = uses.get(node.name, 0) + through
            if id(node.rule) not in seen:
                seen.add(id(node.rule))
                stack.append((node.rule.body, 1))
            continue
        below = [(child, through) for child in node.children()]
        if isinstance(node, ir.RuleCall):
            below.insert(0, (node.rule.body, through))
        stack.extend(reversed(below))
    return uses


def looks_up(node: ir.Node) -> bool:
    """A table lookup in this expression, not counting the definitions it calls."""
    if isinstance(node, ir.TableLookup):
        return True
    return not isinstance(node, ir.RuleCall) and any(looks_up(child) for child in node.children())


def element_only(node: ir.Node, bound: frozenset[str]) -> bool:
    """The expression reads only the variables `bound` and values known when compiling (and the as-of date)."""
    if isinstance(node, ir.FactRef):
        return node.name == "as_of"
    if isinstance(node, ir.Local):
        return node.name in bound
    if isinstance(node, ir.RuleCall):
        return bool(node.rule.parameters) and all(element_only(a, bound) for a in node.arguments) \
            and element_only(node.rule.body, frozenset(node.rule.parameters))
    if isinstance(node, (ir.Quantifier, ir.Selection)):
        inner = bound | {node.variable}
        return element_only(node.domain, bound) and all(
            element_only(child, inner) for child in node.children() if child is not node.domain)
    return all(element_only(child, bound) for child in node.children())


def applies_derivable(nodes: Iterable[ir.Node | None], variable: str, derivable: Callable[[ir.Rule], bool]) -> bool:
    """Some definition worth computing per element is applied to `variable` in these expressions (directly, or
    through the definitions they pass it to)."""
    for node in nodes:
        if node is None:
            continue
        if isinstance(node, ir.RuleCall) and node.rule.parameters:
            for parameter, argument in zip(node.rule.parameters, node.arguments):
                if isinstance(argument, ir.Local) and argument.name == variable and (
                        derivable(node.rule) or applies_derivable((node.rule.body,), parameter, derivable)):
                    return True
        if isinstance(node, (ir.Quantifier, ir.Selection)) and node.variable == variable:
            if applies_derivable((node.domain,), variable, derivable):
                return True
            continue
        if applies_derivable(node.children(), variable, derivable):
            return True
    return False


def reads_outer_locals(node: ir.Node, bound: frozenset[str]) -> bool:
    """The expression reads a variable other than `bound` and those of its own quantifiers (a definition's body
    reads only its parameters: its arguments are what count)."""
    if isinstance(node, ir.Local):
        return node.name not in bound
    if isinstance(node, ir.RuleCall):
        return any(reads_outer_locals(a, bound) for a in node.arguments)
    if isinstance(node, (ir.Quantifier, ir.Selection)):
        inner = bound | {node.variable}
        return reads_outer_locals(node.domain, bound) or any(
            reads_outer_locals(child, inner) for child in node.children() if child is not node.domain)
    return any(reads_outer_locals(child, bound) for child in node.children())


# The SQL tree

def pool_only(sql: x.Expr) -> bool:
    """The expression reads no column of the profile but the pool's own (no definition's, no view's)."""
    for node in x.walk_once(sql):
        if isinstance(node, x.RuleColumn) or isinstance(node, x.Column) and node.table == "p" \
                and node.name not in POOL_COLUMNS:
            return False
    return True


def reads_rule_column(sql: x.Expr) -> bool:
    return bool(sql.flags & x.HOLDS_RULE_COLUMN)


def has_placeholder(sql: x.Expr) -> bool:
    return bool(sql.flags & x.HOLDS_NEEDED)


def has_lambda(sql: x.Expr, spark: bool) -> bool:
    """A list lambda in the expression (Spark writes a list's sum with one too)."""
    return bool(sql.flags & (x.HOLDS_LAMBDA | (x.HOLDS_SUM if spark else 0)))
