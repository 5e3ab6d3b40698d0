"""The profile schema as SQL over a Parquet pool's own column types: which rows it refuses, and each kept value in the
pool's type.

A Parquet row stands for the profile document `engine.model.pool_values.document_from_values` makes of it, and that
document is valid or not by `engine.model.profile.validate`. Validating a million documents in Python would cost
minutes, so the same judgement is made here in SQL, over the columns as the file types them (a `crs` may be text, a
level a double, a date a timestamp): one condition per column, derived from the schema's keywords, true when the
value breaks them. Only the rows found bad are then read back as documents, for `validate` to say why. A keyword of
the schema that this module does not translate is an error when the checks are built, never a check left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.model.json_text import MAX_DIGITS
from engine.model.pool_values import JSON_NUMBER
from engine.model.profile import FIRST_YEAR, LAST_YEAR, MAX_LIST_ITEMS, profile_schema

INTEGERS = frozenset({"tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger",
                      "ubigint", "uhugeint"})
FLOATS = frozenset({"float", "double"})
NUMBERS = INTEGERS | FLOATS | {"decimal"}
TIMESTAMPS = frozenset({"timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"})
ZONED = "timestamp with time zone"
LISTS = frozenset({"list", "array"})
# Keywords that say nothing about validity.
ANNOTATIONS = frozenset({"description", "title", "$schema", "$id", "$defs", "default", "examples"})
TRANSLATED = frozenset({"type", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "items",
                        "maxItems", "uniqueItems", "properties", "required", "additionalProperties", "anyOf", "oneOf",
                        "$ref"})

# The same text forms as engine.model.profile's format checks (RFC 3339), as RE2 patterns.
DATE_TEXT = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATE_TIME_TEXT = (DATE_TEXT + "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?"
                  "(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
FIRST_DAY, END_DAY = f"'{FIRST_YEAR:04d}-01-01'", f"'{LAST_YEAR + 1:04d}-01-01'"


class SchemaNotCovered(Exception):
    """The profile schema uses a keyword or a type these checks do not translate."""


@dataclass(frozen=True, slots=True)
class ColumnCheck:
    """A condition on one column of a row, true when its value breaks the schema."""

    column: str
    condition: str


@dataclass(frozen=True, slots=True)
class _Bad:
    """A condition that holds when a value breaks the schema. `strict`: NULL whenever the value is NULL (comparisons,
    `NOT IN`, lengths, patterns on the value itself), so `coalesce(sql, false)` says what `value IS NOT NULL AND sql`
    says while reading the value once, where DuckDB extracts a field of a list's element again at each mention."""

    sql: str
    strict: bool = True


ANYTHING = _Bad("true", strict=False)


def given(value: str, condition: _Bad) -> str:
    """`condition` on a value that may be NULL (a NULL value breaks nothing)."""
    if condition.strict:
        return f"coalesce({condition.sql}, false)"
    return f"({value} IS NOT NULL AND {condition.sql})"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def row_checks(present: Mapping[str, Any]) -> list[ColumnCheck]:
    """One check per column of the file (DuckDB types by name) that can break the schema, plus the job dates' order
    (what `validate` checks beyond the schema); an unknown column breaks it by holding anything."""
    root = profile_schema()
    properties = root["properties"]
    checks = [ColumnCheck("id", '"id" IS NULL')] if "id" in root.get("required", ()) else []
    for column, kind in present.items():
        if column not in properties:
            checks.append(ColumnCheck(column, f"{quote(column)} IS NOT NULL"))
            continue
        condition = _Translation().bad(properties[column], kind, quote(column), cell=True)
        if condition is not None:
            checks.append(ColumnCheck(column, given(quote(column), condition)))
    return checks


