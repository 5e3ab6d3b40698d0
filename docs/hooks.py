"""MkDocs hook: generate the website's pages from the rule files at build time.

Nothing generated is committed: every build compiles the rulebooks (of `RULES_PATH` when set, else the project's
`rules/` folder) and renders them with `engine.docs.render`. The command-line reference is read from the click
commands themselves. Rounds of invitations and their results come from the rulebooks' `round` declarations.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from dsl.diagnostics import RuleErrors
from dsl.loader import load_folder
from engine import ir
from engine.cli.main import main as cli_main
from engine.docs.render import NavItem, SiteInput, render_site
from engine.lower.rulebook import Compiler, available_years


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
        source_texts=texts,
        cli=cli_main,
        guides_nav=[{"Tutorial": "tutorial.md"}],
        reference_nav=[{"The language by example": "reference/language.md"}, *_reference_pages(files)],
    ))
    for path, content in site.pages.items():
        files.append(File.generated(config, path, content=content))
    config.nav = site.nav
    return files


# Hand-written pages, in the order the Reference section lists them (those present in docs/).
REFERENCE_PAGES = (
    ("The language in detail", "language.md"),
    ("Work experience", "semantics.md"),
    ("Profiles", "profiles.md"),
    ("Testing rules", "testing.md"),
    ("Diagnostics", "diagnostics.md"),
    ("Comparing rulebooks", "diff.md"),
    ("Explanations as JSON", "explanations.md"),
    ("Why not, and what would change it", "whynot.md"),
    ("Running the server", "serving.md"),
    ("Running on Spark", "spark.md"),
)
GUIDES = frozenset({"index.md", "tutorial.md", "reference/language.md"})


def _reference_pages(files: Files) -> list[NavItem]:
    """The hand-written reference pages present, in the order above, then any other hand-written page (by path), so
    that a page added to docs/ is never left out of the nav."""
    present = {f.src_uri for f in files.documentation_pages()}
    known: list[NavItem] = [{title: path} for title, path in REFERENCE_PAGES if path in present]
    named = {path for _, path in REFERENCE_PAGES} | GUIDES
    return [*known, *sorted(present - named)]
