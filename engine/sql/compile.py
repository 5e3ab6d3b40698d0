"""Rule trees to SQL: one query that gives every profile of a pool a verdict and a reason code per category.

Values map to SQL values (a missing fact is NULL, so SQL's AND/OR/NOT are exactly Kleene's); quantities become
numbers (a duration is `months * 100000 + days`, which orders as the evaluator orders durations); quantifiers over a
profile's lists become list lambdas whose three-valued results are folded as 0 (false) < 1 (missing) < 2 (true).

Work history stays a list of structs per profile. The interval arithmetic of `engine.model.work` (window, per-occupation
daily sums of weekly hours, full-time days, longest continuous run, hours capped at 30 a week) runs once per window
as a relational sweep over the jobs, and its answer comes back to each profile as a map from occupation code to
(longest run, counted hours, complete).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dsl import types as t
from engine import ir
from engine.ir.reasons import conjuncts, undetermined_reasons
from engine.model.facts import CLAIMS, FIELD_PATHS, PRESENCE_FIELDS
from engine.model.pool_columns import COLUMNS as POOL_COLUMNS
from engine.model.quantities import Duration, Hours, LanguageLevel, Period, Points, Score
from engine.model.work import FULL_TIME_HOURS_PER_WEEK
from engine.sql.dialect import DUCKDB, Dialect

DURATION_SCALE = 100_000
EPSILON = 1e-9
POOL = "pool"
# Past this many characters, a value read twice by one expression (a NULL test and the value) is bound once instead.
BIND_LENGTH = 2_000

# The parts of a NOC code a rule may read (0: the TEER, the second digit; else the length of the group's prefix).
NOC_PART_LENGTHS: Mapping[str, int] = {"noc_teer": 0, "noc_major_group": 2, "noc_sub_major_group": 3,
                                       "noc_minor_group": 4}

# Record fields a profile may leave out that the profile model fills in (see `engine.model.facts`), by record and field.
FIELD_DEFAULTS: Mapping[tuple[str, str], str] = {
    ("education", "canadian"): "FALSE", ("education", "completed"): "TRUE",
    ("spouse or partner", "canadian_citizen_or_pr"): "FALSE", ("spouse or partner", "canadian_work_years"): "0",
    ("spouse or partner", "language_tests"): "[]",
}

# Facts that the profile model computes from others, or claims a profile that is silent does not make.
COMPUTED_FACTS: Mapping[str, str] = {
    "has_spouse": "(p.spouse IS NOT NULL)", "has_job_offer": "(p.job_offer IS NOT NULL)",
    **{claim: f"coalesce(p.{claim}, FALSE)" for claim in CLAIMS},
}


class SqlUnsupported(Exception):
    """A rule uses a construct the SQL backend does not compile; the single-profile evaluator still handles it."""


@dataclass(frozen=True, slots=True)
class CompiledRulebook:
    """The statements to run in order (temporary views), then the query that gives one row per profile."""

    views: tuple[str, ...]
    query: str
    categories: tuple[str, ...]

    def pool_columns(self) -> frozenset[str]:
        """The pool's columns these statements name: what a pool needs loaded for them (a name counted once too often
        keeps a column in memory, never changes a verdict)."""
        text = "\n".join([*self.views, self.query])
        return frozenset(name for name in POOL_COLUMNS if re.search(rf"\b{name}\b", text))


@dataclass(frozen=True, slots=True)
class _Static:
    """A value known when compiling: an occupation list, a period, a list of literal values."""

    value: Any


@dataclass(frozen=True, slots=True)
class _Code:
    """A quantifier variable that ranges over occupation codes taken from the lists (safe to prune jobs by)."""

    sql: str


@dataclass(frozen=True, slots=True)
class _ThisCode:
    """The variable of a quantifier over worked occupations, evaluated one row per (profile, occupation)."""


@dataclass(frozen=True, slots=True)
class _Element:
    """The variable of a quantifier over a list whose elements carry derived fields: each element is a struct of the
    original element (`r`) and the values of definitions computed once per element (see `_Compiler.derived_call`)."""

    variable: str
    derived: int

    @property
    def sql(self) -> str:
        return f"{self.variable}.r"


@dataclass
class _DerivedList:
    """A profile's list with, for each element, the derived fields the rules read (SQL of the field -> its name)."""

    domain: str
    fields: dict[str, str] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    names: dict[tuple[str, tuple[str | None, ...]], str] = field(default_factory=dict)

    def field(self, sql: str, level: int) -> str:
        """The name of the field computing `sql` (added at `level` when new)."""
        alias = self.fields.setdefault(sql, f"v{len(self.fields)}")
        self.levels.setdefault(alias, level)
        return alias


_Value = str | _Static | _Code | _ThisCode | _Element


@dataclass
class _State:
    windows: dict[Period, int] = field(default_factory=dict)
    unlisted: set[int] = field(default_factory=set)
    variables: int = 0
    depth: int = 0
    hoisted: dict[str, str] = field(default_factory=dict)
    per_code: bool = False
    maps: set[int] = field(default_factory=set)
    per_code_windows: set[int] = field(default_factory=set)
    reads: dict[str, list[str] | None] = field(default_factory=dict)
    per_code_columns: dict[str, str] = field(default_factory=dict)
    hours_in: dict[tuple[str, Period], int] = field(default_factory=dict)
    hours_in_code: dict[tuple[str, Period], int] = field(default_factory=dict)
    rule_columns: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    levels: list[int] = field(default_factory=list)
    uses: dict[str, int] = field(default_factory=dict)
    derived: list[_DerivedList] = field(default_factory=list)
    derivable: dict[str, bool] = field(default_factory=dict)
    context: list[list[int]] = field(default_factory=list)
    guards: list[str] = field(default_factory=list)


ELEMENT = "el_"


def _children(node: ir.Node) -> list[ir.Node]:
    found: list[ir.Node] = []
    for name in node.__dataclass_fields__:
        child = getattr(node, name)
        found += [item for item in (child if isinstance(child, tuple) else (child,)) if isinstance(item, ir.Node)]
    return found


PLACEHOLDER = "__needed_"


def _placeholder(name: str) -> str:
    """Stands, in a definition's column, for the guard of the profiles that read it (known once all is compiled)."""
    return f"{PLACEHOLDER}{name}__"


def _pool_only(sql: str) -> bool:
    """The expression reads no column of the profile but the pool's own (no definition's, no view's)."""
    return all(name in POOL_COLUMNS for _, name in re.findall(r'\bp\.([`"]?)(\w+)\1', sql))


def _cheap(sql: str) -> bool:
    """An expression cheap enough to repeat as a guard: short, and no list lambda."""
    return len(sql) < 300 and "lambda" not in sql and "->" not in sql


def _looks_up(node: ir.Node) -> bool:
    """A table lookup in this expression, not counting the definitions it calls."""
    if isinstance(node, ir.TableLookup):
        return True
    return not isinstance(node, ir.RuleCall) and any(_looks_up(child) for child in _children(node))


def _element_only(node: ir.Node, bound: frozenset[str]) -> bool:
    """The expression reads only the variables `bound` and values known when compiling (and the as-of date)."""
    if isinstance(node, ir.FactRef):
        return node.name == "as_of"
    if isinstance(node, ir.Local):
        return node.name in bound
    if isinstance(node, ir.RuleCall):
        return bool(node.rule.parameters) and all(_element_only(a, bound) for a in node.arguments) \
            and _element_only(node.rule.body, frozenset(node.rule.parameters))
    if isinstance(node, (ir.Quantifier, ir.Selection)):
        inner = bound | {node.variable}
        return _element_only(node.domain, bound) and all(
            _element_only(child, inner) for child in _children(node) if child is not node.domain)
    return all(_element_only(child, bound) for child in _children(node))


