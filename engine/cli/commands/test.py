"""`rules test`: run the test cases written beside the rules (`<rulebook>/tests/*.yaml`).

Exit codes: 0 every case passed, 1 a case failed (or none was found).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.cases.runner import CaseRunner, all_cases
from engine.lower.rulebook import default_rules_tree

EXIT_FAILED = 1


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("-k", "keyword", metavar="WORDS", help="Run only the cases whose file or name contains WORDS.")
def test_command(paths: tuple[Path, ...], keyword: str | None) -> None:
    """Run the test cases of a rules tree, a rulebook folder, its tests/ folder or one case file.

    Default: the shipped rules tree."""
    runner = CaseRunner()
    cases = [c for c in all_cases(paths or (default_rules_tree(),)) if not keyword or keyword in c.label]
    failed = 0
    for case in cases:
        outcome = runner.run(case)
        if outcome.passed:
            click.echo(f"ok    {case.label}")
        else:
            failed += 1
            click.echo(f"FAIL  {case.label}")
            click.echo(outcome.message + "\n", err=True)
    click.echo(f"{len(cases)} case(s): {len(cases) - failed} passed, {failed} failed")
    if failed or not cases:
        sys.exit(EXIT_FAILED)
