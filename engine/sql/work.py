"""Reading the work history: the built-ins over a profile's jobs (time in an occupation within a window, hours over
a selection of jobs, the occupations worked), and the quantifier over the occupations worked that runs one row per
profile and occupation. The time itself is computed by the views of `engine.sql.work_views`, once per window.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine import ir
from engine.sql import expr as x
from engine.sql.analyses import reads_outer_locals, reads_rule_column
from engine.sql.elements import Elements
from engine.sql.values import THIS_CODE, Code, NotPerCode, SqlUnsupported, Static, ThisCode, Value

WORK_HISTORY = x.Column("p", "work_history")
ZERO_HOURS = x.Double(0.0)


class WorkReads(Elements):
    def occupation_time(self, node: ir.Builtin, env: Mapping[str, Value]) -> x.Expr:
        """`continuous_full_time` and `hours_worked` of an occupation in a window: read off the occupation's row of
        the window's view (per occupation), or off the profile's map of occupations to their time (in a lambda)."""
        code = self.value(node.arguments[0], env)
        period = self.value(node.arguments[1], env)
        assert isinstance(period, Static)
        index = self.state.windows.setdefault(period.value, len(self.state.windows))
        part = "longest" if node.function == "continuous_full_time" else "hours"
        zero = x.Token("0") if part == "longest" else ZERO_HOURS
        if part == "longest":
            self.state.longest.add(index)
        if self.state.per_code:
            if code is not THIS_CODE:
                raise NotPerCode
            self.state.per_code_windows.add(index)
            self.read(f"occ_code_{index}", everyone=True)
            return x.Case(((x.Column("k", "incomplete"), x.NULL),),
                          x.Call("coalesce", (x.Column("k", f"{part}_{index}"), zero)))
        if not isinstance(code, Code):
            self.state.unlisted.add(index)
        self.state.maps.add(index)
        self.read(f"occ_code_{index}")
        code_sql = code.sql if isinstance(code, Code) else self.sql(node.arguments[0], env)
        found = x.Field(x.ListCall("map_get", (x.Column("p", f"occ_{index}"), code_sql)), part)
        job = x.Var("jh_")
        unknown_hours = self.hoist(x.Lambda("transform", x.Lambda("filter", WORK_HISTORY, "jh_",
                                                                  x.IsNull(x.Field(job, "hours_per_week"))),
                                            "jh_", x.Field(job, "noc")))
        return x.Case(((x.Infix("OR", (x.IsNull(WORK_HISTORY), x.IsNull(code_sql)), parens=False), x.NULL),
                       (x.ListCall("contains", (unknown_hours, code_sql)), x.NULL)),
                      x.Call("coalesce", (found, zero)))

    def hours_in(self, node: ir.Builtin, env: Mapping[str, Value]) -> x.Expr:
        """Hours over the jobs of the work history that a selection keeps, all occupations together: a sweep per
        profile in its own view (one per selection and window), joined back to the profile. Inside a quantifier over
        the occupations worked, a selection of that occupation's jobs (`job.noc == occupation and ...`) is a sweep
        per profile and occupation instead, read by the occupation's row."""
        jobs, window = node.arguments
        period = self.value(window, env)
        assert isinstance(period, Static)
        if self.state.per_code:
            kept = self.this_code_jobs(jobs, env)
            index = self.state.hours_in_code.add(self.key(kept), kept, period.value)
            self.read(f"hours_code_{index}", everyone=True)
            return x.Case(((x.Column("k", f"hc{index}_unknown"), x.NULL),),
                          x.Call("coalesce", (x.Column("k", f"hc{index}"), ZERO_HOURS)))
        if isinstance(jobs, ir.FactRef) and jobs.name == "work_history":
            where: x.Expr = x.TRUE
        elif isinstance(jobs, ir.Selection) and isinstance(jobs.domain, ir.FactRef) \
                and jobs.domain.name == "work_history":
            if reads_outer_locals(jobs.where, frozenset({jobs.variable})):
                raise SqlUnsupported(f"{node.span.short}: the SQL backend selects jobs by their own fields, or by the "
                                     "occupation of a quantifier over the occupations worked, only")
            self.state.depth += 1
            where = self.sql(jobs.where, {**env, jobs.variable: x.Var("j")})
            self.state.depth -= 1
            if reads_rule_column(where):
                raise SqlUnsupported(f"{node.span.short}: the SQL backend selects jobs by their own fields only")
        else:
            raise SqlUnsupported(f"{node.span.short}: the SQL backend sums hours over the work history or a "
                                 "selection of it only")
        index = self.state.hours_in.add(self.key(where), where, period.value)
        self.read(f"hours_in_{index}")
        return x.Case(((x.Infix("OR", (x.IsNull(WORK_HISTORY), x.Column("p", f"hi{index}_unknown")), parens=False),
                        x.NULL),),
                      x.Call("coalesce", (x.Column("p", f"hi{index}"), ZERO_HOURS)))

    def this_code_jobs(self, jobs: ir.Node, env: Mapping[str, Value]) -> x.Expr:
        """The SQL of a selection's condition on one job, when the selection keeps jobs of the occupation of the
        row (`each job in work_history where job.noc == occupation and ...`, the rest reading the job's own fields):
        grouped by occupation, the first part always holds. Otherwise the quantifier runs as a list lambda."""
        if not (isinstance(jobs, ir.Selection) and isinstance(jobs.domain, ir.FactRef)
                and jobs.domain.name == "work_history"):
            raise NotPerCode
        parts = jobs.where.operands if isinstance(jobs.where, ir.AllOf) else (jobs.where,)

        def this_code(node: ir.Node) -> bool:
            return isinstance(node, ir.Local) and isinstance(env.get(node.name), ThisCode)

        def own_noc(node: ir.Node) -> bool:
            return isinstance(node, ir.FieldGet) and node.name == "noc" and isinstance(node.subject, ir.Local) \
                and node.subject.name == jobs.variable

        keyed = [part for part in parts if isinstance(part, ir.Compare) and part.operator == "==" and (
            own_noc(part.left) and this_code(part.right) or this_code(part.left) and own_noc(part.right))]
        rest = [part for part in parts if part not in keyed]
        if not keyed or any(reads_outer_locals(part, frozenset({jobs.variable})) for part in rest):
            raise NotPerCode
        self.state.depth += 1
        try:
            kept = tuple(self.sql(part, {**env, jobs.variable: x.Var("j")}) for part in rest)
        finally:
            self.state.depth -= 1
        return x.Infix("AND", kept, parens=False) if kept else x.TRUE

    def worked_in(self, node: ir.Builtin, env: Mapping[str, Value], ordered: bool) -> x.Expr:
        """The distinct codes of the profile's jobs that are on the list; sorted as the evaluator sorts them, unless
        only a quantifier reads them (order cannot change `any` or `all`)."""
        table = self.value(node.arguments[0], env)
        assert isinstance(table, Static) and isinstance(table.value, ir.OccupationList)
        codes = x.Array(tuple(x.Text(c) for c in sorted(table.value.codes)))
        nocs = x.Lambda("transform", WORK_HISTORY, "j_", x.Field(x.Var("j_"), "noc"))
        listed = x.ListCall("distinct", (x.Lambda("filter", nocs, "c_", x.ListCall("contains", (codes, x.Var("c_")))),))
        return x.ListCall("sort", (listed,)) if ordered else listed

    def per_code_quantifier(self, node: ir.Quantifier, env: Mapping[str, Value]) -> x.Expr:
        """`any code in worked_in(list): ...` whose body reads only that occupation's time: one row per profile
        and occupation worked (the way a hand-written query would do it), folded per profile with Kleene's rules."""
        assert isinstance(node.domain, ir.Builtin)
        table = self.value(node.domain.arguments[0], env)
        assert isinstance(table, Static) and isinstance(table.value, ir.OccupationList)
        inner: dict[str, Value] = {**env, node.variable: ThisCode()}
        self.state.per_code = True
        body = self.sql(node.body, inner)
        where = self.sql(node.where, inner) if node.where is not None else None
        self.state.per_code = False
        element = self.element(node.kind, where, body)
        on_list: x.Expr = x.In(THIS_CODE, tuple(x.Text(c) for c in sorted(table.value.codes)), parens=False) \
            if table.value.codes else x.FALSE
        rows = x.Filtered(x.Call("count", (x.Token("*"),)), on_list)
        known = x.Filtered(x.Call("count", (element,)), on_list)
        undecided = (x.Infix(">", (rows, known), parens=False), x.NULL)
        if node.kind == "any":
            fold = x.Case(((x.Filtered(x.Call("bool_or", (element,)), on_list), x.TRUE), undecided), x.FALSE,
                          parens=False)
        else:
            fold = x.Case(((x.Not(x.Filtered(x.Call("bool_and", (element,)), on_list), parens=False), x.FALSE),
                           undecided), x.TRUE, parens=False)
        columns = self.state.per_code_columns
        alias = columns.add(self.key(fold), fold, f"q{len(columns)}")
        empty = x.FALSE if node.kind == "any" else x.TRUE
        return x.Case(((x.IsNull(WORK_HISTORY), x.NULL), (x.IsNull(x.Column("p", "qt_line")), empty)),
                      x.Column("p", alias))
