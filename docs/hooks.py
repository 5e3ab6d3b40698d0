"""MkDocs hook: generate the website's pages from the rule files at build time.

Nothing generated is committed: every build compiles the rulebooks (of `RULES_PATH` when set, else the project's
`rules/` folder) and renders them with `engine.docs_render`. The command-line reference is read from the click
commands themselves. Round results come from `reference/rounds_<year>.csv` until rulebooks declare their rounds.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from dsl.diagnostics import RuleErrors
from dsl.loader import load_folder
from engine import ir
from engine.cli import main as cli_main
from engine.docs_render import NavItem, SiteInput, render_site
from engine.reference_rounds import read_reference_rounds
from engine.rulebook import Compiler, available_years


def on_files(files: Files, config: MkDocsConfig) -> Files:
    project = Path(config.config_file_path).resolve().parent
    tree = Path(os.environ.get("RULES_PATH") or project / "rules")
    rulebooks: list[ir.Rulebook] = []
    texts: dict[str, str] = {}
    compiler = Compiler()
    try:
        for year in available_years(tree):
            rulebooks.append(compiler.compile_year(year, tree)[0])
            texts.update(load_folder(tree / year, f"rules/{year}").texts)
    except RuleErrors as errors:
        raise PluginError("the rule files have errors:\n" + errors.render()) from None
    if not rulebooks:
        raise PluginError(f"no rulebook found in {tree}")
    site = render_site(SiteInput(
        rulebooks=rulebooks,
        rounds=read_reference_rounds(project / "reference"),
        source_texts=texts,
        cli=cli_main,
        guides_nav=[{"Tutorial": "tutorial.md"}],
        reference_nav=[{"The language by example": "reference/language.md"}, *_present(files, REFERENCE_PAGES)],
    ))
    for path, content in site.pages.items():
        files.append(File.generated(config, path, content=content))
    config.nav = [*site.nav, *_unlisted(files, site.nav)]
    return files


# Hand-written pages, in the order the Reference section lists them (those present in docs/).
REFERENCE_PAGES = (
    ("The language in detail", "language.md"),
    ("Work experience", "semantics.md"),
    ("Profiles", "profiles.md"),
    ("Diagnostics", "diagnostics.md"),
)


def _present(files: Files, pages: tuple[tuple[str, str], ...]) -> list[NavItem]:
    return [{title: path} for title, path in pages if files.get_file_from_path(path) is not None]


def _unlisted(files: Files, nav: object) -> list[str]:
    """Hand-written pages the nav does not name yet: listed at the end, so that a new page is never left out."""
    listed = set(re.findall(r"'([^']+\.md)'", repr(nav)))
    return sorted(f.src_uri for f in files.documentation_pages() if f.src_uri not in listed)
