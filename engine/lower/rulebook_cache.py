"""Compiled rulebooks kept on disk, so that a new process neither parses, checks nor lowers rule files it has seen.

A compiled rulebook is plain data (nodes, tables, sources, dates and quantities), so it is stored as JSON: reading an
entry builds only the classes of the rule tree, the types and the quantities named in `_classes`, never runs code.
Nodes shared in the tree (a rule's table, a round's category, the rules a call reads) are written once and referred to
by number, so the tree read back has the same shape, sharing included, as the one compiled.

An entry is found under a key made of the entry format, a digest of the compiler's own source code (the language, the
rule tree, the lowering, the facts and quantities: any change to them is another key) and the folder, as found on disk
and as shown. It is used only when everything the compilation read is as it was:
- the folder's `.rules` files: the same names, leading to the same files;
- every file read (the folder's and those they import), by the hash of its text;
- every import, leading to the same file;
and when the entry's own content matches the digest in its first line. Anything else (missing, damaged, another
version, a file edited, moved or linked elsewhere) is a miss: the folder is compiled as before, and the entry written
again. Rulebooks with warnings are not stored (their warnings are shown on each run). `RULES_CACHE_DIR=off` turns the
cache off, like the parse cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import orjson

from dsl import span as span_module
from dsl import types as types_module
from dsl.cache_location import cache_folder
from dsl.source_hash import content_hash
from engine import ir
from engine.ir import nodes as nodes_module
from engine.model import quantities as quantities_module

if TYPE_CHECKING:
    from dsl.loader import SourceSet

FORMAT = "1"
# The code a compiled rulebook depends on, by folder (relative to the project's root) and file pattern.
_COMPILER_SOURCES = (("dsl", "*.py"), ("dsl", "*.lark"), ("engine", "__init__.py"), ("engine/ir", "*.py"),
                     ("engine/lower", "*.py"), ("engine/model", "*.py"), ("rules", "__init__.py"))
_NOT_STORED = frozenset({"backends"})  # what a backend builds from a rulebook in a process, empty when compiled


class _Unstorable(Exception):
    """A value the format does not hold (a number JSON cannot write exactly, an unknown class): not stored."""


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """An entry whose every input checked out: the folder's fingerprint (as `SourceSet.fingerprint`) and the stored
    tree, read on demand (a process that compiled the same files already holds the rulebook)."""

    fingerprint: str
    body: bytes

    def rulebook(self) -> ir.Rulebook | None:
        """The stored rulebook, or None when the entry cannot be read back into one."""
        try:
            rulebook = _Decoder().value(orjson.loads(self.body))
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is a miss, nothing more
            return None
        if not isinstance(rulebook, ir.Rulebook) or rulebook.content_hash != self.fingerprint:
            return None
        return rulebook


def find(folder: Path, shown: str) -> Found | None:
    """The entry of `folder` shown as `shown`, if one exists whose every input is unchanged."""
    entry = _entry(folder, shown)
    if entry is None:
        return None
    try:
        head, _, body = entry.read_bytes().partition(b"\n")
        claims = orjson.loads(head)
        if not isinstance(claims, dict) or claims.get("digest") != hashlib.sha256(body).hexdigest():
            return None
        if claims.get("listing") != _listing(folder):
            return None
        texts: dict[str, str] = {}
        for shown_path, real, digest in claims["files"]:
            text = Path(real).read_bytes().decode("utf-8")
            if hashlib.sha256(text.encode()).hexdigest() != digest:
                return None
            texts[shown_path] = text
        for importer, written, target in claims["imports"]:
            if str((Path(importer).parent / written).resolve()) != target:
                return None
    except Exception:  # noqa: BLE001 - unreadable, damaged, or a file gone: a miss
        return None
    return Found(content_hash(texts), body)


def store(rulebook: ir.Rulebook, sources: SourceSet, shown: str) -> None:
    """Write the entry of a rulebook just compiled from `sources`; a rulebook the format cannot hold, or a disk that
    refuses the write, only costs speed."""
    entry = _entry(sources.folder, shown)
    if entry is None:
        return
    try:
        body = orjson.dumps(_Encoder().value(rulebook))
    except (_Unstorable, TypeError, RecursionError):  # TypeError: orjson's refusal (a number past 64 bits, ...)
        return
    claims = {
        "digest": hashlib.sha256(body).hexdigest(),
        "listing": _listing(sources.folder),
        "files": [[shown_path, str(sources.paths[shown_path]), hashlib.sha256(text.encode()).hexdigest()]
                  for shown_path, text in sorted(sources.texts.items())],
        "imports": [[str(importer), written, str(target)] for importer, written, target in sources.imports],
    }
    import tempfile  # only when writing: its import is a few milliseconds of every command

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=entry.parent, delete=False, suffix=".tmp") as handle:
            handle.write(orjson.dumps(claims) + b"\n" + body)
        os.replace(handle.name, entry)
    except OSError:
        return


def _entry(folder: Path, shown: str) -> Path | None:
    location = cache_folder()
    code = _code_digest()
    if location is None or code is None:
        return None
    key = hashlib.sha256(f"rulebook\0{FORMAT}\0{code}\0{Path(folder).resolve()}\0{shown}".encode()).hexdigest()
    return location / f"{key}.rulebook.json"


def _listing(folder: Path) -> list[list[str]]:
    """The folder's rule files as the loader finds them: each name with the file it leads to."""
    resolved = Path(folder).resolve()
    return [[p.name, str(p.resolve())] for p in sorted(resolved.iterdir()) if p.suffix == ".rules" and p.is_file()]


