"""Query assembly: the rule trees of a rulebook compiled (`engine.sql.nodes`), then the statements that run them,
rendered once for the dialect: the work-history views, then one query that gives every profile of a pool a verdict
and a reason code per category, and its programs and CRS where the profile does not give them.

The query is layered from the inside out: the pool joined to the views it reads and with the values many rules
share (hoisted values, lists with per-element fields); one projection per depth of definition columns; the compiled
condition of every category part; the verdicts and reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine import ir
from engine.ir.reasons import conjuncts, undetermined_reasons
from engine.model.pool_columns import COLUMNS as POOL_COLUMNS
from engine.sql import expr as x
from engine.sql.analyses import count_uses
from engine.sql.context import MAX_SQL_NODES, SqlTooLarge
from engine.sql.dialect import Dialect
from engine.sql.nodes import NodeCompiler
from engine.sql.render import Renderer
from engine.sql.state import Keyed
from engine.sql.work_views import hours_in_view, occupation_maps, occupation_time, per_profile

ALWAYS_READ = frozenset({"id", "crs", "eligible_programs"})  # the columns the query's own projection names
# The CRS and programs as the profile gives them, none computed: the output columns of a query for categories alone.
GIVEN_ONLY = "crs, CASE WHEN crs IS NOT NULL THEN 'given' END AS crs_source, eligible_programs AS programs"


@dataclass(frozen=True, slots=True)
class CompiledRulebook:
    """The statements to run in order (temporary views), then the query that gives one row per profile."""

    views: tuple[str, ...]
    query: str
    categories: tuple[str, ...]
    columns: frozenset[str]

    def pool_columns(self) -> frozenset[str]:
        """The pool's columns these statements read: what a pool needs loaded for them."""
        return self.columns


