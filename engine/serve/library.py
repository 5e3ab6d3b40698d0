"""The rulebooks a server answers from: every year of one rules tree, compiled once when the server starts.

Requests only look rulebooks up here by year; nothing a request sends is ever turned into a path, so no request can
make the server read a rule file, let alone one outside the configured tree. The compiled rulebooks are immutable
(frozen dataclasses, read-only mappings), so every request shares them without locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from engine import ir
from engine.lower.rulebook import Compiler, available_years


class EmptyTree(Exception):
    """The rules tree holds no rulebook folder (a folder named by a year, with `.rules` files)."""


@dataclass(frozen=True, slots=True)
class Library:
    """The compiled rulebooks by year, oldest first, and the occupations they list (for the page's NOC search)."""

    rulebooks: Mapping[str, ir.Rulebook]
    occupations: tuple[dict[str, Any], ...]

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(self.rulebooks)

    @property
    def latest(self) -> str:
        return self.years[-1]

    def before(self, rulebook: ir.Rulebook) -> ir.Rulebook | None:
        """The rulebook of the year before `rulebook`'s that this library holds, if any (the why-not analysis reads
        its rounds, as `rules eval --why-not` reads the shipped year before)."""
        earlier = [year for year in self.years if year < rulebook.year]
        return self.rulebooks[earlier[-1]] if earlier else None


def load_library(tree: Path) -> Library:
    """Compile every year of `tree`; raises `RuleErrors` on errors in the rule files, `EmptyTree` when none."""
    years = available_years(tree)
    if not years:
        raise EmptyTree(f"no rulebook in {tree}: it needs a folder per year (such as 2025/) holding .rules files")
    compiler = Compiler()
    rulebooks = {year: compiler.compile_year(year, tree)[0] for year in years}
    return Library(MappingProxyType(rulebooks), occupations_listed(rulebooks.values()))


def occupations_listed(rulebooks: Iterable[ir.Rulebook]) -> tuple[dict[str, Any], ...]:
    """Every occupation on a list of some rulebook, by NOC code, with the lists (year and title) that name it.

    The latest title of a code is kept when a later year renames it."""
    by_code: dict[str, dict[str, Any]] = {}
    for rulebook in rulebooks:
        for table in rulebook.occupation_lists.values():
            for occupation in table.occupations:
                entry = by_code.setdefault(occupation.code, {"noc": occupation.code, "lists": []})
                entry["title"] = occupation.title
                entry["teer"] = occupation.teer
                entry["lists"].append({"rulebook": rulebook.year, "list": table.name, "title": table.title})
    return tuple({"noc": e["noc"], "title": e["title"], "teer": e["teer"], "lists": e["lists"]}
                 for _, e in sorted(by_code.items()))
