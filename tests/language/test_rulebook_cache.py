"""Compiled rulebooks kept on disk: a second process reads back the very rulebook it would compile, and compiles again
whenever anything the compilation read has changed."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.lower import rulebook_cache
from engine.lower.rulebook import Compiler
from tests.conftest import ROOT, RULES


def assert_same_tree(fresh: Any, stored: Any) -> None:
    """Equal values of the same classes, field by field (computed fields included), and shared in the same places: a
    node met twice in one tree is met twice, as one object, in the other."""
    pairs: dict[int, int] = {}
    stack = [(fresh, stored, "rulebook")]
    while stack:
        a, b, where = stack.pop()
        assert type(a) is type(b), where
        if a is None or isinstance(a, (bool, int, float, str)):
            assert a == b, where
            continue
        if id(a) in pairs:
            assert pairs[id(a)] == id(b), f"{where} is shared in one tree and not the other"
            continue
        pairs[id(a)] = id(b)
        if isinstance(a, tuple):
            assert len(a) == len(b), where
            stack.extend((x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b)))
        elif isinstance(a, dict):
            assert list(a) == list(b), where
            stack.extend((a[k], b[k], f"{where}[{k!r}]") for k in a)
        elif dataclasses.is_dataclass(a):
            for field in dataclasses.fields(a):
                if field.name not in ("backends", "_found"):
                    stack.append((getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}"))
        else:
            assert a == b, where
    assert len(set(pairs.values())) == len(pairs), "two objects of one tree are one object of the other"


@pytest.mark.parametrize("year", ["2023", "2024", "2025", "2026"])
def test_a_stored_rulebook_is_the_compiled_one(year: str) -> None:
    fresh = Compiler().compile_year(year)[0]  # compiles (or reads) and stores
    found = rulebook_cache.find(RULES / year, f"rules/{year}")
    assert found is not None
    stored = found.rulebook()
    assert stored is not None and stored is not fresh
    assert_same_tree(fresh, stored)


def compile_in_new_process(folder: Path, cache: Path, shown: str = "rules/test") -> tuple[str, bool]:
    """The titles of the categories a fresh process compiles from `folder`, and whether it imported the checker."""
    script = ("import sys; from pathlib import Path; from engine.lower.rulebook import Compiler; "
              f"rulebook = Compiler().compile_folder(Path({str(folder)!r}), {shown!r})[0]; "
              "print('|'.join(c.name for c in rulebook.categories)); print('dsl.checker' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={"RULES_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"})
    titles, checked = done.stdout.splitlines()
    return titles, checked == "True"


CATEGORY = ('category french "French speakers" cite src {\n'
            '  eligible when any t in language_tests: t.reading >= nclc 7\n}\n')
SHARED = 'source src "A source" "https://example.org/source"\n'
MAIN = 'rulebook 2025 "Test" in force 2025-01-01 until 2025-12-31 cite src\nimport "../common/sources.rules"\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A rules tree of one rulebook that imports a shared file."""
    (tmp_path / "rules" / "test").mkdir(parents=True)
    (tmp_path / "rules" / "common").mkdir()
    (tmp_path / "rules" / "test" / "main.rules").write_text(MAIN + CATEGORY, encoding="utf-8")
    (tmp_path / "rules" / "common" / "sources.rules").write_text(SHARED, encoding="utf-8")
    return tmp_path / "rules"


def test_a_second_process_reads_the_rulebook_without_checking_it(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", True)
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", False)


def test_an_edited_file_of_the_folder_is_compiled_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    compile_in_new_process(tree / "test", cache)
    (tree / "test" / "main.rules").write_text(MAIN + CATEGORY.replace("French speakers", "Francophones"),
                                              encoding="utf-8")
    assert compile_in_new_process(tree / "test", cache) == ("Francophones", True)
    assert compile_in_new_process(tree / "test", cache) == ("Francophones", False)


def test_a_new_file_in_the_folder_is_compiled_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    compile_in_new_process(tree / "test", cache)
    (tree / "test" / "more.rules").write_text(CATEGORY.replace("french", "second").replace("French", "Second"),
                                              encoding="utf-8")
    assert compile_in_new_process(tree / "test", cache) == ("French speakers|Second speakers", True)


def test_an_edited_imported_file_is_compiled_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    compile_in_new_process(tree / "test", cache)
    (tree / "common" / "sources.rules").write_text(SHARED.replace("A source", "Another title"), encoding="utf-8")
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", True)
    rulebook = Compiler().compile_folder(tree / "test", "rules/test")[0]
    assert rulebook.sources["src"].title == "Another title"


def test_an_import_leading_to_another_file_is_compiled_again(tree: Path, tmp_path: Path) -> None:
    """The same texts, but the shared folder is now a link to a copy elsewhere: the rule tree's spans name the new
    place, so the stored one no longer holds."""
    cache = tmp_path / "cache"
    compile_in_new_process(tree / "test", cache)
    shutil.move(tree / "common", tree / "elsewhere")
    (tree / "common").symlink_to(tree / "elsewhere", target_is_directory=True)
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", True)


def test_a_damaged_or_foreign_entry_is_compiled_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    compile_in_new_process(tree / "test", cache)
    entries = list(cache.glob("*.rulebook.json"))
    assert len(entries) == 1
    head, _, body = entries[0].read_bytes().partition(b"\n")
    entries[0].write_bytes(head + b"\n" + body[: len(body) // 2])  # cut short: the digest no longer matches
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", True)
    # A body whose digest matches but which names a class the rule tree does not have is refused when read.
    claims = json.loads(entries[0].read_bytes().partition(b"\n")[0])
    foreign = b'["os.system","echo"]'
    claims["digest"] = hashlib.sha256(foreign).hexdigest()
    entries[0].write_bytes(json.dumps(claims).encode() + b"\n" + foreign)
    assert compile_in_new_process(tree / "test", cache) == ("French speakers", True)


def test_the_key_covers_every_module_compiling_imports(tmp_path: Path) -> None:
    """Every module of the project that compiling a rulebook loads is in the digest that keys the cache, so a change
    to any of them is a miss."""
    script = ("import sys; from engine.lower.rulebook import Compiler; Compiler().compile_year('2025'); "
              "print('\\n'.join(m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={"RULES_CACHE_DIR": "off", "PATH": "/usr/bin:/bin"})
    loaded = {Path(line).resolve() for line in done.stdout.splitlines()}
    project = {path for path in loaded if path.is_relative_to(ROOT) and ROOT / ".venv" not in path.parents}
    covered = {path.resolve() for folder, pattern in rulebook_cache._COMPILER_SOURCES
               for path in (ROOT / folder).glob(pattern)}
    assert project, "compiling loads the project's modules"
    assert project <= covered, sorted(str(p.relative_to(ROOT)) for p in project - covered)


def test_a_rulebook_with_warnings_is_compiled_each_time(write_rules: Any) -> None:
    """Warnings are shown on every run, so a rulebook that has any is not stored."""
    early_round = ('round 1 "A round" cite src {\n  held 2024-12-20 grouping category french invitations 500 '
                   'lowest_crs 480 tie_break 2024-12-01T10:00:00Z\n}\n')
    folder = write_rules(CATEGORY + early_round)
    _, warnings = Compiler().compile_folder(folder)
    assert [w.code for w in warnings] == ["W150"]
    assert rulebook_cache.find(folder, folder.as_posix()) is None
    assert Compiler().compile_folder(folder)[1] == warnings