class _Translation:
    """The schema's keywords as SQL on one column; lambda variables are numbered by depth."""

    def __init__(self) -> None:
        self.depth = 0

    def bad(self, schema: Mapping[str, Any], kind: Any, value: str, cell: bool = False) -> _Bad | None:
        """A condition, on a value known not to be NULL, that holds when the value breaks `schema`; None when no
        value of this type can. `cell`: a top-level column, read as a CSV cell where its type is text."""
        schema = _resolved(schema)
        unknown = set(schema) - TRANSLATED - ANNOTATIONS
        if unknown:
            raise SchemaNotCovered(f"the pool checks do not translate {', '.join(sorted(unknown))}")
        conditions: list[_Bad] = []
        if "enum" in schema:
            conditions.append(self._enum(schema["enum"], kind, value))
        if "type" in schema:
            conditions.extend(self._typed(schema, kind, value, cell))
        elif kind.id == "struct" and "required" in schema:
            conditions.extend(self._record(schema, kind, value))
        for alternatives in (schema.get("anyOf"), schema.get("oneOf")):
            if alternatives:
                each = [self.bad(alternative, kind, value, cell) for alternative in alternatives]
                if all(condition is not None for condition in each):
                    conditions.append(_all_of([condition for condition in each if condition is not None]))
        return _any(conditions)

    def _enum(self, members: list[Any], kind: Any, value: str) -> _Bad:
        if not all(isinstance(member, str) for member in members):
            raise SchemaNotCovered("the pool checks translate enumerations of texts only")
        text = _as_text(kind, value, cell=False)
        return ANYTHING if text is None else _Bad(f"{text} NOT IN ({', '.join(map(literal, members))})")

    def _typed(self, schema: Mapping[str, Any], kind: Any, value: str, cell: bool) -> list[_Bad]:
        declared = schema["type"]
        kinds = [k for k in (declared if isinstance(declared, list) else [declared]) if k != "null"]
        if len(kinds) != 1:
            raise SchemaNotCovered(f"the pool checks translate one type besides null, not {declared}")
        (wanted,) = kinds
        if wanted == "string":
            return self._string(schema, kind, value, cell)
        if wanted in ("integer", "number"):
            return self._number(schema, kind, value, cell, whole=wanted == "integer")
        if wanted == "boolean":
            if kind.id == "boolean":
                return []
            return [_Bad(f"{value} NOT IN ('true', 'false')")] if cell and kind.id == "varchar" else [ANYTHING]
        if wanted == "object":
            return self._record(schema, kind, value) if kind.id == "struct" else [ANYTHING]
        if wanted == "array":
            return self._list(schema, kind, value) if kind.id in LISTS else [ANYTHING]
        raise SchemaNotCovered(f"the pool checks do not translate the type {wanted}")

    def _string(self, schema: Mapping[str, Any], kind: Any, value: str, cell: bool) -> list[_Bad]:
        form = schema.get("format")
        if form == "date":
            if kind.id == "date":
                return [_Bad(f"NOT {_in_years(value)}")]
            if kind.id != "varchar":
                return [ANYTHING]
            return [_Bad(f"NOT coalesce(regexp_full_match({value}, '{DATE_TEXT}') AND "
                         f"{_in_years(f'TRY_CAST({value} AS DATE)')}, false)", strict=False)]
        if form == "date-time":
            if kind.id in TIMESTAMPS:
                return [_Bad(f"NOT ({value} >= TIMESTAMP {FIRST_DAY} AND {value} < TIMESTAMP {END_DAY})")]
            if kind.id == ZONED:
                return [_Bad(f"NOT ({value} >= TIMESTAMPTZ '{FIRST_YEAR:04d}-01-01 00:00:00+00' AND "
                             f"{value} < TIMESTAMPTZ '{LAST_YEAR + 1:04d}-01-01 00:00:00+00')")]
            if kind.id != "varchar":
                return [ANYTHING]
            return [_Bad(f"NOT coalesce(regexp_full_match({value}, '{DATE_TIME_TEXT}') AND "
                         f"{_in_years(f'TRY_CAST(substr({value}, 1, 10) AS DATE)')}, false)", strict=False)]
        if form is not None:
            raise SchemaNotCovered(f"the pool checks do not translate the format {form}")
        text = _as_text(kind, value, cell)
        if text is None:
            return [ANYTHING]
        conditions = []
        if "minLength" in schema:
            conditions.append(_Bad(f"length({text}) < {int(schema['minLength'])}"))
        if "maxLength" in schema:
            conditions.append(_Bad(f"length({text}) > {int(schema['maxLength'])}"))
        if "pattern" in schema:
            conditions.append(_Bad(f"NOT regexp_matches({text}, {literal(schema['pattern'])})"))
        return conditions

    def _number(self, schema: Mapping[str, Any], kind: Any, value: str, cell: bool, whole: bool) -> list[_Bad]:
        if kind.id in INTEGERS:
            return _bounds(schema, value)
        if kind.id in FLOATS or kind.id == "decimal":
            fraction = [_Bad(f"{value} <> trunc({value})")] if whole else []
            if kind.id in FLOATS and not ("minimum" in schema and "maximum" in schema):
                # With both bounds, NaN and the infinities fall outside them (DuckDB orders NaN above every number).
                return [_Bad(f"isnan({value}) OR isinf({value})"), *fraction, *_bounds(schema, value)]
            return [*fraction, *_bounds(schema, value)]
        if cell and kind.id == "varchar":
            # Read as engine.model.pool_values.read_cell reads it: a number as JSON writes it, within the digits.
            number = f"TRY_CAST({value} AS DOUBLE)"
            fraction_text = [f"{number} <> trunc({number})"] if whole else []
            out_of_bounds = " OR ".join([f"isinf({number})", *fraction_text,
                                         *(bound.sql for bound in _bounds(schema, number))])
            return [_Bad(f"NOT regexp_full_match({value}, {literal(JSON_NUMBER.pattern)})"),
                    _Bad(f"length(regexp_replace({value}, '[^0-9]', '', 'g')) > {MAX_DIGITS}"),
                    _Bad(f"coalesce({out_of_bounds}, true)", strict=False)]
        return [ANYTHING]

    def _record(self, schema: Mapping[str, Any], kind: Any, value: str) -> list[_Bad]:
        fields = dict(kind.children)
        properties = schema.get("properties", {})
        conditions = []
        for name, field in fields.items():
            access = f"{value}.{quote(name)}"
            if name not in properties:
                if schema.get("additionalProperties") is False:
                    conditions.append(_Bad(f"{access} IS NOT NULL", strict=False))
                continue
            condition = self.bad(properties[name], field, access)
            if condition is not None:
                conditions.append(_Bad(given(access, condition), strict=False))
        for name in schema.get("required", ()):
            conditions.append(_Bad(f"{value}.{quote(name)} IS NULL", strict=False) if name in fields else ANYTHING)
        return conditions

    def _list(self, schema: Mapping[str, Any], kind: Any, value: str) -> list[_Bad]:
        element = kind.children[0][1]
        most = min(int(schema.get("maxItems", MAX_LIST_ITEMS)), MAX_LIST_ITEMS)
        conditions = [_Bad(f"len({value}) > {most}")]
        if "items" in schema:
            self.depth += 1
            variable = f"v{self.depth}"
            item = _resolved(schema["items"])
            condition = self.bad(item, element, variable)
            self.depth -= 1
            declared = item.get("type")
            allows_null = declared == "null" or (isinstance(declared, list) and "null" in declared)
            if condition is None:
                each = None if allows_null else f"{variable} IS NULL"
            else:
                each = given(variable, condition) if allows_null else f"{variable} IS NULL OR ({condition.sql})"
            if each is not None:
                conditions.append(_Bad(f"coalesce(list_bool_or(list_transform({value}, lambda {variable}: {each})), "
                                       f"false)", strict=False))
            if schema.get("uniqueItems"):
                conditions.append(_Bad(_repeated(item, value)))
        elif schema.get("uniqueItems"):
            conditions.append(_Bad(_repeated({}, value)))
        return conditions