class Assembly:
    """The compiled rules of one rulebook, as of one date, for one dialect, put together as statements."""

    def __init__(self, rulebook: ir.Rulebook, as_of: date, dialect: Dialect, pool: str) -> None:
        self.c = NodeCompiler(rulebook, as_of, dialect, pool, count_uses(rulebook, as_of))
        self.rulebook = rulebook
        self.d = dialect
        self.pool = pool
        self.columns = Keyed()
        self.guards: dict[str, x.Expr] = {}
        self.render = Renderer(dialect, self.column_guard, self.c.text)

    def column_guard(self, name: str) -> x.Expr:
        if name not in self.guards:
            self.guards[name] = self.c.column_guard(name)
        return self.guards[name]

    def column(self, sql: x.Expr) -> x.Var:
        """A column of the inner query computing `sql` (one per distinct expression)."""
        return x.Var(self.columns.add(self.c.key(sql), sql, f"c{len(self.columns)}"))

    def compile(self, categories_only: bool = False) -> CompiledRulebook:
        c, r, state = self.c, self.render, self.c.state
        outputs: list[str] = []
        for category in self.rulebook.categories:
            compiled = [(code, c.sql(node, {})) for code, node in conjuncts(category)]
            self.check_total(sum(c.size(sql) for _, sql in compiled),
                             f"{category.span.short}: category '{category.id}' compiles to SQL of")
            parts = [(code, self.column(sql)) for code, sql in compiled]
            outputs.append(self.verdict_columns(category.id, parts, undetermined_reasons(category)))
        computed = GIVEN_ONLY if categories_only else self.computed_columns()
        windows = sorted(state.maps)
        joins = "".join(f" LEFT JOIN occ_{i} o{i} ON o{i}._line = p._line" for i in windows)
        occ = "".join(f", o{i}.occ AS occ_{i}" for i in windows)
        for index in state.hours_in.indices():
            joins += f" LEFT JOIN hours_in_{index} hi{index} ON hi{index}._line = p._line"
            occ += f", hi{index}.hours AS hi{index}, hi{index}.unknown AS hi{index}_unknown"
        folds = state.per_code_columns.items()
        if folds:
            joins += " LEFT JOIN per_profile qt ON qt._line = p._line"
            occ += ", qt._line AS qt_line" + "".join(f", qt.{alias} AS {alias}" for alias, _ in folds)
        shared = [(alias, sql) for alias, sql in state.hoisted.items()]
        shared += [(f"dl{index}", c.derived_list(index)) for index in range(len(state.derived))]
        written = [sql for _, sql in shared + self.columns.items() + folds]
        written += [sql for _, sql, _ in state.rule_columns.values()]
        self.check_total(sum(c.size(sql) for sql in written), "the rulebook compiles to SQL of")
        hoisted = "".join(f", {r(sql)} AS {alias}" for alias, sql in shared)
        conditions = ", ".join(f"{r(sql)} AS {alias}" for alias, sql in self.columns.items())
        base = self.layers(f"SELECT p.*{occ}{hoisted} FROM {self.pool} p{joins}")
        query = (f"SELECT _line AS line, id, {computed}, {', '.join(outputs)} FROM ("
                 f"SELECT p._line, p.id, p.crs, p.eligible_programs, {conditions} FROM ({base}) p) q")
        views = self.views(windows)
        # Every node of the statements is written by the final renderer or, holding no placeholder, by the
        # provisional one: the columns they wrote are those the statements read (and perhaps a few more).
        written_columns = (c.text.columns | r.columns) & POOL_COLUMNS.keys()
        columns = ALWAYS_READ | written_columns | ({"work_history"} if views else set())
        return CompiledRulebook(tuple(views), query, tuple(category.id for category in self.rulebook.categories),
                                frozenset(columns))

    @staticmethod
    def check_total(nodes: int, what: str) -> None:
        """Refuses SQL larger than the limit before a character of it is written (the size is counted on the tree,
        each shared node once per place it will be written)."""
        if nodes > MAX_SQL_NODES:
            raise SqlTooLarge(f"{what} {nodes:,} nodes; the limit on compiled SQL (MAX_SQL_NODES) is "
                              f"{MAX_SQL_NODES:,}")

    def views(self, windows: list[int]) -> list[str]:
        c, d, r, state = self.c, self.d, self.render, self.c.state
        codes = sorted({code for table in self.rulebook.occupation_lists.values() for code in table.codes})
        views = [d.intermediate(f"occ_code_{index}", occupation_time(
            d, c.as_of, window, codes if index not in state.unlisted else [], self.source(f"occ_code_{index}"),
            longest=index in state.longest)) for window, index in state.windows.items()]
        views += [d.intermediate(f"occ_{index}", occupation_maps(d, index, longest=index in state.longest))
                  for index in windows]
        views += [d.intermediate(f"hours_in_{index}", hours_in_view(
            d, c.as_of, r(where), period, self.source(f"hours_in_{index}"))) for index, where, period
            in state.hours_in.items()]
        views += [d.intermediate(f"hours_code_{index}", hours_in_view(
            d, c.as_of, r(where), period, self.source(f"hours_code_{index}"), by_code=True))
            for index, where, period in state.hours_in_code.items()]
        folds = state.per_code_columns.items()
        if folds:
            views.append(d.intermediate("per_profile", per_profile(
                d, self.pool, codes, [(r(sql), alias) for alias, sql in folds], sorted(state.per_code_windows),
                state.hours_in_code.indices(), frozenset(state.longest))))
        return views

    def source(self, view: str) -> str:
        """The pool, or the part of it whose profiles read `view`."""
        needed = self.c.needed(view)
        return self.pool if needed is None else f"(SELECT * FROM {self.pool} p WHERE {self.render(needed)})"

    def layers(self, base: str) -> str:
        """The pool with its joins, then one projection per level of definition columns."""
        query = base
        by_level: dict[int, list[str]] = {}
        for alias, sql, level in self.c.state.rule_columns.values():
            by_level.setdefault(level, []).append(f"{self.render(sql)} AS {alias}")
        for level in sorted(by_level):
            query = f"SELECT p.*, {', '.join(by_level[level])} FROM ({query}) p"
        return query

    def computed_columns(self) -> str:
        """The `crs`, `crs_source` and `programs` output columns: what the profile gives, else what the rules compute
        from its raw facts (the score version in force on the as-of date, the sum of its sections, NULL when one is
        missing; `lower_bound` rather than `computed` when a pending rule in force could reach the profile; the
        programs whose condition holds, in the rulebook's order). The compiled parts become columns of the inner
        query, computed only for the profiles that do not give what they compute."""
        c, r = self.c, self.render
        score = self.rulebook.score_on(c.as_of)
        if score is None:
            crs = "crs, CASE WHEN crs IS NOT NULL THEN 'given' END AS crs_source"
        else:
            no_crs = x.IsNull(x.Column("p", "crs"))
            sections = tuple(c.guarded(no_crs, section.value, {}) for section in score.sections)
            total = x.Infix("+", sections, parens=False) if sections else x.Token("0")
            alias = r(self.column(x.Case(((no_crs, x.Cast(x.Paren(total), "INTEGER")),), parens=False)))
            computed = "'computed'"
            reaches = [r(self.column(x.Case(((no_crs, c.guarded(no_crs, pending.reaches, {})),), parens=False)))
                       for pending in self.rulebook.pending_on(c.as_of)]
            if reaches:
                # Unknown (NULL) counts as reaching: a total the pending rule may raise is only a lower bound.
                reached = " OR ".join(f"{reach} IS NOT FALSE" for reach in reaches)
                computed = f"CASE WHEN {reached} THEN 'lower_bound' ELSE 'computed' END"
            crs = (f"coalesce(crs, {alias}) AS crs, CASE WHEN crs IS NOT NULL THEN 'given' "
                   f"WHEN {alias} IS NOT NULL THEN {computed} END AS crs_source")
        if not self.rulebook.programs:
            return f"{crs}, eligible_programs AS programs"
        no_programs = x.IsNull(x.Column("p", "eligible_programs"))
        ids: list[x.Expr] = []
        for program in self.rulebook.programs:
            condition = c.guarded(no_programs, program.condition, {})
            alias_var = self.column(x.Case(((no_programs, condition),), parens=False))
            ids.append(x.Case(((alias_var, x.Text(program.id)),), parens=False))
        holding = x.Lambda("filter", x.Array(tuple(ids)), "program_", x.IsNull(x.Var("program_"), negated=True))
        return f"{crs}, coalesce(eligible_programs, {r(holding)}) AS programs"

    def verdict_columns(self, category: str, parts: list[tuple[str, x.Var]], unknown: tuple[str, ...]) -> str:
        """The verdict, and its reason: the first false part of a `not_eligible` one, the first undecided part of
        an `undetermined` one (`unknown`: each part's reason, from `engine.ir.reasons`)."""
        value = x.Infix("AND", tuple(alias for _, alias in parts), parens=False)
        verdict = x.Case(((value, x.Text("eligible")), (x.Not(x.Paren(value), parens=False), x.Text("not_eligible"))),
                         x.Text("undetermined"), parens=False)
        why: x.Expr
        why_unknown: x.Expr
        if len(parts) == 1:
            why, why_unknown = x.Text(parts[0][0]), x.Text(unknown[0])
        else:
            why = x.Case(tuple((x.Not(x.Call("coalesce", (alias, x.Token("true"))), parens=False), x.Text(code))
                               for code, alias in parts), parens=False)
            why_unknown = x.Case(tuple((x.IsNull(alias), x.Text(reason))
                                       for (_, alias), reason in zip(parts, unknown, strict=True)), parens=False)
        reason = x.Case(((x.Not(x.Call("coalesce", (value, x.Token("true"))), parens=False), why),
                         (x.IsNull(x.Paren(value)), why_unknown)), parens=False)
        r = self.render
        return f"{r(verdict)} AS {self.d.ident(category)}, {r(reason)} AS {self.d.ident(category + '_reason')}"
