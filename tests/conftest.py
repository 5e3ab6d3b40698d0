"""Shared fixtures: the shipped rulebooks, compiled once per test session, and helpers to write rule snippets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine import ir
from engine.rulebook import Compiler

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "profiles"
REFERENCE = ROOT / "reference"

HEADER = """\
rulebook 2025 "Test rulebook" in force 2025-01-01 until 2025-12-31 cite src
source src "A source" "https://example.org/source"
"""


@pytest.fixture(scope="session")
def compiler() -> Compiler:
    return Compiler()


@pytest.fixture(scope="session")
def rulebook_2023(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2023", RULES)[0]


@pytest.fixture(scope="session")
def rulebook_2025(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2025", RULES)[0]


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., Path]:
    """Write rule files into a fresh rulebook folder (`tmp/rules/test/`) and return the folder."""

    def write(files: dict[str, str] | str, header: bool = True) -> Path:
        folder = tmp_path / "rules" / "test"
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(files, str):
            files = {"main.rules": files}
        for name, text in files.items():
            (folder / name).write_text((HEADER if header and name == "main.rules" else "") + text, encoding="utf-8")
        return folder

    return write
