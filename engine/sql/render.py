"""The SQL expression tree written as text for one dialect, each node once.

A renderer remembers the text of every node it wrote, so a node shared by many places (a definition applied to
many rules, a guard repeated before each operand) is written once and its text reused. Before every rule is compiled
the place where a definition's column is needed is not known: `provisional` text writes a placeholder there, for the
decisions the compiler takes as it goes (how long a guard is); the final text writes the guards themselves.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.sql import expr as x
from engine.sql.dialect import Dialect

PLACEHOLDER = "__needed_"


class Renderer:
    """Renders expressions for one dialect; `resolve` gives, for a definition's name, where its column is needed
    (when it is None the text is provisional: a placeholder stands there)."""

    def __init__(self, dialect: Dialect, resolve: Callable[[str], x.Expr] | None = None,
                 provisional: Renderer | None = None) -> None:
        self.d = dialect
        self.resolve = resolve
        self.provisional = provisional  # whose text serves for a node that holds no placeholder
        self.memo: dict[int, tuple[x.Expr, str]] = {}
        self.columns: set[str] = set()  # the names of the columns of `p` written (the pool's, and computed ones)

    def __call__(self, node: x.Expr) -> str:
        known = self.memo.get(id(node))
        if known is not None:
            return known[1]
        if self.provisional is not None and not node.flags & x.HOLDS_NEEDED:
            return self.provisional(node)
        text = self.render(node)
        self.memo[id(node)] = (node, text)  # the node is kept so that its id is not reused while remembered
        return text

    def join(self, nodes: tuple[x.Expr, ...], separator: str = ", ") -> str:
        return separator.join(self(node) for node in nodes)

    def render(self, node: x.Expr) -> str:  # noqa: C901 - one case per node kind
        d = self.d
        match node:
            case x.Token(text):
                return text
            case x.Text(value):
                return d.text(value)
            case x.DateValue(value):
                return d.date(value)
            case x.TimestampValue(value):
                return d.timestamp(value)
            case x.Double(value):
                return d.double(value)
            case x.Column(table, name, quoted):
                if table == "p":
                    self.columns.add(name)
                return f"{table}.{d.ident(name) if quoted else name}"
            case x.RuleColumn(alias):
                return f"p.{alias}"
            case x.Var(name):
                return name
            case x.Field(subject, name):
                return d.field(self(subject), name)
            case x.ElementField(variable, alias):
                return f"{variable}.{alias}"
            case x.Paren(inner):
                return f"({self(inner)})"
            case x.Infix(operator, operands, parens):
                joined = self.join(operands, f" {operator} ")
                return f"({joined})" if parens else joined
            case x.Not(operand, parens):
                return f"(NOT {self(operand)})" if parens else f"NOT {self(operand)}"
            case x.IsNull(operand, negated):
                return f"{self(operand)} IS {'NOT NULL' if negated else 'NULL'}"
            case x.Call(function, arguments):
                return f"{function}({self.join(arguments)})"
            case x.Cast(operand, type_name):
                return f"CAST({self(operand)} AS {type_name})"
            case x.Case():
                return self.case(node)
            case x.In(item, values, parens):
                found = f"{self(item)} IN ({self.join(values)})"
                return f"({found})" if parens else found
            case x.Between(operand, low, high):
                return f"{self(operand)} BETWEEN {self(low)} AND {self(high)}"
            case x.Filtered(aggregate, where):
                return f"{self(aggregate)} FILTER (WHERE {self(where)})"
            case x.Needed(name):
                return f"{PLACEHOLDER}{name}__" if self.resolve is None else f"({self(self.resolve(name))})"
            case x.Array(items):
                return d.array([self(item) for item in items])
            case x.ListCall():
                return self.list_call(node)
            case x.Lambda(function, values, variable, body):
                if function == "transform":
                    return d.transform(self(values), variable, self(body))
                if function == "filter":
                    return d.filter(self(values), variable, self(body))
                return d.bind(self(values), variable, self(body))
            case x.Struct(fields):
                return d.struct([(name, self(value)) for name, value in fields])
        raise TypeError(f"no rendering for {type(node).__name__}")

    def case(self, node: x.Case) -> str:
        parts = ["CASE"] + ([self(node.subject)] if node.subject is not None else [])
        parts += [f"WHEN {self(condition)} THEN {self(value)}" for condition, value in node.whens]
        parts += [f"ELSE {self(node.otherwise)}"] if node.otherwise is not None else []
        text = " ".join(parts) + " END"
        return f"({text})" if node.parens else text

    def list_call(self, node: x.ListCall) -> str:
        d = self.d
        a = [self(argument) for argument in node.arguments]
        functions: dict[str, Callable[[], str]] = {
            "list_max": lambda: d.list_max(a[0]), "list_min": lambda: d.list_min(a[0]),
            "distinct": lambda: d.distinct(a[0]), "sort": lambda: d.sort(a[0]), "length": lambda: d.length(a[0]),
            "contains": lambda: d.contains(a[0], a[1]), "map_get": lambda: d.map_get(a[0], a[1]),
            "add_days": lambda: d.add_days(a[0], a[1]), "days_between": lambda: d.days_between(a[0], a[1]),
            "add_months": lambda: d.add_months(a[0], a[1]), "collect": lambda: d.collect(a[0]),
            "explode": lambda: d.explode(a[0]), "list_sum": lambda: d.list_sum(a[0], a[1]),
        }
        return functions[node.function]()
