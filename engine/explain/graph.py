"""A profile's explanations written as one JSON graph: a statement read in several places (pool membership under every
category, a language result's levels under the programs and the CRS) is written once, in the result's `shared`
table, and stands as `{"ref": key}` wherever it is read. What a statement says because of the rule it explains (its
kind, label, citations, source line) is written once per rulebook, in the document's `rules` table, and a statement
writes only what differs from it; a statement with no rule is a `check` unless it says otherwise. A fact of the
profile is written once, in the result's `facts` table, and a statement lists the paths of those it read.

A report explains a profile's categories, programs and CRS sections with one builder, which makes a rule call it
explains twice one object; that identity is what this writer shares. The keys come from the rules and the profile
(`listening_level(language_tests[0])`), never from memory or from the order of a table, so the same profile and
rules always give the same bytes. The text and Markdown views read the same statements as trees.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import engine.model
from engine.explain.explanation import (
    UNKNOWN,
    Definition,
    Explanation,
    Fact,
    FactsNotListed,
    fact_json,
    statement_fields,
)

# The shape of the document `rules eval --format json` writes; 3 writes each rule's constant fields once, in the
# `rules` table (2 was the graph without it, 1 wrote every statement where it stood). The JSON Schema of the current
# format is shipped in engine/model/schema/.
FORMAT = 3

# The kind of a statement that names neither its kind nor a rule of the `rules` table.
DEFAULT_KIND = "check"


@cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the document, as shipped beside the profile's. Read from the folder of
    `engine.model`, as the profile's schema is: importlib.resources would cost every command its import (tempfile,
    shutil, random...)."""
    text = (Path(engine.model.__file__).parent / "schema" / "report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


class RulesTable:
    """The `rules` table of one rulebook: each definition a statement of the document explains, by name (the
    statement's `rule` up to its arguments), in the order the document first reads them.

    Names are unique within a rulebook, except a score section's, whose versions share it: sections are not
    definitions (`Definition` is never made for them). Should two different definitions still meet under one name,
    the later one's statements are written in full, as they would be without the table."""

    def __init__(self) -> None:
        self._written: dict[str, dict[str, Any]] = {}
        self._accepted: dict[int, tuple[Definition, bool]] = {}  # a definition (kept, so its id stays its own): in?

    @property
    def written(self) -> dict[str, dict[str, Any]]:
        return dict(self._written)

    def accepts(self, definition: Definition) -> bool:
        """Whether the table holds `definition`, so that a statement explaining it may leave out its fields; not when
        its name already means another one."""
        known = self._accepted.get(id(definition))
        if known is not None:
            return known[1]
        written = definition.to_json()
        accepted = self._written.setdefault(definition.name, written) == written
        self._accepted[id(definition)] = (definition, accepted)
        return accepted


class GraphWriter:
    """Writes the explanations of one result; `shared` is then the table its references point into.

    A statement with a key is written where it is first read; read a second time, its object moves into `shared`
    and the place where it was first written becomes a reference, so nothing is counted beforehand and a statement
    read once stays where it is. `shared` lists statements in the order in which the document first reads them."""

    def __init__(self, rules: RulesTable) -> None:
        self._rules = rules
        self._first: dict[int, tuple[int, dict[str, Any]]] = {}  # keyed statement: when first read, what was written
        self._moved: dict[int, str] = {}  # statement: its key in `shared`
        self._taken: dict[str, int] = {}  # key: the statement it names
        self._order: list[tuple[int, str, dict[str, Any]]] = []
        self._missing: dict[int, tuple[str, ...]] = {}
        self._facts: dict[str, dict[str, Any]] = {}
        self._read: dict[str, Fact] = {}  # path: the fact first read there

    @property
    def shared(self) -> dict[str, dict[str, Any]]:
        return {key: written for _, key, written in sorted(self._order, key=lambda entry: entry[0])}

    @property
    def facts(self) -> dict[str, dict[str, Any]]:
        """The facts the statements read, by path, in the order first read: each as a statement would list it,
        without its path."""
        return dict(self._facts)

    def write(self, statement: Explanation) -> dict[str, Any]:
        """A statement and everything below it; a keyed statement already written once becomes a reference."""
        if statement.key is not None:
            moved = self._moved.get(id(statement))
            if moved is not None:
                return {"ref": moved}
            first = self._first.get(id(statement))
            if first is not None:
                return {"ref": self._share(statement, *first)}
        definition = statement.definition
        if definition is not None and not self._rules.accepts(definition):
            definition = None
        document = statement_fields(statement, definition,
                                    definition.kind if definition is not None else DEFAULT_KIND, self._fact)
        if statement.outcome == UNKNOWN:
            missing = self.missing(statement)
            if missing:
                document["missing"] = list(missing)
        if statement.key is not None:
            self._first[id(statement)] = (len(self._first), document)
        if statement.children:
            document["children"] = [self.write(c) for c in statement.children]
        return document

    def _fact(self, fact: Fact) -> str | dict[str, Any]:
        """A fact's path, its value going in `facts`; a count of facts not listed (which depends on the statement,
        not on the profile alone) is written where it stands."""
        if isinstance(fact.raw, FactsNotListed):
            return fact_json(fact)
        first = self._read.setdefault(fact.path, fact)
        if first is fact or first == fact:
            if fact.path not in self._facts:
                self._facts[fact.path] = {key: value for key, value in fact_json(fact).items() if key != "path"}
            return fact.path
        return fact_json(fact)  # read another way under the same path: written where it stands

    def _share(self, statement: Explanation, order: int, written: dict[str, Any]) -> str:
        """Move a statement read a second time into `shared`: the object first written goes there, and the place
        that held it becomes a reference."""
        assert statement.key is not None
        key, number = statement.key, 1
        while key in self._taken:  # two different statements with one key: `#2`, `#3`... in the order of sharing
            number += 1
            key = f"{statement.key}#{number}"
        self._taken[key] = id(statement)
        self._moved[id(statement)] = key
        self._order.append((order, key, dict(written)))
        written.clear()
        written["ref"] = key
        return key

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
