"""The few places where DuckDB's and Spark's SQL differ: list functions, lambdas, maps, structs and date arithmetic.

Everything else the backend emits is plain SQL both engines read the same way (CASE, window functions, Kleene
AND/OR/NOT with NULL for a missing fact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str

    @property
    def is_spark(self) -> bool:
        return self.name == "spark"

    def ident(self, name: str) -> str:
        return f"`{name}`" if self.is_spark else f'"{name}"'

    def field(self, subject: str, name: str) -> str:
        return f"{subject}.{self.ident(name)}" if name in ("end", "date") else f"{subject}.{name}"

    def text(self, value: str) -> str:
        return "'" + value.replace("\\", "\\\\" if self.is_spark else "\\").replace("'", "''") + "'"

    def date(self, value: date) -> str:
        return f"DATE '{value.isoformat()}'"

    def timestamp(self, value: datetime) -> str:
        return f"TIMESTAMP '{value.replace(tzinfo=None).isoformat(sep=' ')}'"

    def double(self, value: float) -> str:
        return f"{value!r}D" if self.is_spark else f"CAST({value!r} AS DOUBLE)"

    def array(self, items: list[str]) -> str:
        return f"array({', '.join(items)})" if self.is_spark else f"[{', '.join(items)}]"

    def lam(self, variable: str, body: str) -> str:
        return f"{variable} -> {body}" if self.is_spark else f"lambda {variable}: {body}"

    def transform(self, values: str, variable: str, body: str) -> str:
        function = "transform" if self.is_spark else "list_transform"
        return f"{function}({values}, {self.lam(variable, body)})"

    def filter(self, values: str, variable: str, body: str) -> str:
        function = "filter" if self.is_spark else "list_filter"
        return f"{function}({values}, {self.lam(variable, body)})"

    def list_max(self, values: str) -> str:
        return f"array_max({values})" if self.is_spark else f"list_max({values})"

    def list_min(self, values: str) -> str:
        return f"array_min({values})" if self.is_spark else f"list_min({values})"

    def bind(self, value: str, variable: str, body: str) -> str:
        """`body` with `variable` standing for `value`, computed once (a one-element list through a lambda)."""
        if self.is_spark:
            return f"transform(array({value}), {self.lam(variable, body)})[0]"
        return f"list_transform([{value}], {self.lam(variable, body)})[1]"

    def list_sum(self, values: str, zero: str) -> str:
        """The sum of a list without NULLs; `zero` for an empty list."""
        if self.is_spark:
            return f"aggregate({values}, {zero}, (a_, b_) -> a_ + b_)"
        return f"coalesce(list_sum({values}), {zero})"

    def distinct(self, values: str) -> str:
        return f"array_distinct({values})" if self.is_spark else f"list_distinct({values})"

    def sort(self, values: str) -> str:
        return f"array_sort({values})" if self.is_spark else f"list_sort({values})"

    def contains(self, values: str, item: str) -> str:
        return f"array_contains({values}, {item})" if self.is_spark else f"list_contains({values}, {item})"

    def length(self, values: str) -> str:
        """The length of a list; NULL for a NULL list on both engines (Spark's `size` says -1 there)."""
        return f"(CASE WHEN {values} IS NULL THEN NULL ELSE size({values}) END)" if self.is_spark \
            else f"len({values})"

    def map_get(self, mapping: str, key: str) -> str:
        return f"try_element_at({mapping}, {key})" if self.is_spark else f"{mapping}[{key}]"

    def struct(self, fields: list[tuple[str, str]]) -> str:
        if self.is_spark:
            return "named_struct(" + ", ".join(f"'{name}', {value}" for name, value in fields) + ")"
        return "struct_pack(" + ", ".join(f"{name} := {value}" for name, value in fields) + ")"

    def collect(self, value: str) -> str:
        return f"collect_list({value})" if self.is_spark else f"list({value})"

    def explode(self, values: str) -> str:
        return f"explode({values})" if self.is_spark else f"unnest({values})"

    def add_days(self, day: str, days: str) -> str:
        return f"date_add({day}, {days})" if self.is_spark else f"({day} + {days})"

    def days_between(self, later: str, earlier: str) -> str:
        return f"datediff({later}, {earlier})" if self.is_spark else f"({later} - {earlier})"

    def add_months(self, day: str, months: str) -> str:
        """The same day `months` later, clamped to the end of a shorter month, on both engines."""
        return f"add_months({day}, {months})" if self.is_spark else f"CAST({day} + to_months({months}) AS DATE)"

    def intermediate(self, name: str, query: str) -> str:
        """An intermediate result the final query joins: a table in DuckDB (its planner does better with a
        materialised join side), a temporary view in Spark (which plans the whole query at once)."""
        if self.is_spark:
            return f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}"
        return f"CREATE OR REPLACE TEMPORARY TABLE {name} AS {query}"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")

# The Spark session settings the emitted SQL is tested with, and that a cluster job should use: times in UTC (the
# pool's timestamps are UTC), and the optimizer rule that merges the query's stacked projections left out (it rewrites
# each expression reading a definition with the definition's text in its place: minutes of planning on a shipped
# rulebook's query, for a plan that runs no faster).
SPARK_SESSION_SETTINGS: tuple[tuple[str, str], ...] = (
    ("spark.sql.session.timeZone", "UTC"),
    ("spark.sql.optimizer.excludedRules", "org.apache.spark.sql.catalyst.optimizer.CollapseProject"),
)
