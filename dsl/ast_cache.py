"""A cache of parsed files, so that a new process does not parse (or even build the parser) again.

Parsing is the slowest step of a cold start: building the LALR tables and parsing the CRS and conversion tables take
most of a second on a small machine. A parsed module is plain data, so it is stored as JSON (never pickle: reading
the cache cannot run code) under a key made of the grammar, the file's shown path and its text.

An entry is never believed on its word. It names the format, the grammar's digest and the hash of the source it was
parsed from, and carries the digest of its own content; before use, each of these is compared with what it should be,
and the module it holds is compared with the source text itself: every name, number, text, date, operator and
declaration keyword must stand in the source where its span says. Any problem (missing, unreadable, from another
version, edited, or not the parse of this text) makes the file be parsed again and the entry rewritten: the cache can
only make things faster, never different. `rules check`, `rules eval` and every other command read rule files through
the same `dsl.parser.parse`, so they all see the same thing.

Location: `dsl.cache_location` (`RULES_CACHE_DIR=off` turns it off).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from dsl import ast
from dsl.cache_location import cache_folder

FORMAT = "3"


@cache
def _node_classes() -> dict[str, type[ast.Node]]:
    return {name: value for name, value in vars(ast).items()
            if isinstance(value, type) and issubclass(value, ast.Node)}


@cache
def _grammar_digest() -> str:
    return hashlib.sha256(files("dsl").joinpath("grammar.lark").read_bytes()).hexdigest()


def _entry(text: str, path: str) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{FORMAT}\0{_grammar_digest()}\0{path}\0{text}".encode()).hexdigest()
    return folder / f"{key}.json"


def source_hash(text: str, path: str) -> str:
    return hashlib.sha256(f"{path}\0{text}".encode()).hexdigest()


def _content_digest(claims: Mapping[str, str], module_text: str) -> str:
    canonical = json.dumps(claims, sort_keys=True) + "\n" + module_text
    return hashlib.sha256(canonical.encode()).hexdigest()


def _claims(text: str, path: str) -> dict[str, str]:
    return {"format": FORMAT, "grammar": _grammar_digest(), "source": source_hash(text, path)}


def load(text: str, path: str) -> ast.Module | None:
    """The cached module of this text, if an entry exists and passes every check; None otherwise.

    An entry is two lines: its claims and digest, then the module as JSON, whose exact text the digest covers."""
    entry = _entry(text, path)
    if entry is None or not entry.is_file():
        return None
    try:
        head, _, module_text = entry.read_text(encoding="utf-8").partition("\n")
        document = json.loads(head)
        claims = _claims(text, path)
        if not isinstance(document, dict) or document.get("claims") != claims or \
                document.get("digest") != _content_digest(claims, module_text):
            return None
        module = _from_data(json.loads(module_text))
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a cache miss, nothing more
        return None
    if not isinstance(module, ast.Module) or module.path != path or not matches_source(module, text):
        return None
    return module


def store(module: ast.Module, text: str, path: str) -> None:
    entry = _entry(text, path)
    if entry is None:
        return
    claims = _claims(text, path)
    module_text = json.dumps(_to_data(module), separators=(",", ":"), ensure_ascii=False)
    head = json.dumps({"claims": claims, "digest": _content_digest(claims, module_text)}, separators=(",", ":"))
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(head + "\n" + module_text)
        os.replace(handle.name, entry)
    except OSError:
        return  # a read-only or full disk only costs speed


def matches_source(module: ast.Module, text: str) -> bool:
    """Whether every leaf of `module` stands in `text` where its span says: names, numbers, texts, dates, truths,
    operators, quantifiers and the keywords and names of declarations. A module edited after parsing fails this,
    unless the edit leaves every such token as written in the source."""
    lines = _LineOffsets(text)
    for node in module.walk():
        written = lines.at(node.span)
        if written is None:
            return False
        if not _leaf_matches(node, written):
            return False
    return True


class _LineOffsets:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        index = text.find("\n")
        while index != -1:  # str.find, not a loop over characters: rule files run to thousands of lines
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def at(self, span: ast.Span) -> str | None:
        """The text a span covers; None when it lies outside the text."""
        if not (1 <= span.line <= span.end_line <= len(self.starts)) or span.column < 1 or span.end_column < 1:
            return None
        start = self.starts[span.line - 1] + span.column - 1
        end = self.starts[span.end_line - 1] + span.end_column - 1
        if not 0 <= start <= end <= len(self.text):
            return None
        return self.text[start:end]


_DECLARATION_WORDS: Mapping[type, str] = {
    ast.RulebookHeader: "rulebook", ast.Import: "import", ast.Source: "source", ast.Constant: "constant",
    ast.OccupationTable: "occupations", ast.Define: "define", ast.Category: "category", ast.Table: "table",
    ast.Program: "program", ast.Score: "score", ast.Round: "round",
}


def _leaf_matches(node: ast.Node, written: str) -> bool:  # noqa: C901 - one case per kind of node
    words = written.split()
    if isinstance(node, ast.Name):
        return written == node.name
    if isinstance(node, ast.Integer):
        return written.isascii() and written.isdigit() and int(written) == node.value
    if isinstance(node, ast.Quantity):
        return len(words) == 2 and words[0] == str(node.amount) and \
            node.unit.startswith(words[1]) and node.unit.removeprefix(words[1]) in ("", "s")
    if isinstance(node, ast.Level):
        return words == [node.scale, str(node.value)]
    if isinstance(node, ast.Decimal):
        return written == node.text
    if isinstance(node, ast.Text):
        return written.startswith('"') and " ".join(written[1:-1].replace("\\", "").split()) == \
            " ".join(node.value.replace("\\", "").split())
    if isinstance(node, (ast.DateLiteral, ast.DateTimeLiteral)):
        return written.startswith(node.value.isoformat()[:10])
    if isinstance(node, ast.Boolean):
        return written == ("true" if node.value else "false")
    if isinstance(node, (ast.Compare, ast.Arithmetic)):
        return f" {node.operator} " in f" {written} " or node.operator in written
    if isinstance(node, ast.Quantifier):
        return bool(words) and words[0].lstrip("(") == node.kind
    if isinstance(node, ast.Not):
        return bool(words) and words[0] == "not"
    if isinstance(node, ast.Citation):
        return written == node.source
    if isinstance(node, ast.OccupationRow):
        return len(words) >= 2 and words[0] == node.code and words[-1] == str(node.teer)
    if isinstance(node, ast.Declaration) and type(node) in _DECLARATION_WORDS:
        if not words or words[0] != _DECLARATION_WORDS[type(node)]:
            return False
        return isinstance(node, (ast.RulebookHeader, ast.Import, ast.Round)) or \
            (len(words) > 1 and words[1].split("(")[0] == node.name)
    return True


def _to_data(value: Any) -> Any:
    if isinstance(value, ast.Span):
        return {"@": "span", "v": [value.file, value.line, value.column, value.end_line, value.end_column]}
    if isinstance(value, ast.Node):
        document = {"@": type(value).__name__}
        for field in dataclasses.fields(value):
            document[field.name] = _to_data(getattr(value, field.name))
        return document
    if isinstance(value, tuple):
        return {"@": "tuple", "v": [_to_data(v) for v in value]}
    if isinstance(value, datetime):
        return {"@": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"@": "date", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"@": "decimal", "v": str(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _from_data(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    kind = value["@"]
    if kind == "span":
        return ast.Span(*value["v"])
    if kind == "tuple":
        return tuple(_from_data(v) for v in value["v"])
    if kind == "datetime":
        return datetime.fromisoformat(value["v"])
    if kind == "date":
        return date.fromisoformat(value["v"])
    if kind == "decimal":
        return Decimal(value["v"])
    node_class = _node_classes()[kind]
    arguments = {name: _from_data(item) for name, item in value.items() if name != "@"}
    return node_class(**arguments)
