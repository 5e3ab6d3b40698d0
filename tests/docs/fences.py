"""Rule snippets in the hand-written pages: every ```rules block starts with a comment naming the file it belongs
to, so the tests can rebuild the rules tree a page describes and check it like any other rulebook."""

from __future__ import annotations

import re
from pathlib import Path

FENCE = re.compile(r"^```rules\n(.*?)^```", re.S | re.M)


def rule_blocks(page: Path) -> list[tuple[str, str]]:
    """(file path named on the first line, the text after it) for every rules block of a Markdown page."""
    blocks = []
    for body in FENCE.findall(page.read_text(encoding="utf-8")):
        first, _, rest = body.partition("\n")
        assert first.startswith("# "), f"a rules block in {page.name} does not name its file: {first!r}"
        blocks.append((first[2:].strip(), rest))
    return blocks


def write_tree(page: Path, into: Path) -> list[Path]:
    """Write the page's rules blocks into `into` (blocks naming one file are joined); return the files written."""
    written: list[Path] = []
    for name, text in rule_blocks(page):
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
        if target not in written:
            written.append(target)
    return written