@cache
def _code_digest() -> str | None:
    """A digest of the source of everything compiling reads (None when it cannot be read: no cache then)."""
    root = Path(__file__).resolve().parent.parent.parent
    digest = hashlib.sha256(FORMAT.encode())
    try:
        for folder, pattern in _COMPILER_SOURCES:
            for path in sorted((root / folder).glob(pattern)):
                digest.update(f"{folder}/{path.name}\0".encode() + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


@cache
def _classes() -> dict[str, type]:
    """The classes an entry may name: the rule tree's, the types' and the quantities', and the source span."""
    found: dict[str, type] = {}
    for prefix, module in (("ir", nodes_module), ("types", types_module), ("quantities", quantities_module),
                           ("span", span_module)):
        found.update(_dataclasses_of(prefix, module))
    return found


def _dataclasses_of(prefix: str, module: ModuleType) -> dict[str, type]:
    return {f"{prefix}.{name}": value for name, value in vars(module).items()
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__}


@cache
def _stored_fields(tag: str) -> tuple[str, ...]:
    """The fields a class is built from, in order; those computed from them (`init=False`) are built again."""
    return tuple(f.name for f in dataclasses.fields(_classes()[tag]) if f.init and f.name not in _NOT_STORED)


@cache
def _tags() -> dict[type, str]:
    return {kind: tag for tag, kind in _classes().items()}


# Encoded values: JSON scalars stand for themselves (a float only when finite); everything else is a list whose first
# item says what it is: ["#", n] the n-th value met before, ["tuple", items...], ["dict", key, value, ...],
# ["date", iso], ["datetime", iso], ["decimal", text], or [class tag, fields...]. Values are numbered in the order
# they are first met, depth first, on writing and reading alike.


class _Encoder:
    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}
        self.kept: list[Any] = []  # every numbered value, alive while numbered (ids are unique among the living)

    def value(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _Unstorable("a number JSON cannot write")
            return value
        number = self.numbers.get(id(value))
        if number is not None:
            return ["#", number]
        self.numbers[id(value)] = len(self.kept)
        self.kept.append(value)
        return self.compound(value)

    def compound(self, value: Any) -> list[Any]:
        if type(value) is tuple:
            return ["tuple", *(self.value(item) for item in value)]
        if type(value) is dict:
            encoded: list[Any] = ["dict"]
            for key, item in value.items():
                encoded.append(self.value(key))
                encoded.append(self.value(item))
            return encoded
        if type(value) is datetime:
            return ["datetime", value.isoformat()]
        if type(value) is date:
            return ["date", value.isoformat()]
        if type(value) is Decimal:
            return ["decimal", str(value)]
        tag = _tags().get(type(value))
        if tag is None:
            raise _Unstorable(f"a {type(value).__name__}")
        if tag == "ir.Rulebook" and value.backends:
            raise _Unstorable("a rulebook already used by a backend")
        return [tag, *(self.value(getattr(value, name)) for name in _stored_fields(tag))]


class _Decoder:
    def __init__(self) -> None:
        self.values: list[Any] = []
        self.classes = _classes()

    def value(self, encoded: Any) -> Any:
        if type(encoded) is not list:
            return encoded
        tag = encoded[0]
        if tag == "#":
            found = self.values[encoded[1]]
            if found is _PENDING:
                raise ValueError("a value refers to itself")
            return found
        number = len(self.values)
        if tag == "dict":  # numbered before its items are read: the rules a call reads hold that call
            built: dict[Any, Any] = {}
            self.values.append(built)
            if len(encoded) % 2 == 0:
                raise ValueError("a mapping with a key and no value")
            for index in range(1, len(encoded), 2):
                built[self.value(encoded[index])] = self.value(encoded[index + 1])
            return built
        self.values.append(_PENDING)
        # Scalars (most fields) are taken as they are, without a call each: reading is a third faster.
        items = [self.value(item) if type(item) is list else item for item in encoded[1:]]
        value: Any
        if tag == "tuple":
            value = tuple(items)
        elif tag == "date":
            value = date.fromisoformat(*items)
        elif tag == "datetime":
            value = datetime.fromisoformat(*items)
        elif tag == "decimal":
            value = Decimal(*items)
        else:
            if len(items) != len(_stored_fields(tag)):
                raise ValueError(f"{tag} has {len(_stored_fields(tag))} fields")
            value = self.classes[tag](*items)
        self.values[number] = value
        return value


_PENDING = object()  # a value being read, not yet built
