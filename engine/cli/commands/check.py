"""`rules check`: every diagnostic of a rules tree (errors, then lints) for an analyst, an editor or CI.

Exit code 1 when an error is found; warnings and information never fail the run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dsl.checker import check
from dsl.diagnostics import Diagnostic, RuleErrors, Severity
from dsl.lint import lint
from dsl.loader import load_folder
from engine.lower.rulebook import available_years, default_rules_tree
from engine.model.facts import PRELUDE

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


def rulebook_folders(path: Path) -> list[Path]:
    """A folder with `.rules` files is a rulebook; a rules tree holds year folders."""
    if any(path.glob("*.rules")):
        return [path]
    return [path / year for year in available_years(path)] or [path]


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_command(paths: tuple[Path, ...], output_format: str) -> None:
    """Check rulebook folders (or a rules tree holding year folders): errors, then lints. Default: the shipped tree."""
    folders = [folder for path in (paths or (default_rules_tree(),)) for folder in rulebook_folders(path)]
    diagnostics: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for folder in folders:
        found, sources = check_folder(folder, None if paths else f"rules/{folder.name}")
        diagnostics.extend(found)
        texts.update(sources)
    counts = {severity: sum(1 for d in diagnostics if d.severity is severity) for severity in Severity}
    if output_format == "json":
        click.echo(json.dumps({"checked": [f.as_posix() for f in folders],
                               "diagnostics": [d.to_json() for d in diagnostics],
                               "counts": {s.value: n for s, n in counts.items()}}, indent=2, ensure_ascii=False))
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.render(texts) + "\n", err=True)
        status = "no problems" if not diagnostics else ", ".join(
            f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}" for s in Severity)
        click.echo(f"checked {len(folders)} rulebook(s): {status}")
    if counts[Severity.ERROR]:
        sys.exit(EXIT_RULE_ERRORS)