def _bounds(schema: Mapping[str, Any], number: str) -> list[_Bad]:
    if "minimum" in schema and "maximum" in schema:
        return [_Bad(f"NOT ({number} BETWEEN {schema['minimum']} AND {schema['maximum']})")]
    return [*([_Bad(f"{number} < {schema['minimum']}")] if "minimum" in schema else []),
            *([_Bad(f"{number} > {schema['maximum']}")] if "maximum" in schema else [])]


def _in_years(day: str) -> str:
    return f"({day} >= DATE {FIRST_DAY} AND {day} < DATE {END_DAY})"


def _repeated(item: Mapping[str, Any], value: str) -> str:
    """A list holding some element twice. With the elements from a short enumeration (checked beside), the list is
    longer than the number of members it contains: no sort or hash of the list."""
    members = item.get("enum")
    if members:
        contained = " + ".join(f"CAST(list_contains({value}, {literal(m)}) AS INTEGER)" for m in members)
        return f"len({value}) > {contained}"
    return f"len(list_distinct({value})) < len(list_filter({value}, lambda x: x IS NOT NULL))"


def _as_text(kind: Any, value: str, cell: bool) -> str | None:
    """The value as text where the document holds it as text: a text, a UUID, and at the top level a whole number
    (an `id` written as digits); None for any other type."""
    if kind.id == "varchar":
        return value
    if kind.id == "uuid" or (cell and kind.id in INTEGERS):
        return f"CAST({value} AS VARCHAR)"
    return None


