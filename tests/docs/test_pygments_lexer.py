"""The Pygments lexer highlights every keyword of the grammar and is found by the name Markdown fences use."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from lark import Lark
from lark.lexer import PatternRE, PatternStr
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Keyword, Name, Operator, Token

from dsl.pygments_lexer import RulesLexer
from tests.conftest import RULES


def grammar_words() -> set[str]:
    """The reserved words of the grammar, read by Lark itself: word literals, and word alternatives of terminals."""
    grammar = Lark(files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8"), parser="lalr")
    found: set[str] = set()
    for terminal in grammar.terminals:
        pattern = terminal.pattern
        if isinstance(pattern, PatternStr) and re.fullmatch(r"[a-z_]+", pattern.value):
            found.add(pattern.value)
        elif isinstance(pattern, PatternRE):
            alternatives = re.match(r"\((?:\?:)?((?:[a-z_]+\|)*[a-z_]+)\)", pattern.value)
            if alternatives:
                found.update(alternatives.group(1).split("|"))
    return found


KEYWORDS = sorted(grammar_words())


def test_the_grammar_has_the_keywords_we_expect_to_find() -> None:
    assert {"rulebook", "category", "eligible", "when", "within", "otherwise", "any", "nclc", "months"} <= set(KEYWORDS)


@pytest.mark.parametrize("word", KEYWORDS)
def test_every_keyword_is_highlighted_as_a_keyword(word: str) -> None:
    tokens = [(kind, text) for kind, text in RulesLexer().get_tokens(f"{word} ") if text.strip()]
    assert tokens == [(tokens[0][0], word)]
    kind = tokens[0][0]
    assert kind in Keyword or kind in Operator.Word, f"'{word}' is lexed as {kind}"


def test_names_strings_dates_and_comments_are_told_apart() -> None:
    text = 'constant window "How far back" cite src = 3 years  # note\ndefine x = submitted_at >= 2025-01-01T00:00:00Z'
    kinds = {value: kind for kind, value in RulesLexer().get_tokens(text) if value.strip()}
    assert kinds["window"] in Name
    assert kinds['"How far back"'] in Token.Literal.String
    assert kinds["2025-01-01T00:00:00Z"] in Token.Literal.Date
    assert kinds["# note"] in Token.Comment
    assert kinds["3"] in Token.Literal.Number


def test_markdown_fences_and_rule_files_find_the_lexer_through_the_entry_point() -> None:
    assert isinstance(get_lexer_by_name("rules"), RulesLexer)
    assert isinstance(get_lexer_for_filename("categories.rules"), RulesLexer)


@pytest.mark.parametrize("path", sorted(RULES.rglob("*.rules")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_rule_file_lexes_without_errors_and_loses_nothing(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = list(RulesLexer().get_tokens(text))
    assert not [value for kind, value in tokens if kind in Error]
    expected = text if text.endswith("\n") else text + "\n"
    assert "".join(value for _, value in tokens) == expected
