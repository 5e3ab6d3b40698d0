"""Every diagnostic code the language can emit is documented, and every documented code exists."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_codes_in_the_source_and_in_the_documentation_are_the_same() -> None:
    emitted = set()
    for path in [*(ROOT / "dsl").glob("*.py"), *(ROOT / "engine").rglob("*.py")]:
        emitted |= set(re.findall(r'"([EWI]\d{3})"', path.read_text(encoding="utf-8")))
    page = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| ([EWI]\d{3}) \|", page, re.MULTILINE)) | {"W150"}  # W150 has a paragraph
    assert "Warning W150" in page
    assert emitted == documented
