"""The profile model is written in four places that must say the same: the JSON Schema profiles are validated
against, the facts rules read (`engine.model.facts`), the pool's columns (`engine.model.pool_columns`, whose DuckDB
types and Arrow schema are both read off one declaration of shapes), and the defaults the SQL backend and the
evaluator both take from `facts.FIELD_DEFAULTS`. Each test fails when one of them drifts from the others."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from dsl import types as t
from engine.model.facts import FACT_TYPES, FIELD_DEFAULTS, FIELD_PATHS, PRESENCE_FIELDS
from engine.model.pool_columns import BOOLEAN, DATE, DOUBLE, INTEGER, SHAPES, TEXT, TIMESTAMP, Shape, arrow_schema
from engine.model.profile import profile_schema

COMPUTED = {"has_spouse", "has_job_offer"}  # facts the profile model computes from others


def resolved(node: Mapping[str, Any]) -> Mapping[str, Any]:
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        return {**profile_schema()["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def schema_shape(node: Mapping[str, Any]) -> Any:
    """What a JSON Schema node holds, as a pool shape (records as mappings: the schema does not order them)."""
    node = resolved(node)
    if "enum" in node or "oneOf" in node:
        return TEXT  # a choice of texts; a NOC code, as text or digits, is text in the pool
    kind = node["type"]
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "array":
        return [schema_shape(node["items"])]
    if kind == "object":
        return {name: schema_shape(inner) for name, inner in node["properties"].items()}
    if kind == "string":
        return {"date": DATE, "date-time": TIMESTAMP}.get(node.get("format", ""), TEXT)
    return {"integer": INTEGER, "number": DOUBLE, "boolean": BOOLEAN}[kind]


def unordered(shape: Shape) -> Any:
    if isinstance(shape, list):
        return [unordered(shape[0])]
    if isinstance(shape, tuple):
        return {name: unordered(inner) for name, inner in shape}
    return shape


def test_the_schema_and_the_pool_hold_the_same_fields_of_the_same_kinds() -> None:
    schema = profile_schema()["properties"]
    assert {name: schema_shape(node) for name, node in schema.items()} == \
        {name: unordered(shape) for name, shape in SHAPES.items()}


def test_the_arrow_schema_and_the_duckdb_columns_are_the_declared_shapes_in_order() -> None:
    from engine.model.pool_columns import COLUMNS

    assert list(COLUMNS) == list(SHAPES) == arrow_schema().names


def test_every_pool_column_is_a_fact_and_every_fact_a_column_or_computed() -> None:
    assert set(FACT_TYPES) == set(SHAPES) | COMPUTED


def field_paths(record: t.Record) -> set[str]:
    """Where each field of a fact record is read in the pool's record."""
    return {PRESENCE_FIELDS.get(name, FIELD_PATHS.get(name, name)) for name, _ in record.fields}


def pool_paths(shape: tuple[tuple[str, Shape], ...], record: t.Record) -> set[str]:
    """The pool record's fields, and the fields of its inner records that facts read one by one (levels, scores)."""
    found = set()
    for name, inner in shape:
        if isinstance(inner, tuple) and not isinstance(record.field_type(name), t.Record):
            found |= {f"{name}.{part}" for part, _ in inner}
        else:
            found.add(name)
    return found


def records(fact: t.Type, shape: Shape, at: str) -> list[tuple[str, t.Record, tuple[tuple[str, Shape], ...]]]:
    """Each record of a fact with its pool shape, inner records and lists of records too."""
    if isinstance(fact, t.ListOf) and isinstance(shape, list):
        return records(fact.element, shape[0], f"{at}[]")
    if not (isinstance(fact, t.Record) and isinstance(shape, tuple)):
        return []
    found = [(at, fact, shape)]
    for name, inner in shape:
        kind = fact.field_type(name)
        if kind is not None:
            found += records(kind, inner, f"{at}.{name}")
    return found


@pytest.mark.parametrize("column", [name for name, shape in SHAPES.items() if not isinstance(shape, str)])
def test_the_fields_of_each_fact_record_are_read_from_the_pool_s_record(column: str) -> None:
    for at, record, shape in records(FACT_TYPES[column], SHAPES[column], column):
        assert field_paths(record) == pool_paths(shape, record), at


def test_every_default_fills_a_field_a_profile_may_leave_out() -> None:
    fact_records: dict[str, t.Record] = {}
    for name, shape in SHAPES.items():
        for _, record, _ in records(FACT_TYPES[name], shape, name):
            fact_records[record.name] = record
    schema = {"education": resolved({"$ref": "#/$defs/education"}), "spouse or partner":
              profile_schema()["properties"]["spouse"]}
    for (name, field), value in FIELD_DEFAULTS.items():
        assert fact_records[name].field_type(field) is not None, (name, field)
        assert field in schema[name]["properties"] and field not in schema[name].get("required", ()), field
        assert value is not None
