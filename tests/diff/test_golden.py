"""Golden views of the 2023 -> 2025 diff with its impact on the example pool.

Run `pytest --update-goldens` to rewrite them after an intended change, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import ROOT, check_golden

GOLDEN = Path(__file__).parent / "golden"
SUFFIXES = {"text": "txt", "markdown": "md"}


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_golden_diff_2023_2025_with_pool(output_format: str, update_goldens: bool,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["diff", "2023", "2025", "--format", output_format,
                                       "--pool", "tests/diff/fixtures/pool.jsonl"])
    assert result.exit_code == 0
    output = result.output.replace("2 pool row(s) were not evaluated; see 'Rejected rows' above.\n", "")
    check_golden(GOLDEN / f"diff-2023-2025.{SUFFIXES[output_format]}", output, update_goldens)
