"""Files shown in the hand-written pages: every ```rules (or ```yaml) block starts with a comment naming the file
it belongs to, so the tests can rebuild the rules tree a page describes and check it like any other rulebook."""

from __future__ import annotations

import re
from pathlib import Path

FENCE = re.compile(r"^```(rules|yaml)\n(.*?)^```", re.S | re.M)


def file_blocks(page: Path, language: str | None = None) -> list[tuple[str, str]]:
    """(file path named on the first line, the whole block) for every rules or YAML block of a Markdown page."""
    blocks = []
    for kind, body in FENCE.findall(page.read_text(encoding="utf-8")):
        if language is not None and kind != language:
            continue
        first = body.partition("\n")[0]
        assert first.startswith("# "), f"a {kind} block in {page.name} does not name its file: {first!r}"
        blocks.append((first[2:].strip(), body))
    return blocks


def rule_blocks(page: Path) -> list[tuple[str, str]]:
    return file_blocks(page, "rules")


def write_tree(page: Path, into: Path) -> list[Path]:
    """Write the page's blocks into `into`, in page order (a later block naming a file replaces it)."""
    written: list[Path] = []
    for name, text in file_blocks(page):
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
