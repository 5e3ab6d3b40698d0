"""Shared fixtures: the shipped rulebooks, compiled once per test session, and helpers to write rule snippets."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from engine import ir
from engine.lower.rulebook import Compiler

# Property tests draw the same examples on every run, so a run is reproducible; HYPOTHESIS_PROFILE=explore draws new
# ones (a search for new failures, not a check that must pass every time).
settings.register_profile("default", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples" / "profiles"
REFERENCE = ROOT / "reference"

HEADER = """\
rulebook 2025 "Test rulebook" in force 2025-01-01 until 2025-12-31 cite src
source src "A source" "https://example.org/source"
"""


@pytest.fixture(scope="session", autouse=True)
def parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Each test session gets its own cache of parsed files, so no run depends on what an earlier one left."""
    folder = tmp_path_factory.mktemp("parse-cache")
    previous = os.environ.get("RULES_CACHE_DIR")
    os.environ["RULES_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["RULES_CACHE_DIR"]
    else:
        os.environ["RULES_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def compiler() -> Compiler:
    return Compiler()


@pytest.fixture(scope="session")
def rulebook_2023(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2023", RULES)[0]


# The category rules for pools that state programs and levels: what the SQL backend compiles.
GIVEN_PROGRAMS = ROOT / "examples" / "rulebooks" / "given-programs"


@pytest.fixture(scope="session")
def given_programs_2023(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_folder(GIVEN_PROGRAMS / "2023")[0]


@pytest.fixture(scope="session")
def given_programs_2025(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_folder(GIVEN_PROGRAMS / "2025")[0]


@pytest.fixture(scope="session")
def rulebook_2024(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2024", RULES)[0]


@pytest.fixture(scope="session")
def rulebook_2025(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2025", RULES)[0]


@pytest.fixture(scope="session")
def rulebook_2026(compiler: Compiler) -> ir.Rulebook:
    return compiler.compile_year("2026", RULES)[0]


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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files (expected diagnostics, explanations) from the current output")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare with a golden file; with --update-goldens, write it instead, so a change shows up as a diff."""
    if update or not path.exists():
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path.name} was missing and has been written; review it and run again")
    assert actual == path.read_text(encoding="utf-8")


# Test cases written beside the rules (rules/<year>/tests/*.yaml) ------------------------------------------------------
# pytest only looks for tests under tests/, so a manifest here (tests/rule_cases/rule_cases.yaml) names the rules
# trees whose cases become pytest items; `rules test` runs the same cases with the same runner.

RULE_CASES_MANIFEST = "rule_cases.yaml"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name == RULE_CASES_MANIFEST:
        return RuleCasesManifest.from_parent(parent, path=file_path)
    return None


class RuleCaseFailure(Exception):
    """A case whose verdicts or explanation differ from what it expects; the message says how."""


class RuleCasesManifest(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        import yaml

        from engine.cases.runner import CaseRunner, case_files, load_cases

        manifest = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        runner = CaseRunner(Compiler())
        for tree in manifest["rules_trees"]:
            root = (self.path.parent / tree).resolve()
            for file in case_files(root):
                for case in load_cases(file):
                    name = f"{file.relative_to(root).as_posix()}::{case.name}"
                    yield RuleCaseItem.from_parent(self, name=name, case=case, runner=runner)


class RuleCaseItem(pytest.Item):
    def __init__(self, *, case: Any, runner: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.runner = runner

    def runtest(self) -> None:
        outcome = self.runner.run(self.case)
        if not outcome.passed:
            raise RuleCaseFailure(outcome.message)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleCaseFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.case.file, 0, self.name
