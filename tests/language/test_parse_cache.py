"""The cache of parsed files makes a second process faster and changes nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsl import ast_cache
from dsl.parser import parse
from tests.conftest import RULES


def every_rule_file() -> list[Path]:
    return sorted(RULES.rglob("*.rules"))


@pytest.mark.parametrize("path", every_rule_file(), ids=lambda p: p.relative_to(RULES).as_posix())
def test_a_cached_module_equals_the_parsed_one_spans_included(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    shown = f"rules/{path.relative_to(RULES).as_posix()}"
    fresh = parse(text, shown)
    cached = ast_cache.load(text, shown)
    assert cached == fresh
    assert cached is not None
    assert [n.span for n in cached.walk()] == [n.span for n in fresh.walk()]


def test_another_text_or_path_is_a_miss() -> None:
    parse('source s "S" "https://example.org"\n', "a.rules")
    assert ast_cache.load('source s "S" "https://example.org"\n', "b.rules") is None
    assert ast_cache.load('source t "S" "https://example.org"\n', "a.rules") is None


def test_a_damaged_entry_is_parsed_again(parse_cache: Path) -> None:
    text = 'source damaged "S" "https://example.org"\n'
    module = parse(text, "d.rules")
    for entry in parse_cache.glob("*.json"):
        if "damaged" in entry.read_text(encoding="utf-8"):
            entry.write_text(json.dumps({"@": "os.system", "command": "x"}), encoding="utf-8")
    assert ast_cache.load(text, "d.rules") is None
    assert parse(text, "d.rules") == module


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULES_CACHE_DIR", "off")
    parse('source off "S" "https://example.org"\n', "off.rules")
    assert ast_cache.load('source off "S" "https://example.org"\n', "off.rules") is None