def _applies_derivable(nodes: tuple[ir.Node | None, ...], variable: str,
                       derivable: Callable[[ir.Rule], bool]) -> bool:
    """Some definition worth computing per element is applied to `variable` in these expressions (directly, or
    through the definitions they pass it to)."""
    for node in nodes:
        if node is None:
            continue
        if isinstance(node, ir.RuleCall) and node.rule.parameters:
            for parameter, argument in zip(node.rule.parameters, node.arguments):
                if isinstance(argument, ir.Local) and argument.name == variable and (
                        derivable(node.rule) or _applies_derivable((node.rule.body,), parameter, derivable)):
                    return True
        if isinstance(node, (ir.Quantifier, ir.Selection)) and node.variable == variable:
            if _applies_derivable((node.domain,), variable, derivable):
                return True
            continue
        if _applies_derivable(tuple(_children(node)), variable, derivable):
            return True
    return False


def _reads_outer_locals(node: ir.Node, bound: frozenset[str]) -> bool:
    """The expression reads a variable other than `bound` and those of its own quantifiers (a definition's body
    reads only its parameters: its arguments are what count)."""
    if isinstance(node, ir.Local):
        return node.name not in bound
    if isinstance(node, ir.RuleCall):
        return any(_reads_outer_locals(a, bound) for a in node.arguments)
    if isinstance(node, (ir.Quantifier, ir.Selection)):
        inner = bound | {node.variable}
        return _reads_outer_locals(node.domain, bound) or any(
            _reads_outer_locals(child, inner) for child in _children(node) if child is not node.domain)
    return any(_reads_outer_locals(child, bound) for child in _children(node))


class _NotPerCode(Exception):
    """A quantifier's body reads more than its occupation's time: it runs as a list lambda instead."""



@functools.lru_cache(maxsize=8)
def compile_rulebook(rulebook: ir.Rulebook, as_of: date, dialect: Dialect = DUCKDB,
                     pool: str = POOL) -> CompiledRulebook:
    return _Compiler(rulebook, as_of, dialect, pool).compile()


