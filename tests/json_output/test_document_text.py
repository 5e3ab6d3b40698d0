"""JSON documents are written by orjson, byte for byte as Python's indented encoder writes them: the outputs of every
command stay as they were, whichever encoder wrote them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import ir
from engine.explain.evaluation import evaluate_inputs
from engine.explain.report import report_document
from engine.lower.rulebook import Compiler
from engine.model.json_document import document_text
from engine.model.profile import read_profiles
from tests.conftest import EXAMPLES


def python_text(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


@pytest.fixture(scope="module")
def rulebook_2025() -> ir.Rulebook:
    return Compiler().compile_year("2025")[0]


@pytest.mark.parametrize("profile", sorted(p.name for p in EXAMPLES.iterdir()))
def test_an_explained_example_profile_is_written_as_python_writes_it(profile: str, rulebook_2025: ir.Rulebook) -> None:
    reports = evaluate_inputs(read_profiles(EXAMPLES / profile), [rulebook_2025], date(2025, 6, 1), "full").reports
    document = report_document(reports, [])
    assert document_text(document) == python_text(document)


@pytest.mark.parametrize("value", [
    0.00001,  # orjson writes 0.00001, Python 1e-05
    -0.0000999,
    2e-7,  # orjson writes 2e-7, Python 2e-07
    0.30000000000000004,
    1e16,  # Python 1e+16
    123456789012345678.0,
    2**70,  # beyond orjson's 64-bit integers
    {1: "a key that is not text"},
    {"text": "\ud800 a lone surrogate"},
    {"text": "a text that looks like 1e5 or 0.00001 or 12345678901234567"},
    {"nested": [[], {}, [{"a": None, "b": True, "c": 0.5}]], "é": "ünïcode \u2028 \x7f \x00 \t"},
])
def test_values_orjson_writes_otherwise_are_written_as_python_writes_them(value: Any) -> None:
    assert document_text(value) == python_text(value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_any_document_is_written_as_python_writes_it(document: Any) -> None:
    assert document_text(document) == python_text(document)
