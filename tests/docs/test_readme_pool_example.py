"""The README's pool example works as written: the rulebook its `rules batch` lines use can read the pool its
`rules pool synth` lines make. (It used to batch the synthetic pool, whose results give raw scores for a quarter of
the tests, with the category rules for pools that state levels: 2,772 French verdicts undetermined where the
shipped rules leave 988.)"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

RULES_COMMAND = Path(sys.executable).parent / "rules"
SIZE = "3000"  # the README's sizes, cut for the test suite


def readme_pool_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Whole pools and rounds of invitations"):]
    block = section[section.index("```sh\n") + 6:section.index("```", section.index("```sh\n") + 6)]
    commands = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words[:3] == ["rules", "pool", "synth"] or words[:2] == ["rules", "batch"]:
            commands.append(words)
    return commands


def test_the_readme_has_a_pool_example() -> None:
    kinds = [" ".join(words[:3]) for words in readme_pool_commands()]
    assert kinds.count("rules pool synth") >= 1 and any(kind.startswith("rules batch") for kind in kinds)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """Each README batch line run on the README's pools (made smaller): (the pool, the verdicts) per batch."""
    folder = tmp_path_factory.mktemp("readme")
    batches = []
    for words in readme_pool_commands():
        argv = [folder / w if re.fullmatch(r"[\w.-]+\.(parquet|jsonl|csv)", w) else w for w in words[1:]]
        argv = [SIZE if i and argv[i - 1] == "--size" else str(a) for i, a in enumerate(argv)]
        subprocess.run([str(RULES_COMMAND), *argv], cwd=ROOT, check=True, capture_output=True, timeout=600)
        if words[1] == "batch":
            batches.append((Path(argv[1]), Path(argv[argv.index("--out") + 1])))
    return batches


def test_no_french_verdict_is_undetermined_for_want_of_converting_a_score(ran: list[tuple[Path, Path]]) -> None:
    """A French result that gives its four scores can always be read; an undetermined French verdict must come from
    a fact the profile lacks, not from a rulebook that cannot read scores."""
    assert ran
    for pool, verdicts in ran:
        unread = duckdb.connect().execute(f"""
            SELECT count(*) FROM read_parquet('{verdicts}') v
            JOIN (SELECT file_row_number + 1 AS line, * FROM read_parquet('{pool}', file_row_number = true)) p
              ON p.line = v.line
            WHERE v.french = 'undetermined' AND p.eligible_programs IS NOT NULL AND len(list_filter(
                p.language_tests, lambda t: t.test IN ('tef_canada', 'tcf_canada') AND t.levels.writing IS NULL
                AND t.scores.listening IS NOT NULL AND t.scores.reading IS NOT NULL
                AND t.scores.writing IS NOT NULL AND t.scores.speaking IS NOT NULL)) > 0""").fetchone()
        assert unread is not None and unread[0] == 0, (pool.name, verdicts.name, unread[0])