class _Compiler:
    def __init__(self, rulebook: ir.Rulebook, as_of: date, dialect: Dialect, pool: str) -> None:
        self.rulebook = rulebook
        self.as_of = as_of
        self.d = dialect
        self.pool = pool
        self.state = _State()

    # the query

    def count_uses(self) -> None:
        """How many places read each definition without parameters (through the definitions with parameters, which
        are copied where they are called, each call counts)."""
        uses = self.state.uses
        seen: set[int] = set()

        def walk(node: object, through: int) -> None:
            if isinstance(node, ir.RuleCall) and not node.rule.parameters:
                uses[node.name] = uses.get(node.name, 0) + through
                if id(node.rule) in seen:
                    return
                seen.add(id(node.rule))
                walk(node.rule.body, 1)
                return
            if isinstance(node, ir.RuleCall):
                walk(node.rule.body, through)
            if isinstance(node, ir.Node):
                for name in node.__dataclass_fields__:
                    child = getattr(node, name)
                    for item in child if isinstance(child, tuple) else (child,):
                        if isinstance(item, ir.Node):
                            walk(item, through)

        for category in self.rulebook.categories:
            walk(category.condition, 1)
        for root in self.output_roots():
            walk(root, 1)

    def output_roots(self) -> list[ir.Node]:
        """The rule trees behind the `programs` and `crs` columns: each program's condition, and the sections of the
        score version in force on the as-of date."""
        roots = [program.condition for program in self.rulebook.programs]
        score = self.rulebook.score_on(self.as_of)
        if score is None:
            return roots
        return roots + [section.value for section in score.sections] + \
            [pending.reaches for pending in self.rulebook.pending_on(self.as_of)]

    def compile(self) -> CompiledRulebook:
        self.count_uses()
        columns: dict[str, str] = {}
        outputs: list[str] = []
        for category in self.rulebook.categories:
            parts = []
            for code, node in conjuncts(category):
                sql = self.sql(node, {})
                alias = columns.setdefault(sql, f"c{len(columns)}")
                parts.append((code, alias))
            outputs.append(self.verdict_columns(category.id, parts, undetermined_reasons(category)))
        computed = self.computed_columns(columns)
        d = self.d
        state = self.state
        windows = sorted(state.maps)
        joins = "".join(f" LEFT JOIN occ_{i} o{i} ON o{i}._line = p._line" for i in windows)
        occ = "".join(f", o{i}.occ AS occ_{i}" for i in windows)
        for index in state.hours_in.values():
            joins += f" LEFT JOIN hours_in_{index} hi{index} ON hi{index}._line = p._line"
            occ += f", hi{index}.hours AS hi{index}, hi{index}.unknown AS hi{index}_unknown"
        if state.per_code_columns:
            joins += " LEFT JOIN per_profile qt ON qt._line = p._line"
            occ += ", qt._line AS qt_line" + "".join(f", qt.{a} AS {a}" for a in state.per_code_columns.values())
        hoisted = "".join(f", {sql} AS {alias}" for sql, alias in state.hoisted.items())
        hoisted += "".join(f", {self.derived_list(dl)} AS dl{index}" for index, dl in enumerate(state.derived))
        conditions = ", ".join(f"{sql} AS {alias}" for sql, alias in columns.items())
        base = self.layers(f"SELECT p.*{occ}{hoisted} FROM {self.pool} p{joins}")
        query = (f"SELECT _line AS line, id, {computed}, {', '.join(outputs)} FROM ("
                 f"SELECT p._line, p.id, p.crs, p.eligible_programs, {conditions} FROM ({base}) p) q")
        views = [d.intermediate(f"occ_code_{index}", self.occupation_time(window, index))
                 for window, index in state.windows.items()]
        views += [d.intermediate(f"occ_{index}", self.occupation_maps(index)) for index in windows]
        views += [d.intermediate(f"hours_in_{index}", self.hours_in_view(where, period, index))
                  for (where, period), index in state.hours_in.items()]
        views += [d.intermediate(f"hours_code_{index}", self.hours_in_view(where, period, index, by_code=True))
                  for (where, period), index in state.hours_in_code.items()]
        if state.per_code_columns:
            views.append(d.intermediate("per_profile", self.per_profile()))
        return CompiledRulebook(tuple(views), query, tuple(c.id for c in self.rulebook.categories))

    def computed_columns(self, columns: dict[str, str]) -> str:
        """The `crs`, `crs_source` and `programs` output columns: what the profile gives, else what the rules compute
        from its raw facts (the score version in force on the as-of date, the sum of its sections, NULL when one is
        missing; `lower_bound` rather than `computed` when a pending rule in force could reach the profile; the
        programs whose condition holds, in the rulebook's order). The compiled parts become columns of the inner query
        (`columns`), computed only for the profiles that do not give what they compute."""
        d = self.d
        score = self.rulebook.score_on(self.as_of)
        if score is None:
            crs = "crs, CASE WHEN crs IS NOT NULL THEN 'given' END AS crs_source"
        else:
            total = " + ".join(self.guarded("p.crs IS NULL", s.value, {}) for s in score.sections) or "0"
            alias = columns.setdefault(f"CASE WHEN p.crs IS NULL THEN CAST(({total}) AS INTEGER) END",
                                       f"c{len(columns)}")
            computed = "'computed'"
            reaches = []
            for pending in self.rulebook.pending_on(self.as_of):
                condition = self.guarded("p.crs IS NULL", pending.reaches, {})
                reaches.append(columns.setdefault(f"CASE WHEN p.crs IS NULL THEN {condition} END",
                                                  f"c{len(columns)}"))
            if reaches:
                # Unknown (NULL) counts as reaching: a total the pending rule may raise is only a lower bound.
                reached = " OR ".join(f"{r} IS NOT FALSE" for r in reaches)
                computed = f"CASE WHEN {reached} THEN 'lower_bound' ELSE 'computed' END"
            crs = (f"coalesce(crs, {alias}) AS crs, CASE WHEN crs IS NOT NULL THEN 'given' "
                   f"WHEN {alias} IS NOT NULL THEN {computed} END AS crs_source")
        if not self.rulebook.programs:
            return f"{crs}, eligible_programs AS programs"
        ids = []
        for program in self.rulebook.programs:
            condition = self.guarded("p.eligible_programs IS NULL", program.condition, {})
            alias = columns.setdefault(f"CASE WHEN p.eligible_programs IS NULL THEN {condition} END",
                                       f"c{len(columns)}")
            ids.append(f"CASE WHEN {alias} THEN {d.text(program.id)} END")
        holding = d.filter(d.array(ids), "program_", "program_ IS NOT NULL")
        return f"{crs}, coalesce(eligible_programs, {holding}) AS programs"

    def verdict_columns(self, category: str, parts: list[tuple[str, str]], unknown: tuple[str, ...]) -> str:
        """The verdict, and its reason: the first false part of a `not_eligible` one, the first undecided part of
        an `undetermined` one (`unknown`: each part's reason, from `engine.ir.reasons`)."""
        value = " AND ".join(alias for _, alias in parts)
        verdict = (f"CASE WHEN {value} THEN 'eligible' WHEN NOT ({value}) THEN 'not_eligible' "
                   f"ELSE 'undetermined' END AS {self.d.ident(category)}")
        if len(parts) == 1:
            why = self.d.text(parts[0][0])
            why_unknown = self.d.text(unknown[0])
        else:
            why = "CASE " + " ".join(f"WHEN NOT coalesce({alias}, true) THEN {self.d.text(code)}"
                                     for code, alias in parts) + " END"
            why_unknown = "CASE " + " ".join(f"WHEN {alias} IS NULL THEN {self.d.text(reason)}"
                                             for (_, alias), reason in zip(parts, unknown, strict=True)) + " END"
        reason = (f"CASE WHEN NOT coalesce({value}, true) THEN {why} WHEN ({value}) IS NULL THEN {why_unknown} END "
                  f"AS {self.d.ident(category + '_reason')}")
        return f"{verdict}, {reason}"

    # expressions

    def sql(self, node: ir.Node, env: Mapping[str, _Value]) -> str:
        value = self.value(node, env)
        if isinstance(value, _Static):
            return self.static_sql(value.value, node)
        if isinstance(value, _Code):
            return value.sql
        if isinstance(value, _ThisCode):
            return "k.noc"
        if isinstance(value, _Element):
            return value.sql
        return value

    def value(self, node: ir.Node, env: Mapping[str, _Value]) -> _Value:  # noqa: C901 - one case per node type
        d = self.d
        if isinstance(node, (ir.Literal, ir.ConstantRef)):
            if node.value is None:
                raise SqlUnsupported(f"{node.span.short}: a constant the SQL backend cannot compute")
            return _Static(node.value)
        if isinstance(node, ir.FactRef):
            if node.name == "as_of":
                return _Static(self.as_of)
            if self.state.per_code:
                raise _NotPerCode
            if node.name in COMPUTED_FACTS:
                return COMPUTED_FACTS[node.name]
            return f"p.{d.ident(node.name)}"
        if isinstance(node, ir.Local):
            found = env[node.name]
            return "k.noc" if isinstance(found, _ThisCode) else found
        if isinstance(node, ir.ListRef):
            return _Static(node.table)
        if isinstance(node, ir.WindowNode):
            return _Static(self.period(node, env))
        if isinstance(node, ir.FieldGet):
            return self.field(node, env)
        if isinstance(node, ir.ListNode):
            items = [self.sql(i, env) for i in node.items]
            nulls = " OR ".join(f"{i} IS NULL" for i in items)
            return f"(CASE WHEN {nulls} THEN NULL ELSE {d.array(items)} END)" if items else d.array([])
        if isinstance(node, ir.Builtin):
            return self.builtin(node, env)
        if isinstance(node, ir.RuleCall):
            if not node.rule.parameters and self.state.uses.get(node.name, 2) > 1:
                return self.rule_column(node)
            arguments = [self.value(a, env) for a in node.arguments]
            derived = self.derived_call(node, arguments)
            if derived is not None:
                return derived
            return self.value(node.rule.body, dict(zip(node.rule.parameters, arguments)))
        if isinstance(node, ir.Compare):
            operator = {"==": "=", "!=": "<>"}.get(node.operator, node.operator)
            return f"({self.sql(node.left, env)} {operator} {self.sql(node.right, env)})"
        if isinstance(node, ir.Member):
            return self.member(node, env)
        if isinstance(node, ir.Arithmetic):
            return self.arithmetic(node, env)
        if isinstance(node, ir.TableLookup):
            return self.table_lookup(node, env)
        if isinstance(node, ir.Extreme):
            operands = [self.sql(o, env) for o in node.operands]
            if sum(map(len, operands)) > BIND_LENGTH:
                return self.bound_extreme(node.kind, operands)
            nulls = " OR ".join(f"{o} IS NULL" for o in operands)
            function = "least" if node.kind == "min" else "greatest"
            return f"(CASE WHEN {nulls} THEN NULL ELSE {function}({', '.join(operands)}) END)"
        if isinstance(node, ir.Selection):
            return self.selection(node, env)
        if isinstance(node, (ir.AllOf, ir.AnyOf)):
            return self.connective(node, env)
        if isinstance(node, ir.Not):
            return f"(NOT {self.sql(node.operand, env)})"
        if isinstance(node, ir.Quantifier):
            return self.quantifier(node, env)
        if isinstance(node, ir.Otherwise):
            first = self.sql(node.first, env)
            return f"coalesce({first}, {self.guarded(f'({first}) IS NULL', node.fallback, env)})"
        if isinstance(node, ir.Conditional):
            condition = self.sql(node.condition, env)
            then = self.guarded(f"coalesce({condition}, FALSE)", node.then, env)
            otherwise = self.guarded(f"NOT coalesce({condition}, TRUE)", node.otherwise, env)
            return f"(CASE WHEN {condition} IS NULL THEN NULL WHEN {condition} THEN {then} ELSE {otherwise} END)"
        raise SqlUnsupported(f"{node.span.short}: no SQL for {type(node).__name__}")

    # values computed once per element of a list

    def derived_call(self, node: ir.RuleCall, arguments: list[_Value]) -> str | None:
        """A definition applied to an element of a list with derived fields, that reads only that element (and
        values known when compiling) and looks a table up itself (a language level from a raw score), is computed
        once per element, as a field of the element, however many rules read it (the evaluator's per-element
        values, computed once instead of in every rule)."""
        elements = [a for a in arguments if isinstance(a, _Element)]
        if len(elements) != 1 or not all(isinstance(a, (_Element, _Static)) for a in arguments) \
                or not self.derivable(node.rule):
            return None
        (element,) = elements
        derived = self.state.derived[element.derived]
        key = (node.name, tuple(repr(a.value) if isinstance(a, _Static) else None for a in arguments))
        if key not in derived.names:
            inner: dict[str, _Value] = {name: _Element(ELEMENT, element.derived) if isinstance(a, _Element) else a
                                        for name, a in zip(node.rule.parameters, arguments)}
            self.state.context.append([element.derived, 1])
            self.state.depth += 1
            try:
                sql = self.sql(node.rule.body, inner)
            finally:
                self.state.depth -= 1
                level = self.state.context.pop()[1]
            derived.names[key] = derived.field(sql, level)
        alias = derived.names[key]
        self.read_field(derived.levels[alias])
        return f"{element.variable}.{alias}"

    def read_field(self, level: int) -> None:
        """The derived field being compiled reads a field of `level`: it is computed in a later pass."""
        if self.state.context:
            self.state.context[-1][1] = max(self.state.context[-1][1], level + 1)

    def derived_key(self, key: ir.Node, env: Mapping[str, _Value]) -> str:
        """A table key computed per element, inside a derived field: a field of its own, one pass earlier, so the
        lookup's CASE reads a plain value rather than extracting it from the element in every branch."""
        index = self.state.context[-1][0]
        self.state.context.append([index, 1])
        try:
            sql = self.sql(key, env)
        finally:
            level = self.state.context.pop()[1]
        if re.fullmatch(rf"{ELEMENT}\.v[0-9]+", sql):
            self.read_field(level - 1)
            return sql
        alias = self.state.derived[index].field(sql, level)
        self.read_field(self.state.derived[index].levels[alias])
        return f"{ELEMENT}.{alias}"

    def derivable(self, rule: ir.Rule) -> bool:
        """A definition worth computing once per element: it looks a table up in its own body, and it reads nothing
        of the profile but its parameters (through every definition it calls)."""
        known = self.state.derivable.get(rule.name)
        if known is None:
            known = _looks_up(rule.body) and _element_only(rule.body, frozenset(rule.parameters))
            self.state.derivable[rule.name] = known
        return known

    def element_variable(self, variable: str, domain_sql: str, nodes: tuple[ir.Node | None, ...],
                         name: str) -> _Element | None:
        """A quantifier at the top of the query whose body applies a derivable definition to its variable ranges over
        the list with derived fields (one per distinct list), and its variable is an `_Element`."""
        if self.state.depth != 0 or self.state.per_code or not _applies_derivable(nodes, name, self.derivable):
            return None
        index = next((i for i, derived in enumerate(self.state.derived) if derived.domain == domain_sql), None)
        if index is None:
            self.state.derived.append(_DerivedList(domain_sql))
            index = len(self.state.derived) - 1
        self.read(f"dl:{index}")
        return _Element(variable, index)

    def derived_list(self, derived: _DerivedList) -> str:
        """The list with its derived fields: each element wrapped (`r`), then one pass per level of fields (a field
        reads the fields of lower levels), each pass copying the fields already computed."""
        d = self.d
        sql = d.transform(derived.domain, ELEMENT, d.struct([("r", ELEMENT)]))
        done: list[tuple[str, str]] = [("r", f"{ELEMENT}.r")]
        for level in range(1, max(derived.levels.values(), default=0) + 1):
            new = [(alias, field_sql) for field_sql, alias in derived.fields.items() if derived.levels[alias] == level]
            sql = d.transform(sql, ELEMENT, d.struct(done + new))
            done += [(alias, f"{ELEMENT}.{alias}") for alias, _ in new]
        guards = self.state.reads.get(f"dl:{self.state.derived.index(derived)}")
        if guards:
            needed = " OR ".join(f"({self.resolved(g)})" for g in dict.fromkeys(guards))
            sql = f"(CASE WHEN {needed} THEN {sql} END)"
        return sql

    # lists read only where needed

    def connective(self, node: ir.AllOf | ir.AnyOf, env: Mapping[str, _Value]) -> str:
        """`and` (`or`): each operand is needed only where the operands before it are not false (not true)."""
        parts: list[str] = []
        for operand in node.operands:
            if not parts:
                parts.append(self.sql(operand, env))
                continue
            before = " AND ".join(f"coalesce({p}, TRUE)" if isinstance(node, ir.AllOf) else f"NOT coalesce({p}, FALSE)"
                                  for p in parts if _cheap(p))
            parts.append(self.guarded(before, operand, env) if before else self.sql(operand, env))
        return "(" + (" AND " if isinstance(node, ir.AllOf) else " OR ").join(parts) + ")"

    def guarded(self, guard: str, node: ir.Node, env: Mapping[str, _Value]) -> str:
        """`node` is needed only where `guard` holds: the lists its quantifiers run over are NULL elsewhere (a list
        lambda runs over every element of its input, whatever the CASE around it), when the guard is cheap."""
        if self.state.depth != 0 or self.state.per_code or not _cheap(guard):
            return self.sql(node, env)
        self.state.guards.append(guard)
        try:
            return self.sql(node, env)
        finally:
            self.state.guards.pop()

    def guard(self, domain_sql: str) -> str:
        if not self.state.guards or self.state.depth != 0 or self.state.per_code:
            return domain_sql
        return f"(CASE WHEN {' AND '.join(self.state.guards)} THEN {domain_sql} END)"

    def read(self, view: str, everyone: bool = False) -> None:
        """A view (or a definition's column, `rule:name`) is read here: by every profile, or by the profiles the
        guards keep. Only guards that read the pool's own columns count (leaving a guard out reads more profiles, never
        fewer), and the placeholder of the definition being compiled, which stands for where that definition is needed
        (see `resolved`); a view or column is computed for the profiles that read it (see `source` and `layers`)."""
        usable = [g for g in self.state.guards
                  if g.startswith(PLACEHOLDER) or PLACEHOLDER not in g and _pool_only(g)]
        reads = self.state.reads
        if everyone or not usable:
            reads[view] = None
        elif reads.get(view, []) is not None:
            reads.setdefault(view, []).append(" AND ".join(usable))  # type: ignore[union-attr]

    def source(self, view: str) -> str:
        """The pool, or the part of it whose profiles read `view`."""
        guards = self.state.reads.get(view)
        if not guards:
            return self.pool
        where = " OR ".join(f"({self.resolved(g)})" for g in dict.fromkeys(guards))
        return f"(SELECT * FROM {self.pool} p WHERE {where})"

    def resolved(self, guard: str) -> str:
        """A guard read inside a definition's column, with the column's placeholder replaced by where the column is
        needed (itself resolved: a column read by a column read under a guard is needed under that guard)."""
        for name in re.findall(rf"{PLACEHOLDER}(\w+?)__", guard):
            guard = guard.replace(_placeholder(name), f"({self.column_guard(name)})")
        return guard

    def rule_column(self, node: ir.RuleCall) -> _Value:
        """A definition without parameters is computed once per profile, as a column of its own: a layer of the
        query per depth of definitions that read such columns (so no definition's SQL is copied into another's)."""
        state = self.state
        if not state.per_code:
            self.read(f"rule:{node.name}")
        if node.name in state.rule_columns:
            alias, _, level = state.rule_columns[node.name]
        else:
            if state.per_code:
                raise _NotPerCode
            saved, guards = state.depth, state.guards
            state.depth, state.guards = 0, [_placeholder(node.name)]
            state.levels.append(1)
            try:
                value = self.value(node.rule.body, {})
            finally:
                level = state.levels.pop()
                state.depth, state.guards = saved, guards
            if isinstance(value, (_Static, _Code)):
                return value
            sql = self.sql(node.rule.body, {}) if not isinstance(value, str) else value
            alias = f"rule{len(state.rule_columns)}_{node.name}"
            state.rule_columns[node.name] = (alias, sql, level)
        if state.per_code:
            raise _NotPerCode
        if state.levels:
            state.levels[-1] = max(state.levels[-1], level + 1)
        return f"p.{alias}"

    def column_guard(self, name: str) -> str:
        """Where a definition's column is needed: TRUE, or the guards of the places that read it."""
        guards = self.state.reads.get(f"rule:{name}")
        return " OR ".join(f"({self.resolved(g)})" for g in dict.fromkeys(guards)) if guards else "TRUE"

    def layers(self, base: str) -> str:
        """The pool with its joins, then one projection per level of definition columns."""
        query = base
        by_level: dict[int, list[str]] = {}
        for name, (alias, sql, level) in self.state.rule_columns.items():
            needed = f"({self.column_guard(name)})"
            by_level.setdefault(level, []).append(f"{sql.replace(_placeholder(name), needed)} AS {alias}")
        for level in sorted(by_level):
            query = f"SELECT p.*, {', '.join(by_level[level])} FROM ({query}) p"
        return query

    def static_sql(self, value: Any, node: ir.Node) -> str:  # noqa: C901 - one case per value kind
        d = self.d
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Points):
            return str(value.amount)
        if isinstance(value, LanguageLevel):
            return str(value.value)
        if isinstance(value, (Hours, Score)):
            return d.double(value.amount)
        if isinstance(value, Duration):
            return str(value.months * DURATION_SCALE + value.days)
        if isinstance(value, str):
            return d.text(value)
        if isinstance(value, datetime):
            return d.timestamp(value)
        if isinstance(value, date):
            return d.date(value)
        if isinstance(value, ir.OccupationList):
            return d.array([d.text(c) for c in sorted(value.codes)])
        if isinstance(value, tuple):
            return d.array([self.static_sql(v, node) for v in value])
        raise SqlUnsupported(f"{node.span.short}: no SQL for the value {value!r}")

    def arithmetic(self, node: ir.Arithmetic, env: Mapping[str, _Value]) -> str:
        """Sums and differences; a date moved by a duration moves by its months (clamped to the month's end) and then
        by its days, as the evaluator's `shift` does."""
        if node.left.type != t.DATE:
            return f"({self.sql(node.left, env)} {node.operator} {self.sql(node.right, env)})"
        duration = self.value(node.right, env)
        if not (isinstance(duration, _Static) and isinstance(duration.value, Duration)):
            raise SqlUnsupported(f"{node.span.short}: a date moves by a fixed duration in the SQL backend")
        sign = 1 if node.operator == "+" else -1
        moved = self.d.add_months(self.sql(node.left, env), str(sign * duration.value.months))
        return self.d.add_days(moved, str(sign * duration.value.days)) if duration.value.days else moved

    def table_lookup(self, node: ir.TableLookup, env: Mapping[str, _Value]) -> str:
        """The first row whose key cells all match, as a CASE: rows are grouped by the leading key columns that are
        exact in every row (a test scale and an ability); a key known when compiling leaves out the groups it cannot
        match, and a key computed per profile is computed once (bound to a lambda variable), not once per row. A
        missing key or no matching row is NULL, as in the evaluator."""
        table = node.table
        values = [self.value(k, env) for k in node.keys]
        keys: list[str] = []
        bindings: list[tuple[str, str]] = []
        for key, value in zip(node.keys, values):
            if self.state.context and not isinstance(value, _Static):
                keys.append(self.derived_key(key, env))
                continue
            sql = self.sql(key, env)
            if isinstance(value, _Static) or len(sql) <= 60:
                keys.append(sql)
            else:
                self.state.variables += 1
                variable = f"k{self.state.variables}_"
                bindings.append((variable, sql))
                keys.append(variable)
        exact = 0
        while exact < len(keys) and all(row.keys[exact].kind == "exact" for row in table.rows):
            exact += 1
        groups: dict[tuple[Any, ...], list[ir.TableRow]] = {}
        for row in table.rows:
            prefix = tuple(cell.low for cell in row.keys[:exact])
            if all(not isinstance(v, _Static) or v.value == low for v, low in zip(values, prefix)):
                groups.setdefault(prefix, []).append(row)
        outer = []
        for prefix, rows in groups.items():
            inner = []
            for row in rows:
                tests = [self.key_match(cell, key, node) for cell, key in zip(row.keys[exact:], keys[exact:])]
                value = self.static_sql(row.values[node.column], node)
                if not tests:
                    inner = [value]
                    break
                inner.append(f"WHEN {' AND '.join(tests)} THEN {value}")
            found = inner[0] if len(inner) == 1 and not inner[0].startswith("WHEN ") else \
                f"(CASE {' '.join(inner)} END)"
            condition = " AND ".join(self.key_match(ir.KeyCell("exact", low, low, ""), key, node)
                                     for low, key, value in zip(prefix, keys, values)
                                     if not isinstance(value, _Static))
            outer.append(f"WHEN {condition} THEN {found}" if condition else f"WHEN TRUE THEN {found}")
        result = f"(CASE {' '.join(outer)} END)" if outer else "NULL"
        for variable, sql in reversed(bindings):
            result = self.d.bind(sql, variable, result)
        return result

    def key_match(self, cell: ir.KeyCell, key: str, node: ir.Node) -> str:
        if cell.kind == "exact":
            return f"{key} = {self.static_sql(cell.low, node)}"
        if cell.kind == "range":
            return f"{key} BETWEEN {self.static_sql(cell.low, node)} AND {self.static_sql(cell.high, node)}"
        if cell.kind == "at_least":
            return f"{key} >= {self.static_sql(cell.low, node)}"
        if cell.kind == "at_most":
            return f"{key} <= {self.static_sql(cell.high, node)}"
        return f"{key} < {self.static_sql(cell.high, node)}"

    def period(self, node: ir.WindowNode, env: Mapping[str, _Value]) -> Period:
        length = self.value(node.length, env)
        anchor = self.value(node.anchor, env)
        if not (isinstance(length, _Static) and isinstance(anchor, _Static)):
            raise SqlUnsupported(f"{node.span.short}: a period must have a fixed length and end for the SQL backend")
        duration: Duration = length.value
        return Period(duration.before(anchor.value), anchor.value)

    def field(self, node: ir.FieldGet, env: Mapping[str, _Value]) -> str:
        subject = self.sql(node.subject, env)
        if node.name in PRESENCE_FIELDS:
            given = self.d.field(subject, PRESENCE_FIELDS[node.name])
            return f"(CASE WHEN {subject} IS NULL THEN NULL ELSE {given} IS NOT NULL END)"
        path = FIELD_PATHS.get(node.name, node.name).split(".")
        sql = subject
        for part in path:
            sql = self.d.field(sql, part)
        if node.name == "end":
            return f"coalesce({sql}, {self.d.date(self.as_of)})"
        if node.name in NOC_PART_LENGTHS:
            length = NOC_PART_LENGTHS[node.name]
            return f"CAST(substr({sql}, 2, 1) AS INTEGER)" if length == 0 else f"substr({sql}, 1, {length})"
        record = node.subject.type.name
        default = FIELD_DEFAULTS.get((record, node.name))
        if default is not None:
            empty = self.d.array([]) if default == "[]" else default
            return f"(CASE WHEN {subject} IS NULL THEN NULL ELSE coalesce({sql}, {empty}) END)"
        return sql

    def member(self, node: ir.Member, env: Mapping[str, _Value]) -> str:
        item = self.sql(node.item, env)
        collection = self.value(node.collection, env)
        if isinstance(collection, _Static):
            values = collection.value
            members = sorted(values.codes) if isinstance(values, ir.OccupationList) else list(values)
            if not members:
                found = f"(CASE WHEN {item} IS NULL THEN NULL ELSE FALSE END)"
            else:
                found = f"({item} IN ({', '.join(self.static_sql(m, node) for m in members)}))"
        else:
            lists = self.sql(node.collection, env)
            found = f"(CASE WHEN {item} IS NULL OR {lists} IS NULL THEN NULL ELSE {self.d.contains(lists, item)} END)"
        return f"(NOT {found})" if node.negated else found

    def builtin(self, node: ir.Builtin, env: Mapping[str, _Value]) -> str:
        d = self.d
        if node.function == "count":
            return d.length(self.sql(node.arguments[0], env))
        if node.function == "worked_in":
            return self.worked_in(node, env, ordered=True)
        if node.function == "hours_in":
            return self.hours_in(node, env)
        if node.function == "age_on":
            born, day = (self.sql(a, env) for a in node.arguments)
            return (f"(year({day}) - year({born}) - CASE WHEN month({day}) * 100 + day({day}) < "
                    f"month({born}) * 100 + day({born}) THEN 1 ELSE 0 END)")
        if node.function == "full_time_years":
            hours, per_year = (self.sql(a, env) for a in node.arguments)
            return (f"(CASE WHEN {hours} IS NULL OR {per_year} IS NULL THEN NULL WHEN {per_year} > 0 "
                    f"THEN CAST(floor({hours} / {per_year}) AS INTEGER) ELSE 0 END)")
        if node.function in ("continuous_full_time", "hours_worked"):
            code = self.value(node.arguments[0], env)
            period = self.value(node.arguments[1], env)
            assert isinstance(period, _Static)
            index = self.state.windows.setdefault(period.value, len(self.state.windows))
            part = "longest" if node.function == "continuous_full_time" else "hours"
            zero = "0" if part == "longest" else d.double(0.0)
            if self.state.per_code:
                if code != "k.noc":
                    raise _NotPerCode
                self.state.per_code_windows.add(index)
                self.read(f"occ_code_{index}", everyone=True)
                return f"(CASE WHEN k.incomplete THEN NULL ELSE coalesce(k.{part}_{index}, {zero}) END)"
            if not isinstance(code, _Code):
                self.state.unlisted.add(index)
            self.state.maps.add(index)
            self.read(f"occ_code_{index}")
            code_sql = code.sql if isinstance(code, _Code) else self.sql(node.arguments[0], env)
            found = f"{d.map_get(f'p.occ_{index}', code_sql)}.{part}"
            unknown_hours = self.hoist(d.transform(d.filter("p.work_history", "jh_", "jh_.hours_per_week IS NULL"),
                                                   "jh_", "jh_.noc"))
            return (f"(CASE WHEN p.work_history IS NULL OR {code_sql} IS NULL THEN NULL "
                    f"WHEN {d.contains(unknown_hours, code_sql)} THEN NULL ELSE coalesce({found}, {zero}) END)")
        raise SqlUnsupported(f"{node.span.short}: no SQL for the built-in {node.function}")

    def hours_in(self, node: ir.Builtin, env: Mapping[str, _Value]) -> str:
        """Hours over the jobs of the work history that a selection keeps, all occupations together: a sweep per
        profile in its own view (one per selection and window), joined back to the profile. Inside a quantifier over
        the occupations worked, a selection of that occupation's jobs (`job.noc == occupation and ...`) is a sweep
        per profile and occupation instead, read by the occupation's row."""
        jobs, window = node.arguments
        period = self.value(window, env)
        assert isinstance(period, _Static)
        if self.state.per_code:
            where = self.this_code_jobs(jobs, env)
            index = self.state.hours_in_code.setdefault((where, period.value), len(self.state.hours_in_code))
            self.read(f"hours_code_{index}", everyone=True)
            return f"(CASE WHEN k.hc{index}_unknown THEN NULL ELSE coalesce(k.hc{index}, {self.d.double(0.0)}) END)"
        if isinstance(jobs, ir.FactRef) and jobs.name == "work_history":
            where = "TRUE"
        elif isinstance(jobs, ir.Selection) and isinstance(jobs.domain, ir.FactRef) \
                and jobs.domain.name == "work_history":
            if _reads_outer_locals(jobs.where, frozenset({jobs.variable})):
                raise SqlUnsupported(f"{node.span.short}: the SQL backend selects jobs by their own fields, or by the "
                                     "occupation of a quantifier over the occupations worked, only")
            self.state.depth += 1
            where = self.sql(jobs.where, {**env, jobs.variable: "j"})
            self.state.depth -= 1
            if "p.rule" in where:
                raise SqlUnsupported(f"{node.span.short}: the SQL backend selects jobs by their own fields only")
        else:
            raise SqlUnsupported(f"{node.span.short}: the SQL backend sums hours over the work history or a "
                                 "selection of it only")
        index = self.state.hours_in.setdefault((where, period.value), len(self.state.hours_in))
        self.read(f"hours_in_{index}")
        return (f"(CASE WHEN p.work_history IS NULL OR p.hi{index}_unknown THEN NULL "
                f"ELSE coalesce(p.hi{index}, {self.d.double(0.0)}) END)")

    def hours_in_view(self, where: str, window: Period, index: int, by_code: bool = False) -> str:
        """Per profile with jobs: whether a job's selection or its hours are unknown (the sum is then missing), and
        the hours counted (at most 30 a week, over all kept jobs together) within the window. `by_code`: per profile
        and occupation, over that occupation's kept jobs."""
        d = self.d
        cap = d.double(FULL_TIME_HOURS_PER_WEEK)
        epsilon = d.double(EPSILON)
        key = ", noc" if by_code else ""
        view = f"hours_code_{index}" if by_code else f"hours_in_{index}"
        order = f"PARTITION BY _line{key} ORDER BY day"
        code, same_code = (" j.noc AS noc,", " AND h.noc = f.noc") if by_code else ("", "")
        end = f"coalesce({d.field('j', 'end')}, {d.date(self.as_of)})"
        unknown = "bool_or(keep IS NULL OR (keep AND (s IS NULL OR h IS NULL)))"
        return f"""
WITH jobs AS (
  SELECT _line,{code} j.start AS s, {end} AS e, j.hours_per_week AS h,
         {where} AS keep
  FROM (SELECT p.*, {d.explode('p.work_history')} AS j FROM {self.source(view)} p) p
), flags AS (
  SELECT _line{key}, {unknown} AS unknown FROM jobs GROUP BY _line{key}
), clipped AS (
  SELECT _line{key}, greatest(s, {d.date(window.first)}) AS f, least(e, {d.date(window.last)}) AS l, h
  FROM jobs WHERE keep AND h > 0
), changes AS (
  SELECT _line{key}, f AS day, h AS delta FROM clipped WHERE l >= f
  UNION ALL
  SELECT _line{key}, {d.add_days('l', '1')} AS day, -h AS delta FROM clipped WHERE l >= f
), running AS (
  SELECT _line{key}, day, lead(day) OVER ({order}) AS next_day,
         sum(delta) OVER ({order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS raw_weekly
  FROM changes
), hours AS (
  SELECT _line{key}, sum(least(CASE WHEN raw_weekly < {epsilon} THEN {d.double(0.0)} ELSE raw_weekly END, {cap})
                    * {d.days_between('next_day', 'day')}) / 7 AS hours
  FROM running WHERE next_day IS NOT NULL GROUP BY _line{key}
)
SELECT f._line AS _line,{code.replace("j.", "f.")} f.unknown AS unknown, h.hours AS hours
FROM flags f LEFT JOIN hours h ON h._line = f._line{same_code}"""

    def this_code_jobs(self, jobs: ir.Node, env: Mapping[str, _Value]) -> str:
        """The SQL of a selection's condition on one job, when the selection keeps jobs of the occupation of the
        row (`each job in work_history where job.noc == occupation and ...`, the rest reading the job's own fields):
        grouped by occupation, the first part always holds. Otherwise the quantifier runs as a list lambda."""
        if not (isinstance(jobs, ir.Selection) and isinstance(jobs.domain, ir.FactRef)
                and jobs.domain.name == "work_history"):
            raise _NotPerCode
        parts = jobs.where.operands if isinstance(jobs.where, ir.AllOf) else (jobs.where,)

        def this_code(node: ir.Node) -> bool:
            return isinstance(node, ir.Local) and isinstance(env.get(node.name), _ThisCode)

        def own_noc(node: ir.Node) -> bool:
            return isinstance(node, ir.FieldGet) and node.name == "noc" and isinstance(node.subject, ir.Local) \
                and node.subject.name == jobs.variable

        keyed = [part for part in parts if isinstance(part, ir.Compare) and part.operator == "==" and (
            own_noc(part.left) and this_code(part.right) or this_code(part.left) and own_noc(part.right))]
        rest = [part for part in parts if part not in keyed]
        if not keyed or any(_reads_outer_locals(part, frozenset({jobs.variable})) for part in rest):
            raise _NotPerCode
        self.state.depth += 1
        try:
            return " AND ".join(self.sql(part, {**env, jobs.variable: "j"}) for part in rest) or "TRUE"
        finally:
            self.state.depth -= 1

    def worked_in(self, node: ir.Builtin, env: Mapping[str, _Value], ordered: bool) -> str:
        """The distinct codes of the profile's jobs that are on the list; sorted as the evaluator sorts them, unless
        only a quantifier reads them (order cannot change `any` or `all`)."""
        d = self.d
        table = self.value(node.arguments[0], env)
        assert isinstance(table, _Static) and isinstance(table.value, ir.OccupationList)
        codes = d.array([d.text(c) for c in sorted(table.value.codes)])
        listed = d.distinct(d.filter(d.transform("p.work_history", "j_", "j_.noc"), "c_", d.contains(codes, "c_")))
        return d.sort(listed) if ordered else listed

    def hoist(self, sql: str) -> str:
        """A per-profile value computed once, in the innermost projection, whatever number of rules use it. Only for
        expressions that read the profile's columns (never a quantifier's variable)."""
        if "p.rule" in sql or re.fullmatch(r'p\.([`"]?)[a-z_]+\1', sql):
            return sql
        return "p." + self.state.hoisted.setdefault(sql, f"h{len(self.state.hoisted)}")

    def quantifier(self, node: ir.Quantifier, env: Mapping[str, _Value]) -> str:
        if node.kind in ("total", "highest"):
            return self.aggregate(node, env)
        if self.state.depth == 0 and not self.state.per_code and isinstance(node.domain, ir.Builtin) \
                and node.domain.function == "worked_in":
            try:
                return self.per_code_quantifier(node, env)
            except _NotPerCode:
                self.state.per_code = False
        return self.lambda_quantifier(node, env)

    def per_code_quantifier(self, node: ir.Quantifier, env: Mapping[str, _Value]) -> str:
        """`any code in worked_in(list): ...` whose body reads only that occupation's time: one row per profile
        and occupation worked (the way a hand-written query would do it), folded per profile with Kleene's rules."""
        d = self.d
        assert isinstance(node.domain, ir.Builtin)
        table = self.value(node.domain.arguments[0], env)
        assert isinstance(table, _Static) and isinstance(table.value, ir.OccupationList)
        inner: dict[str, _Value] = {**env, node.variable: _ThisCode()}
        self.state.per_code = True
        body = self.sql(node.body, inner)
        where = self.sql(node.where, inner) if node.where is not None else None
        self.state.per_code = False
        element = self.element(node.kind, where, body)
        on_list = f"k.noc IN ({', '.join(d.text(c) for c in sorted(table.value.codes))})" if table.value.codes \
            else "FALSE"
        rows = f"count(*) FILTER (WHERE {on_list})"
        known = f"count({element}) FILTER (WHERE {on_list})"
        if node.kind == "any":
            fold = (f"CASE WHEN bool_or({element}) FILTER (WHERE {on_list}) THEN TRUE WHEN {rows} > {known} "
                    f"THEN NULL ELSE FALSE END")
        else:
            fold = (f"CASE WHEN NOT bool_and({element}) FILTER (WHERE {on_list}) THEN FALSE WHEN {rows} > {known} "
                    f"THEN NULL ELSE TRUE END")
        alias = self.state.per_code_columns.setdefault(fold, f"q{len(self.state.per_code_columns)}")
        empty = "FALSE" if node.kind == "any" else "TRUE"
        return f"(CASE WHEN p.work_history IS NULL THEN NULL WHEN p.qt_line IS NULL THEN {empty} ELSE p.{alias} END)"

    def element(self, kind: str, where: str | None, body: str) -> str:
        """One element's value: a `where` that is false leaves the element out (false for `any`, true for `all`)."""
        if where is None:
            return body
        return f"({where} AND {body})" if kind == "any" else \
            f"(CASE WHEN NOT coalesce({where}, true) THEN TRUE ELSE ({where} AND {body}) END)"

    def lambda_quantifier(self, node: ir.Quantifier, env: Mapping[str, _Value]) -> str:
        d = self.d
        self.state.variables += 1
        variable = f"x{self.state.variables}_"
        domain = self.value(node.domain, env)
        listed = isinstance(domain, _Static) and isinstance(domain.value, ir.OccupationList) or \
            isinstance(node.domain, ir.Builtin) and node.domain.function == "worked_in"
        if isinstance(node.domain, ir.Builtin) and node.domain.function == "worked_in":
            domain_sql = self.worked_in(node.domain, env, ordered=False)
        else:
            domain_sql = self.sql(node.domain, env)
        derived = None if listed else self.element_variable(variable, domain_sql, (node.body, node.where),
                                                             node.variable)
        if derived is not None:
            domain_sql = f"p.dl{derived.derived}"
        elif self.state.depth == 0 and not self.state.per_code and not isinstance(domain, _Static):
            domain_sql = self.hoist(domain_sql)
        if not isinstance(domain, _Static):
            domain_sql = self.guard(domain_sql)
        inner: dict[str, _Value] = {**env, node.variable: derived or (_Code(variable) if listed else variable)}
        self.state.depth += 1
        body = self.sql(node.body, inner)
        where = self.sql(node.where, inner) if node.where is not None else None
        self.state.depth -= 1
        element = self.element(node.kind, where, body)
        encoded = f"coalesce(CAST({element} AS INTEGER) * 2, 1)"
        folded = d.transform(domain_sql, variable, encoded)
        fold = f"coalesce({d.list_max(folded)}, 0)" if node.kind == "any" else f"coalesce({d.list_min(folded)}, 2)"
        return (f"(CASE WHEN {domain_sql} IS NULL THEN NULL ELSE "
                f"(CASE {fold} WHEN 2 THEN TRUE WHEN 0 THEN FALSE END) END)")

    def lambda_parts(self, variable_node: str, domain: ir.Node, where: ir.Node | None, body: ir.Node | None,
                     env: Mapping[str, _Value]) -> tuple[str, str, str | None, str | None]:
        """A list's SQL, a fresh lambda variable, and the `where` and body read for one element. With a body (the
        elements themselves are not kept), the list may carry derived fields."""
        self.state.variables += 1
        variable = f"x{self.state.variables}_"
        domain_sql = self.sql(domain, env)
        element = self.element_variable(variable, domain_sql, (body, where), variable_node) if body is not None \
            else None
        if element is not None:
            domain_sql = f"p.dl{element.derived}"
        elif self.state.depth == 0 and not self.state.per_code:
            domain_sql = self.hoist(domain_sql)
        domain_sql = self.guard(domain_sql)
        inner: dict[str, _Value] = {**env, variable_node: element or variable}
        self.state.depth += 1
        where_sql = self.sql(where, inner) if where is not None else None
        body_sql = self.sql(body, inner) if body is not None else None
        self.state.depth -= 1
        return domain_sql, variable, where_sql, body_sql

    def selection(self, node: ir.Selection, env: Mapping[str, _Value]) -> str:
        """`each x in xs where c`: the elements whose `c` is true; missing when any element's `c` is missing."""
        d = self.d
        domain, variable, where, _ = self.lambda_parts(node.variable, node.domain, node.where, None, env)
        assert where is not None
        unknown = d.length(d.filter(domain, variable, f"{where} IS NULL"))
        return (f"(CASE WHEN {domain} IS NULL OR {unknown} > 0 THEN NULL "
                f"ELSE {d.filter(domain, variable, where)} END)")

    def aggregate(self, node: ir.Quantifier, env: Mapping[str, _Value]) -> str:
        """`total` and `highest`: elements whose `where` is false are left out; a missing `where` or value makes the
        result missing; over no element the result is zero of the body's kind."""
        d = self.d
        domain, variable, where, body = self.lambda_parts(node.variable, node.domain, node.where, node.body, env)
        assert body is not None
        kept = d.filter(domain, variable, f"coalesce({where}, TRUE)") if where is not None else domain
        value = f"(CASE WHEN {where} IS NULL THEN NULL ELSE {body} END)" if where is not None else body
        values = d.transform(kept, variable, value)
        zero = d.double(0.0) if node.type == t.HOURS else "0"
        total = d.list_sum(values, zero) if node.kind == "total" else f"coalesce({d.list_max(values)}, {zero})"
        if len(values) > BIND_LENGTH:
            return f"(CASE WHEN {domain} IS NULL THEN NULL ELSE {self.bound_aggregate(node, values, zero)} END)"
        unknown = d.length(d.filter(values, "v_", "v_ IS NULL"))
        return f"(CASE WHEN {domain} IS NULL OR {unknown} > 0 THEN NULL ELSE {total} END)"

    def bound_extreme(self, kind: str, operands: list[str]) -> str:
        """`min`/`max` of long operands (a capped CRS factor): the operands are computed once, as a list bound to a
        lambda variable, rather than once for the NULL test and again for the value; missing if one is missing."""
        d = self.d
        self.state.variables += 1
        bound = f"e{self.state.variables}_"
        unknown = d.length(d.filter(bound, f"{bound}x", f"{bound}x IS NULL"))
        pick = d.list_min(bound) if kind == "min" else d.list_max(bound)
        return d.bind(d.array(operands), bound, f"(CASE WHEN {unknown} > 0 THEN NULL ELSE {pick} END)")

    def bound_aggregate(self, node: ir.Quantifier, values: str, zero: str) -> str:
        """`total`/`highest` over a long body: the list of values is computed once (bound to a lambda variable), not
        once for its sum or maximum and again to find a missing value in it (nested caps would copy it each time)."""
        d = self.d
        self.state.variables += 1
        bound = f"a{self.state.variables}_"
        total = d.list_sum(bound, zero) if node.kind == "total" else f"coalesce({d.list_max(bound)}, {zero})"
        unknown = d.length(d.filter(bound, f"{bound}v", f"{bound}v IS NULL"))
        return d.bind(values, bound, f"(CASE WHEN {unknown} > 0 THEN NULL ELSE {total} END)")

    # work history

    def occupation_time(self, window: Period, index: int) -> str:
        """Per profile and occupation worked: longest continuous full-time run and hours counted within the window,
        and whether some job in that occupation does not give its hours (then both are missing, as in the
        evaluator). One row per occupation worked, whatever its time in the window."""
        d = self.d
        full = d.double(FULL_TIME_HOURS_PER_WEEK - EPSILON)
        cap = d.double(FULL_TIME_HOURS_PER_WEEK)
        epsilon = d.double(EPSILON)
        as_of = d.date(self.as_of)
        codes = sorted({c for table in self.rulebook.occupation_lists.values() for c in table.codes})
        prune = f" WHERE j.noc IN ({', '.join(d.text(c) for c in codes)})" \
            if index not in self.state.unlisted and codes else ""
        end = d.field("j", "end")
        segment_days = d.days_between("next_day", "day")
        first_month = "(year(after_) * 12 + month(after_) - year(first_) * 12 - month(first_))"
        months = (f"(CASE WHEN {first_month} > 0 AND {d.add_months('first_', first_month)} > after_ "
                  f"THEN {first_month} - 1 ELSE {first_month} END)")
        order = "PARTITION BY _line, noc ORDER BY day"
        return f"""
WITH jobs AS (
  SELECT _line, j.noc AS noc, j.start AS s, coalesce({end}, {as_of}) AS e, j.hours_per_week AS h
  FROM (SELECT _line, {d.explode('work_history')} AS j FROM {self.source(f"occ_code_{index}")}) exploded{prune}
), codes AS (
  SELECT _line, noc, bool_or(h IS NULL) AS incomplete FROM jobs GROUP BY _line, noc
), clipped AS (
  SELECT _line, noc, greatest(s, {d.date(window.first)}) AS f, least(e, {d.date(window.last)}) AS l, h
  FROM jobs WHERE h > 0
), changes AS (
  SELECT _line, noc, f AS day, h AS delta FROM clipped WHERE l >= f
  UNION ALL
  SELECT _line, noc, {d.add_days('l', '1')} AS day, -h AS delta FROM clipped WHERE l >= f
), running AS (
  SELECT _line, noc, day, lead(day) OVER ({order}) AS next_day,
         sum(delta) OVER ({order} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS raw_weekly
  FROM changes
), segments AS (
  SELECT _line, noc, day, next_day, weekly, weekly >= {full} AS full_time,
         sum(CASE WHEN weekly >= {full} THEN 0 ELSE 1 END) OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING
             AND CURRENT ROW) AS island
  FROM (SELECT *, CASE WHEN raw_weekly < {epsilon} THEN {d.double(0.0)} ELSE raw_weekly END AS weekly FROM running) w
  WHERE next_day IS NOT NULL
), islands AS (
  SELECT _line, noc, sum(least(weekly, {cap}) * {segment_days}) AS hour_days,
         min(CASE WHEN full_time THEN day END) AS first_, max(CASE WHEN full_time THEN next_day END) AS after_
  FROM segments GROUP BY _line, noc, island
), per_code AS (
  SELECT _line, noc, sum(hour_days) / 7 AS hours,
         coalesce(max(months * {DURATION_SCALE} + {d.days_between('after_', d.add_months('first_', 'months'))}), 0)
         AS longest
  FROM (SELECT *, {months} AS months FROM islands) m GROUP BY _line, noc
)
SELECT c._line AS _line, c.noc AS noc, c.incomplete AS incomplete, t.hours AS hours, t.longest AS longest
FROM codes c LEFT JOIN per_code t ON t._line = c._line AND t.noc = c.noc"""

    def occupation_maps(self, index: int) -> str:
        """Per profile, a map from occupation code to its time in one window, for rules that need it in a lambda."""
        d = self.d
        value = d.struct([("longest", "longest"), ("hours", "hours")])
        return (f"SELECT _line, map_from_entries({d.collect(d.struct([('k', 'noc'), ('v', value)]))}) AS occ "
                f"FROM occ_code_{index} GROUP BY _line")

    def per_profile(self) -> str:
        """One row per profile that worked in a listed occupation: the folded quantifiers over its occupations, read
        off the occupations' time in each window (the first window's rows give the occupations worked)."""
        d = self.d
        codes = sorted({c for table in self.rulebook.occupation_lists.values() for c in table.codes})
        listed = f"IN ({', '.join(d.text(c) for c in codes)})" if codes else "IS NULL AND FALSE"
        folds = ", ".join(f"{sql} AS {alias}" for sql, alias in self.state.per_code_columns.items())
        windows = sorted(self.state.per_code_windows)
        if windows:
            first = windows[0]
            times = "".join(f", w{i}.longest AS longest_{i}, w{i}.hours AS hours_{i}" for i in windows)
            joins = "".join(f" LEFT JOIN occ_code_{i} w{i} ON w{i}._line = w{first}._line AND w{i}.noc = w{first}.noc"
                            for i in windows[1:])
            codes_worked = (f"SELECT w{first}._line AS _line, w{first}.noc AS noc, w{first}.incomplete AS incomplete"
                            f"{times} FROM occ_code_{first} w{first}{joins} WHERE w{first}.noc {listed}")
        else:
            codes_worked = (f"SELECT _line, noc, bool_or(h IS NULL) AS incomplete FROM (SELECT _line, j.noc AS noc, "
                            f"j.hours_per_week AS h FROM (SELECT _line, {d.explode('work_history')} AS j "
                            f"FROM {self.pool}) exploded WHERE j.noc {listed}) jobs GROUP BY _line, noc")
        if self.state.hours_in_code:
            hours = "".join(f", hc{i}.hours AS hc{i}, hc{i}.unknown AS hc{i}_unknown"
                            for i in self.state.hours_in_code.values())
            joins = "".join(f" LEFT JOIN hours_code_{i} hc{i} ON hc{i}._line = w._line AND hc{i}.noc = w.noc"
                            for i in self.state.hours_in_code.values())
            codes_worked = f"SELECT w.*{hours} FROM ({codes_worked}) w{joins}"
        return f"SELECT k._line AS _line, {folds} FROM ({codes_worked}) k GROUP BY k._line"
