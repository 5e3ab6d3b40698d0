"""Syntax highlighting for rule files: a Pygments lexer, registered under the alias `rules`.

The keywords are read from `grammar.lark` itself, so a keyword added to the language is highlighted without anyone
remembering to update this file; the sets below only choose a finer token type for the words they know. Installed
packages announce the lexer through the `pygments.lexers` entry point, which is how Markdown fences written
```` ```rules ```` and editors using Pygments find it.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups
from pygments.token import (
    Comment,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from dsl.standing import CONFIDENCES, STANDINGS

# Words that open a declaration; the name that follows them is what the declaration defines.
DECLARATION_WORDS = frozenset({"rulebook", "source", "constant", "occupations", "define", "category", "round",
                               "table", "program", "score", "section", "pending"})
NAMESPACE_WORDS = frozenset({"import"})
CONSTANT_WORDS = frozenset({"true", "false"})
OPERATOR_WORDS = frozenset({"and", "or", "not", "in"})
UNIT_WORDS = frozenset({"months", "month", "years", "year", "weeks", "week", "days", "day", "hours", "hour",
                        "points", "point", "clb", "nclc"})

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A terminal written as a regular expression that opens with a group of plain words, as in /(any|all)(?!...)/.
_WORD_GROUP = re.compile(r"/\((?:\?:)?((?:[a-z_]+\|)*[a-z_]+)\)")


@functools.cache
def grammar_keywords() -> frozenset[str]:
    """Every reserved word of the grammar: quoted words, and the words a terminal's regular expression opens with."""
    grammar = files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    found: set[str] = set()
    for line in grammar.splitlines():
        code = line.split("//", 1)[0]
        found.update(word for word in re.findall(r'"([^"\\]*)"', code) if _WORD.fullmatch(word))
        for group in _WORD_GROUP.findall(code):
            found.update(group.split("|"))
    return frozenset(found)


def _alternatives(names: set[str] | frozenset[str] | list[str]) -> str:
    return r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))) + r")\b"


def _keyword_rules() -> list[tuple[str, object]]:
    every = grammar_keywords()
    declarations = sorted(every & DECLARATION_WORDS)
    plain = sorted(every - DECLARATION_WORDS - NAMESPACE_WORDS - CONSTANT_WORDS - OPERATOR_WORDS - UNIT_WORDS)
    rules: list[tuple[str, object]] = []
    if declarations:
        rules.append((r"\b(" + "|".join(declarations) + r")(\s+)([A-Za-z_][A-Za-z0-9_]*)\b",
                      bygroups(Keyword.Declaration, Whitespace, Name.Class)))  # type: ignore[no-untyped-call]
        rules.append((_alternatives(declarations), Keyword.Declaration))
    for group, token in ((every & NAMESPACE_WORDS, Keyword.Namespace), (every & CONSTANT_WORDS, Keyword.Constant),
                         (every & OPERATOR_WORDS, Operator.Word), (every & UNIT_WORDS, Keyword.Type)):
        if group:
            rules.append((_alternatives(group), token))
    if plain:
        rules.append((_alternatives(plain), Keyword))
    return rules


class RulesLexer(RegexLexer):
    """Rule files of the Express Entry rules language (`*.rules`)."""

    name = "Rules"
    aliases: ClassVar[list[str]] = ["rules"]
    filenames: ClassVar[list[str]] = ["*.rules"]
    mimetypes: ClassVar[list[str]] = ["text/x-rules"]
    url = "https://www.canada.ca/en/immigration-refugees-citizenship/services/immigrate-canada/express-entry.html"

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"(?:[^"\\]|\\.)*"', String.Double),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", Literal.Date),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", Literal.Date),
            (r"[0-9]+\.[0-9]+", Number.Float),
            (r"[0-9]+", Number.Integer),
            # A source's standing and confidence: plain names to the grammar, fixed words to the checker.
            (r"(confidence)(\s+)(" + "|".join(sorted(CONFIDENCES, key=len, reverse=True)) + r")\b",
             bygroups(Keyword, Whitespace, Name.Constant)),  # type: ignore[no-untyped-call]
            (r"\b(?:" + "|".join(STANDINGS) + r")\b", Name.Constant),
            *_keyword_rules(),
            (r"[A-Za-z_][A-Za-z0-9_]*(?=\s*\()", Name.Function),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r">=|<=|==|!=|>|<|\+|-", Operator),
            (r"=", Operator),
            (r"[{}()\[\],:.]", Punctuation),
            (r".", Text),
        ],
    }
