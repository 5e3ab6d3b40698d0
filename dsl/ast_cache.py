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

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from dsl import ast
from dsl.cache_location import cache_folder

FORMAT = "4"


@cache
def _node_classes() -> dict[str, type[ast.Node]]:
    return {name: value for name, value in vars(ast).items()
            if isinstance(value, type) and issubclass(value, ast.Node)}


@cache
def _grammar_digest() -> str:
    # Read beside this module: importlib.resources would cost every command its import (tempfile, zipfile, shutil).
    return hashlib.sha256(Path(__file__).with_name("grammar.lark").read_bytes()).hexdigest()


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
        module = _SourceCheckedReader(text, path).read(orjson.loads(module_text))
    except Exception:  # noqa: BLE001 - a damaged, foreign or forged entry is a cache miss, nothing more
        return None
    if not isinstance(module, ast.Module) or module.path != path:
        return None
    return module


def store(module: ast.Module, text: str, path: str) -> None:
    entry = _entry(text, path)
    if entry is None:
        return
    claims = _claims(text, path)
    try:
        module_text = json.dumps(_to_data(module, path), separators=(",", ":"), ensure_ascii=False)
    except TypeError:
        return  # a value the format does not hold: the file is parsed each time, never cached wrongly
    head = json.dumps({"claims": claims, "digest": _content_digest(claims, module_text)}, separators=(",", ":"))
    import tempfile  # only when a file was parsed: a run whose files are all cached never writes

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(head + "\n" + module_text)
        os.replace(handle.name, entry)
    except OSError:
        return  # a read-only or full disk only costs speed


class _LineOffsets:
    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        index = text.find("\n")
        while index != -1:  # str.find, not a loop over characters: rule files run to thousands of lines
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def holds(self, node: ast.Node) -> bool:
        """Whether `node`'s span lies in `text` and, for a leaf, the text there is what the node says was written.

        Only the leaves' text is cut out and compared (one check per node class): slicing and splitting the text of
        every declaration and of the module itself cost more than the rest of reading an entry."""
        bounds = self.bounds(node.span)
        if bounds is None:
            return False
        check = _LEAF_CHECKS.get(type(node))
        return check is None or check(node, self.text[bounds[0]:bounds[1]])

    def bounds(self, span: ast.Span) -> tuple[int, int] | None:
        """Where the text a span covers starts and ends; None when it lies outside the text."""
        if not (1 <= span.line <= span.end_line <= len(self.starts)) or span.column < 1 or span.end_column < 1:
            return None
        start = self.starts[span.line - 1] + span.column - 1
        end = self.starts[span.end_line - 1] + span.end_column - 1
        if not 0 <= start <= end <= len(self.text):
            return None
        return start, end


def _first_words(written: str, count: int) -> list[str]:
    """The first `count` words of `written` (a declaration's text runs to hundreds of lines)."""
    return written.split(None, count)[:count]


def _written_as(attribute: str) -> Callable[[Any, str], bool]:
    """A leaf whose text is exactly one of its fields (a name, a decimal as written, a cited source's name)."""
    def matches(node: Any, written: str) -> bool:
        return bool(written == getattr(node, attribute))
    return matches


def _integer_matches(node: Any, written: str) -> bool:
    return written.isascii() and written.isdigit() and int(written) == node.value


def _quantity_matches(node: Any, written: str) -> bool:
    words = written.split()
    return len(words) == 2 and words[0] == str(node.amount) and \
        node.unit.startswith(words[1]) and node.unit.removeprefix(words[1]) in ("", "s")


def _level_matches(node: Any, written: str) -> bool:
    return bool(written.split() == [node.scale, str(node.value)])


def _text_matches(node: Any, written: str) -> bool:
    return written.startswith('"') and " ".join(written[1:-1].replace("\\", "").split()) == \
        " ".join(node.value.replace("\\", "").split())


def _date_matches(node: Any, written: str) -> bool:
    return written.startswith(node.value.isoformat()[:10])


def _boolean_matches(node: Any, written: str) -> bool:
    return written == ("true" if node.value else "false")


def _operator_matches(node: Any, written: str) -> bool:
    return f" {node.operator} " in f" {written} " or node.operator in written


