"""A profile's explanations written as one JSON graph: a statement read in several places (pool membership under every
category, a language result's levels under the programs and the CRS) is written once, in the result's `shared`
table, and stands as `{"ref": key}` wherever it is read.

A report explains a profile's categories, programs and CRS sections with one builder, which makes a rule call it
explains twice one object; that identity is what this writer shares. The keys come from the rules and the profile
(`listening_level(language_tests[0])`), never from memory or from the order of a table, so the same profile and
rules always give the same bytes. The text and Markdown views read the same statements as trees.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from engine.explain.explanation import UNKNOWN, Explanation, statement_fields

# The shape of the document `rules eval --format json` writes; 2 is the graph (1 wrote every statement where it
# stood). The JSON Schema of each format is shipped in engine/model/schema/.
FORMAT = 2


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document, as shipped."""
    text = files("engine.model").joinpath("schema/report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class GraphWriter:
    """Writes the explanations of one result; `shared` is then the table its references point into, in the order
    in which the document first reads each statement."""

    def __init__(self, roots: Iterable[Explanation]) -> None:
        self.shared: dict[str, dict[str, Any]] = {}
        self._uses: dict[int, int] = {}
        self._keys: dict[int, str] = {}
        self._taken: set[str] = set()
        self._missing: dict[int, tuple[str, ...]] = {}
        for root in roots:
            self._count(root)

    def _count(self, statement: Explanation) -> None:
        stack = [statement]
        uses = self._uses
        while stack:
            node = stack.pop()
            seen = uses.get(id(node), 0)
            uses[id(node)] = seen + 1
            if not seen:
                stack.extend(node.children)

    def write(self, root: Explanation) -> dict[str, Any]:
        """The root statement of a category, a program or a section: always written where it stands."""
        return self._statement(root)

    def _child(self, statement: Explanation) -> dict[str, Any]:
        if statement.key is None or self._uses[id(statement)] < 2:
            return self._statement(statement)
        key = self._keys.get(id(statement))
        if key is None:
            key = self._keys[id(statement)] = self._free_key(statement.key)
            self.shared[key] = {}  # its place in the table: where the document first reads it
            self.shared[key] = self._statement(statement)
        return {"ref": key}

    def _free_key(self, key: str) -> str:
        """The statement's key, or, should two different statements have the same one, the key with `#2`, `#3`...
        in the order the document reads them."""
        chosen, number = key, 1
        while chosen in self._taken:
            number += 1
            chosen = f"{key}#{number}"
        self._taken.add(chosen)
        return chosen

    def _statement(self, statement: Explanation) -> dict[str, Any]:
        document = statement_fields(statement)
        if statement.outcome == UNKNOWN:
            missing = self.missing(statement)
            if missing:
                document["missing"] = list(missing)
        if statement.children:
            document["children"] = [self._child(c) for c in statement.children]
        return document

    def missing(self, statement: Explanation) -> tuple[str, ...]:
        """`statement.missing`, each shared statement's worked out once."""
        known = self._missing.get(id(statement))
        if known is not None:
            return known
        seen: dict[str, None] = {}
        for fact in statement.facts:
            if fact.missing:
                seen.setdefault(fact.path, None)
        for child in statement.children:
            for path in self.missing(child):
                seen.setdefault(path, None)
        found = self._missing[id(statement)] = tuple(seen)
        return found
