"""Finding and compiling rulebooks: text -> parse -> check -> lower, with a cache keyed on the files' content.

The rules tree shipped with the project is the `rules/` folder (one sub-folder per year). `RULES_PATH` in the
environment, or `--rules DIR` on the command line, points elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dsl.diagnostics import Diagnostic
from engine import ir
from engine.lower import rulebook_cache


def default_rules_tree() -> Path:
    configured = os.environ.get("RULES_PATH")
    if configured:
        return Path(configured)
    import rules  # the package of the shipped rule files, found beside it: importlib.resources costs every command

    return Path(rules.__file__).parent


def available_years(tree: Path | None = None) -> list[str]:
    root = tree or default_rules_tree()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.isdigit() and any(p.glob("*.rules")))


@dataclass
class Compiler:
    """Owns the compiled-rulebook cache for one process: compiling is pure, so a folder whose files did not change
    is never compiled twice."""

    cache: dict[tuple[str, str], tuple[ir.Rulebook, tuple[Diagnostic, ...]]] = field(default_factory=dict)
    # Whether to read and write compiled rulebooks on disk; off, every folder is compiled (what benchmarks of the
    # compiler measure).
    stored: bool = True

    def compile_folder(self, folder: Path, shown: str | None = None) -> tuple[ir.Rulebook, tuple[Diagnostic, ...]]:
        """Compile a rulebook folder; raises `RuleErrors` with every problem found. Returns warnings too.

        A folder compiled by an earlier process, whose files did not change, is read back from the compiled-rulebook
        cache (`engine.lower.rulebook_cache`) without importing the parser, the checker or the lowering."""
        name = shown or folder.as_posix()
        found = rulebook_cache.find(folder, name) if self.stored else None
        if found is not None:
            key = (str(folder.resolve()), found.fingerprint)
            if key in self.cache:
                return self.cache[key]
            rulebook = found.rulebook()
            if rulebook is not None:
                self.cache[key] = (rulebook, ())
                return self.cache[key]
        return self._compile(folder, shown, name)

    def _compile(self, folder: Path, shown: str | None, name: str) -> tuple[ir.Rulebook, tuple[Diagnostic, ...]]:
        from dsl.checker import check
        from dsl.loader import load_folder
        from engine.lower.from_ast import from_checked
        from engine.model.facts import PRELUDE

        source_set = load_folder(folder, shown)
        key = (str(folder.resolve()), source_set.fingerprint)
        if key in self.cache:
            return self.cache[key]
        checked = check(source_set, PRELUDE)
        result = from_checked(checked, name), checked.warnings
        if self.stored and not checked.warnings:
            rulebook_cache.store(result[0], source_set, name)
        self.cache[key] = result
        return result

    def compile_year(self, year: str, tree: Path | None = None) -> tuple[ir.Rulebook, tuple[Diagnostic, ...]]:
        root = tree or default_rules_tree()
        return self.compile_folder(root / year, f"rules/{year}")