def _quantifier_matches(node: Any, written: str) -> bool:
    words = _first_words(written, 1)
    return bool(words) and words[0].lstrip("(") == node.kind


def _occupation_row_matches(node: Any, written: str) -> bool:
    words = written.split()
    return len(words) >= 2 and words[0] == node.code and words[-1] == str(node.teer)


def _keyword_matches(keyword: str) -> Callable[[Any, str], bool]:
    """A node written after its keyword: a name-less declaration (the header, an import, a round), a negation."""
    def matches(node: Any, written: str) -> bool:
        words = _first_words(written, 1)
        return bool(words) and words[0] == keyword
    return matches


def _keyword_and_name_matches(keyword: str) -> Callable[[Any, str], bool]:
    """A declaration whose keyword is followed by its name (`define name(...)`)."""
    def matches(node: Any, written: str) -> bool:
        words = _first_words(written, 2)
        return len(words) > 1 and words[0] == keyword and words[1].split("(")[0] == node.name
    return matches


_LEAF_CHECKS: Mapping[type, Callable[[Any, str], bool]] = {
    ast.Name: _written_as("name"), ast.Integer: _integer_matches, ast.Quantity: _quantity_matches,
    ast.Level: _level_matches, ast.Decimal: _written_as("text"), ast.Text: _text_matches,
    ast.DateLiteral: _date_matches, ast.DateTimeLiteral: _date_matches, ast.Boolean: _boolean_matches,
    ast.Compare: _operator_matches, ast.Arithmetic: _operator_matches, ast.Quantifier: _quantifier_matches,
    ast.Not: _keyword_matches("not"), ast.Citation: _written_as("source"), ast.OccupationRow: _occupation_row_matches,
    ast.RulebookHeader: _keyword_matches("rulebook"), ast.Import: _keyword_matches("import"),
    ast.Round: _keyword_matches("round"),
    **{declaration: _keyword_and_name_matches(keyword) for declaration, keyword in (
        (ast.Source, "source"), (ast.Constant, "constant"), (ast.OccupationTable, "occupations"),
        (ast.Define, "define"), (ast.Category, "category"), (ast.Table, "table"), (ast.Program, "program"),
        (ast.Score, "score"))},
}


def _span_data(span: ast.Span, path: str) -> list[int]:
    if span.file != path:
        raise TypeError("a span in another file")  # never made by the parser; such a module is not stored
    return [span.line, span.column, span.end_line, span.end_column]


def _to_data(value: Any, path: str) -> Any:
    """The entry's form of a value: a node is `{"Class": [span, field, ...]}` (its fields in declaration order, the
    span as line, column, end line, end column in the module's file), a tuple a list, a date, date and time, decimal
    or span field `{"date": text}` and the like; anything else as JSON writes it."""
    if isinstance(value, ast.Node):
        fields = ast.node_fields(type(value))  # type: ignore[arg-type]  # a class hashes; mypy reads its instances'
        return {type(value).__name__: [_span_data(value.span, path)] + [
            _to_data(getattr(value, name), path) for name in fields]}
    if isinstance(value, ast.Span):
        return {"span": _span_data(value, path)}
    if isinstance(value, tuple):
        return [_to_data(v, path) for v in value]
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


class _SourceCheckedReader:
    """Builds a module back from an entry's data, checking each node against the source text as it is made
    (`_LineOffsets.holds`): a node that does not stand in the text where its span says stops the reading."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = _LineOffsets(text)
        self.classes = _node_classes()

    def read(self, value: Any) -> Any:
        kind = type(value)
        if kind is list:
            return tuple([self.read(item) for item in value])
        if kind is not dict:
            return value
        ((tag, body),) = value.items()
        if tag == "span":
            return ast.Span(self.path, *body)
        if tag == "date":
            return date.fromisoformat(body)
        if tag == "datetime":
            return datetime.fromisoformat(body)
        if tag == "decimal":
            return Decimal(body)
        node = self.classes[tag](*[self.read(item) for item in body[1:]], span=ast.Span(self.path, *body[0]))
        if not self.lines.holds(node):
            raise _NotTheSource(tag)
        return node


class _NotTheSource(Exception):
    """A cached node that does not stand in the source where its span says: the entry is not believed."""
