"""The profile model is declared once, in the JSON Schema profiles are validated against; the pool's columns
(`engine.model.pool_columns`: their DuckDB types and Arrow schema) are read off it. Two more places must say the
same and are held to it here: the facts rules read (`engine.model.facts`) and the defaults the SQL backend and the
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


def shape_at(path: str) -> Shape:
    shape: Shape = SHAPES[path.split(".")[0]]
    for part in path.split(".")[1:]:
        if part == "[]":
            assert isinstance(shape, list)
            shape = shape[0]
        else:
            assert isinstance(shape, tuple)
            shape = dict(shape)[part]
    return shape


@pytest.mark.parametrize(("path", "expected"), [
    ("id", TEXT), ("submitted_at", TIMESTAMP), ("date_of_birth", DATE), ("crs", INTEGER),
    ("eligible_programs.[]", TEXT),  # a choice of texts
    ("work_history.[].noc", TEXT),  # a NOC code given as text or as digits
    ("work_history.[].hours_per_week", DOUBLE), ("work_history.[].self_employed", BOOLEAN),
    ("language_tests.[].levels.reading", INTEGER),  # a reference to the schema's definition of a level
    ("language_tests.[].scores.reading", DOUBLE), ("spouse.language_tests.[].date", DATE),
    ("spouse.education.level", TEXT), ("job_offer.teer", INTEGER), ("military.caf_offer.years", INTEGER),
])
def test_each_pool_column_has_the_type_the_schema_gives_the_field(path: str, expected: Shape) -> None:
    assert shape_at(path) == expected


def test_the_pool_has_a_column_for_each_field_of_the_schema_in_its_order() -> None:
    def names(node: Mapping[str, Any]) -> list[str]:
        return list(resolved(node)["properties"])

    schema = profile_schema()
    assert list(SHAPES) == names(schema)
    for record in ("education", "spouse", "job_offer", "military"):
        shape = SHAPES[record]
        assert isinstance(shape, tuple)
        assert [name for name, _ in shape] == names(schema["properties"][record])
    tests = SHAPES["language_tests"]
    assert isinstance(tests, list) and isinstance(tests[0], tuple)
    assert [name for name, _ in tests[0]] == names({"$ref": "#/$defs/language_test"})


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