def _all_of(alternatives: list[_Bad]) -> _Bad:
    """Bad against every alternative. One no value of this type can meet (a NOC code given as text, against the
    alternative of a whole number) adds nothing."""
    kept = [alternative for alternative in alternatives if alternative is not ANYTHING]
    if not kept:
        return ANYTHING
    if len(kept) == 1:
        return kept[0]
    return _Bad("(" + " AND ".join(f"({c.sql})" for c in kept) + ")", all(c.strict for c in kept))


def _any(conditions: list[_Bad]) -> _Bad | None:
    if not conditions:
        return None
    if any(condition is ANYTHING for condition in conditions):
        return ANYTHING
    strict = all(condition.strict for condition in conditions)
    if len(conditions) == 1:
        return _Bad(f"({conditions[0].sql})", strict)
    return _Bad("(" + " OR ".join(f"({c.sql})" for c in conditions) + ")", strict)


def _resolved(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    node: Any = profile_schema()
    for part in str(reference).removeprefix("#/").split("/"):
        node = node[part]
    return _resolved(node)


# Conversions ---------------------------------------------------------------------------------------------------------


def converted(target: Any, kind: Any, value: str, cell: bool = False, depth: int = 0) -> str:
    """The value in the pool's type `target`, exactly, for a value the checks keep (a value they refuse may come out
    NULL, never as an error): the column itself when the file already has the pool's type."""
    if kind == target:
        return value
    if target.id == "struct":
        if kind.id != "struct":
            return f"CAST(NULL AS {target})"
        present = {name for name, _ in kind.children}
        fields = dict(kind.children)
        packed = ", ".join(
            f"{quote(name)} := " + (converted(field, fields[name], f"{value}.{quote(name)}", depth=depth)
                                    if name in present else f"CAST(NULL AS {field})")
            for name, field in target.children)
        return f"CASE WHEN {value} IS NULL THEN NULL ELSE struct_pack({packed}) END"
    if target.id == "list":
        if kind.id not in LISTS:
            return f"CAST(NULL AS {target})"
        element = target.children[0][1]
        given = kind.children[0][1]
        variable = f"c{depth + 1}"
        return f"list_transform({value}, lambda {variable}: {converted(element, given, variable, depth=depth + 1)})"
    return _converted_scalar(str(target), kind, value, cell)


def _converted_scalar(target: str, kind: Any, value: str, cell: bool) -> str:
    if target == "INTEGER" and kind.id == "varchar":
        return f"TRY_CAST(TRY_CAST({value} AS DOUBLE) AS INTEGER)"
    if target == "BOOLEAN" and kind.id == "varchar":
        return f"CASE {value} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if target == "TIMESTAMP" and kind.id == "varchar":
        return f"timezone('UTC', TRY_CAST({value} AS TIMESTAMPTZ))"
    if target == "TIMESTAMP" and kind.id == ZONED:
        return f"timezone('UTC', {value})"
    if target == "VARCHAR" and kind.id not in ("varchar", "uuid") and not (cell and kind.id in INTEGERS):
        return f"CAST(NULL AS {target})"
    if target in ("INTEGER", "DOUBLE") and kind.id not in NUMBERS:
        return f"CAST(NULL AS {target})"
    return f"TRY_CAST({value} AS {target})"

