"""`rules check`: every diagnostic of a rules tree (errors, then lints) for an analyst, an editor or CI.

Exit code 1 when an error is found; warnings and information never fail the run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from dsl import ast
from dsl.checker import check
from dsl.diagnostics import Diagnostic, RuleErrors, Severity, capped, render_each
from dsl.lint import lint
from dsl.loader import load_folder, read_rule_file
from dsl.parser import parse
from engine.lower.rulebook import available_years, default_rules_tree
from engine.model.facts import PRELUDE
from engine.model.json_document import document_text

EXIT_RULE_ERRORS = 1


def check_folder(folder: Path, label: str | None = None) -> tuple[list[Diagnostic], dict[str, str]]:
    """Errors of a rulebook folder, or, when it has none, its warnings and lints; with the texts to show them (its
    files named under `label` when given, as `rules eval` names the shipped rulebooks' files)."""
    try:
        source_set = load_folder(folder, label) if label is not None else load_folder(folder)
        checked = check(source_set, PRELUDE)
    except RuleErrors as errors:
        return list(errors.diagnostics), dict(errors.sources)
    findings = sorted({*checked.warnings, *lint(checked)}, key=Diagnostic.sort_key)
    return findings, dict(source_set.texts)


def check_file_alone(path: Path) -> tuple[list[Diagnostic], dict[str, str]]:
    """The syntax of one file that belongs to no rulebook: the names it uses are only known in a rulebook."""
    shown = path.as_posix()
    try:
        text = read_rule_file(path, shown)
    except RuleErrors as errors:
        return list(errors.diagnostics), {}
    try:
        parse(text, shown)
    except RuleErrors as errors:
        return list(errors.diagnostics), {shown: text}
    return [], {shown: text}


def rulebook_folders(path: Path) -> list[Path]:
    """A folder with `.rules` files is a rulebook; a rules tree holds year folders."""
    if any(path.glob("*.rules")):
        return [path]
    return [path / year for year in available_years(path)] or [path]


@dataclass(frozen=True, slots=True)
class FileTarget:
    """What checking one file means: the rulebooks it belongs to, or, failing any, its syntax alone."""

    folders: tuple[Path, ...]
    note: str


def file_target(path: Path) -> FileTarget:
    """A file is checked as part of the rulebook of its folder (the names it uses are declared across the folder);
    a file of a folder without a rulebook header (`rules/common/`) as part of the rulebooks beside it that import
    it; a file no rulebook reads, on its own (syntax only)."""
    folder = path.parent
    if _has_header(folder):
        return FileTarget((folder,), f"'{path.as_posix()}' is checked as part of its rulebook, "
                                     f"'{folder.as_posix()}'")
    importers = tuple(candidate for candidate in (folder.parent / year for year in available_years(folder.parent))
                      if candidate.resolve() != folder.resolve() and _reads(candidate, path))
    if importers:
        names = ", ".join(f"'{f.as_posix()}'" for f in importers)
        return FileTarget(importers, f"'{path.as_posix()}' is checked as part of the rulebooks that import it: {names}")
    return FileTarget((), f"'{path.as_posix()}' belongs to no rulebook: only its syntax is checked")


def _has_header(folder: Path) -> bool:
    for file in sorted(folder.glob("*.rules")):
        try:
            module = parse(read_rule_file(file, file.as_posix()), file.as_posix())
        except RuleErrors:
            continue
        if any(isinstance(d, ast.RulebookHeader) for d in module.declarations):
            return True
    return False


def _reads(folder: Path, path: Path) -> bool:
    """Whether the rulebook of `folder` reads the file `path`, directly or through imports. Files are shown by paths
    built on the folder's, so they resolve from here."""
    try:
        shown = load_folder(folder).texts
    except RuleErrors as errors:
        shown = errors.sources
    wanted = path.resolve()
    return any(Path(name).resolve() == wanted for name in shown)


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_command(paths: tuple[Path, ...], output_format: str) -> None:
    """Check rulebook folders (or a rules tree holding year folders, or one rule file within its rulebook): errors,
    then lints. Default: the shipped tree."""
    folders: list[Path] = []
    alone: list[Path] = []
    notes: list[str] = []
    for path in paths or (default_rules_tree(),):
        if path.is_file():
            target = file_target(path)
            notes.append(target.note)
            folders.extend(f for f in target.folders if f not in folders)
            if not target.folders:
                alone.append(path)
        else:
            folders.extend(f for f in rulebook_folders(path) if f not in folders)
    diagnostics: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for folder in folders:
        found, sources = check_folder(folder, None if paths else f"rules/{folder.name}")
        diagnostics.extend(found)
        texts.update(sources)
    for path in alone:
        found, sources = check_file_alone(path)
        diagnostics.extend(found)
        texts.update(sources)
    counts = {severity: sum(1 for d in diagnostics if d.severity is severity) for severity in Severity}
    if output_format == "json":
        document: dict[str, object] = {"checked": [f.as_posix() for f in (*folders, *alone)]}
        if notes:
            document["notes"] = notes
        document["diagnostics"] = [d.to_json() for d in capped(diagnostics)]
        document["counts"] = {s.value: n for s, n in counts.items()}
        click.echo(document_text(document))
    else:
        for note in notes:
            click.echo(f"note: {note}", err=True)
        for rendered in render_each(diagnostics, texts):
            click.echo(rendered + "\n", err=True)
        status = "no problems" if not diagnostics else ", ".join(
            f"{counts[s]:,} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}" for s in Severity)
        what = f"{len(folders)} rulebook(s)" + (f" and {len(alone)} file(s) alone" if alone else "")
        click.echo(f"checked {what}: {status}")
    if counts[Severity.ERROR]:
        sys.exit(EXIT_RULE_ERRORS)
