"""SECURITY.md is true to the code: every test it names exists, and every limit it states is the one in force."""

from __future__ import annotations

import re

from dsl.checker import (
    LARGE_EXPANSION,
    MAX_DAYS,
    MAX_DURATION_YEARS,
    MAX_EXPANDED_DEPTH,
    MAX_EXPANSION,
    MAX_MONTHS,
    MAX_SUGGESTIONS,
)
from dsl.diagnostics import EXCERPT_WIDTH, MAX_PER_FILE, MAX_SUGGESTED_LENGTH
from dsl.loader import MAX_FILE_BYTES, MAX_FILES, MAX_RULEBOOK_TOKENS
from dsl.parse_tree import MAX_DIGITS, MAX_NESTING
from dsl.parser import MAX_TOKENS
from engine.eval.traced import MAX_STEPS
from engine.explain.explanation import MAX_FACTS_LISTED
from engine.model.json_text import MAX_DEPTH
from engine.model.profile import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_ALIAS_VALUES,
    MAX_FIELDS,
    MAX_LIST_ITEMS,
    MAX_PROBLEMS,
    MAX_PROFILE_BYTES,
    MAX_TEXT_LENGTH,
    profile_schema,
)
from engine.serve.patches import MAX_OPERATIONS, MAX_VALUES
from engine.serve.requests import Limits
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
    schema = profile_schema()["properties"]
    profiles = (f"files (or standard input) of at most {MAX_PROFILE_BYTES:,} bytes; values nested at most {MAX_DEPTH} "
                f"levels, lists of at most {MAX_LIST_ITEMS} items, records of at most {MAX_FIELDS} fields, texts of at "
                f"most {MAX_TEXT_LENGTH} characters, checked before the schema, which caps test results at "
                f"{schema['language_tests']['maxItems']} (the spouse's too) and jobs at "
                f"{schema['work_history']['maxItems']}; YAML aliases repeat at most {MAX_ALIAS_VALUES:,} values")
    assert profiles in DOCUMENT
    assert f"at most {MAX_SUGGESTIONS} searches per check" in DOCUMENT
    assert f"dates from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31" in DOCUMENT
    assert f"at most {MAX_PROBLEMS} problems listed per profile" in DOCUMENT
    assert f"{MAX_FACTS_LISTED} facts present per statement (`MAX_FACTS_LISTED`)" in DOCUMENT
    limits = Limits()
    assert (f"bodies of {limits.body_bytes:,} bytes, {limits.profiles} profiles, {limits.seconds:g} s of evaluation"
            in DOCUMENT)
    assert f"a what-if patch of {MAX_OPERATIONS} operations, each leaving at most {MAX_VALUES:,} values" in DOCUMENT
