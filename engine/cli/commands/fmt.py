"""`rules fmt`: rewrite rule files in the one canonical layout, or, with `--check`, only say which would change.

Exit codes: 0 nothing to do (or done), 1 a file does not parse or (with `--check`) would be reformatted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dsl.diagnostics import RuleErrors
from dsl.format import format_source
from dsl.loader import read_rule_file

EXIT_PROBLEMS = 1


def rule_files(path: Path) -> list[Path]:
    """A `.rules` file, or every `.rules` file under a folder (sorted, so runs are reproducible)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.rules") if p.is_file())
    return [path]


def formatted(path: Path) -> tuple[str, str]:
    """(the file's text, its canonical form); raises `RuleErrors` when it cannot be read or parsed."""
    shown = path.as_posix()
    text = read_rule_file(path, shown)
    try:
        return text, format_source(text, shown)
    except RuleErrors as errors:
        raise RuleErrors(errors.diagnostics, {shown: text}) from None


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; list the files that would change.")
def fmt_command(paths: tuple[Path, ...], check_only: bool) -> None:
    """Format rule files (or every .rules file under the folders given) in the canonical layout, comments kept."""
    files = [f for path in paths for f in rule_files(path)]
    failed = 0
    changed: list[Path] = []
    for path in files:
        try:
            text, result = formatted(path)
        except RuleErrors as errors:
            click.echo(errors.render() + "\n", err=True)
            failed += 1
            continue
        if result == text:
            continue
        changed.append(path)
        if check_only:
            click.echo(f"would reformat {path.as_posix()}")
        else:
            path.write_text(result, encoding="utf-8")
            click.echo(f"reformatted {path.as_posix()}")
    verb = "would be reformatted" if check_only else "reformatted"
    summary = f"{len(files)} file(s) checked, {len(changed)} {verb}"
    if failed:
        summary += f", {failed} with errors"
    click.echo(summary, err=True)
    if failed or (check_only and changed):
        sys.exit(EXIT_PROBLEMS)
