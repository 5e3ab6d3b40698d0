"""The TextMate grammar for editors highlights every keyword of the language, and every pattern is a valid regex."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT

GRAMMAR = ROOT / "editors" / "vscode" / "syntaxes" / "rules.tmLanguage.json"
LARK = ROOT / "dsl" / "grammar.lark"
PHRASES = {"force": "in force", "eligible": "eligible when", "when": "eligible when"}
PLAIN_SCOPES = ("variable.other", "entity.name.function")


def patterns(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "match" in node or "begin" in node:
            yield node
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns(item)


def keywords() -> list[str]:
    text = LARK.read_text(encoding="utf-8")
    literal = set(re.findall(r'"([a-z_]+)"', text))
    for alternatives in re.findall(r"\.2: /\(([a-z|]+)\)", text):
        literal.update(alternatives.split("|"))
    return sorted(literal)


def highlighted(phrase: str, grammar: dict[str, Any]) -> bool:
    """Whether a pattern other than the plain-name ones covers `phrase` where the language puts it: before a name
    (`category stem`), after a number (`6 months`) or before one (`clb 7`)."""
    for context in (f"{phrase} x", f"7 {phrase}", f"{phrase} 7"):
        end = context.index(phrase) + len(phrase)
        for pattern in patterns(grammar["repository"]):
            scope = pattern.get("name", "") + " ".join(c.get("name", "") for c in pattern.get("captures", {}).values())
            if "match" not in pattern or any(scope.startswith(p) for p in PLAIN_SCOPES):
                continue
            found = re.match(pattern["match"], context)
            if found and found.end() >= end:
                return True
    return False


def test_the_grammar_is_json_and_every_pattern_compiles() -> None:
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.eerules"
    for pattern in patterns(grammar["repository"]):
        for key in ("match", "begin", "end"):
            if key in pattern:
                re.compile(pattern[key])
    package = json.loads((GRAMMAR.parent.parent / "package.json").read_text(encoding="utf-8"))
    (contributed,) = package["contributes"]["grammars"]
    assert contributed["scopeName"] == grammar["scopeName"]


@pytest.mark.parametrize("keyword", keywords())
def test_every_keyword_of_the_language_is_highlighted(keyword: str) -> None:
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    assert highlighted(PHRASES.get(keyword, keyword), grammar), keyword
