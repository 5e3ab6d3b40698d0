"""SECURITY.md is true to the code: every test it names exists, and every limit it states is the one in force."""

from __future__ import annotations

import re

from dsl.checker import LARGE_EXPANSION, MAX_DAYS, MAX_DURATION_YEARS, MAX_EXPANDED_DEPTH, MAX_EXPANSION, MAX_MONTHS
from dsl.diagnostics import EXCERPT_WIDTH, MAX_PER_FILE, MAX_SUGGESTED_LENGTH
from dsl.loader import MAX_FILE_BYTES, MAX_FILES, MAX_RULEBOOK_TOKENS
from dsl.parse_tree import MAX_DIGITS, MAX_NESTING
from dsl.parser import MAX_TOKENS
from engine.eval.traced import MAX_STEPS
from engine.sql.context import MAX_SQL_NODES
from engine.sql.duckdb_backend import STATEMENT_SECONDS
from tests.conftest import ROOT

DOCUMENT = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def test_every_test_named_by_a_guarantee_exists() -> None:
    files = set(re.findall(r"`(tests/[\w/]+\.py)(?:::[\w:]+)?`", DOCUMENT))
    assert files, "the guarantees point at their tests"
    for name in files:
        assert (ROOT / name).is_file(), name
    everything = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for test in set(re.findall(r"`(?:tests/[\w/]+\.py::)?(?:\w+::)?(test_\w+)`", DOCUMENT)):
        assert f"def {test}(" in everything, test


def test_every_limit_is_stated_with_the_value_in_force() -> None:
    for value in (MAX_FILE_BYTES, MAX_TOKENS, MAX_FILES, MAX_RULEBOOK_TOKENS, MAX_NESTING, MAX_EXPANSION,
                  LARGE_EXPANSION, MAX_EXPANDED_DEPTH, MAX_DURATION_YEARS, MAX_MONTHS, MAX_DAYS, MAX_DAYS // 7,
                  MAX_STEPS, MAX_PER_FILE, EXCERPT_WIDTH, MAX_SUGGESTED_LENGTH, MAX_SQL_NODES, int(STATEMENT_SECONDS)):
        assert f"{value:,}" in DOCUMENT, value
    assert f"{MAX_DIGITS} digits" in DOCUMENT
