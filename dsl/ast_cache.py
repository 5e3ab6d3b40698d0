"""A cache of parsed files, so that a new process does not parse (or even build the parser) again.

Parsing is the slowest step of a cold start: building the LALR tables and parsing the CRS and conversion tables take
most of a second on a small machine. A parsed module is plain data, so it is stored as JSON (never pickle: reading
the cache cannot run code) under a key made of the grammar, the file's shown path and its text. Any problem with a
cache entry (missing, unreadable, from another version) makes the file be parsed again; the cache can only make
things faster, never different.

Location: `$RULES_CACHE_DIR`, else `$XDG_CACHE_HOME/express-entry-rules`, else `~/.cache/express-entry-rules`.
`RULES_CACHE_DIR=off` turns it off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from dsl import ast

FORMAT = "1"


@cache
def _node_classes() -> dict[str, type[ast.Node]]:
    return {name: value for name, value in vars(ast).items()
            if isinstance(value, type) and issubclass(value, ast.Node)}


@cache
def _grammar_digest() -> str:
    return hashlib.sha256(files("dsl").joinpath("grammar.lark").read_bytes()).hexdigest()


def cache_folder() -> Path | None:
    configured = os.environ.get("RULES_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "express-entry-rules"


def _entry(text: str, path: str) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(f"{FORMAT}\0{_grammar_digest()}\0{path}\0{text}".encode()).hexdigest()
    return folder / f"{key}.json"


def load(text: str, path: str) -> ast.Module | None:
    entry = _entry(text, path)
    if entry is None or not entry.is_file():
        return None
    try:
        module = _from_data(json.loads(entry.read_text(encoding="utf-8")))
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a cache miss, nothing more
        return None
    return module if isinstance(module, ast.Module) else None


def store(module: ast.Module, text: str, path: str) -> None:
    entry = _entry(text, path)
    if entry is None:
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(_to_data(module), handle, separators=(",", ":"))
        os.replace(handle.name, entry)
    except OSError:
        return  # a read-only or full disk only costs speed


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
