"""What SECURITY.md promises: rule files read nothing but rules inside their tree, and nothing runs code from input."""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl.diagnostics import RuleErrors
from dsl.loader import load_folder
from engine.cli.main import main
from engine.model.profile import parse_document
from tests.conftest import ROOT

PACKAGES = ("dsl", "engine")


def load_errors(folder: Path) -> list[str]:
    with pytest.raises(RuleErrors) as raised:
        load_folder(folder)
    return [f"{d.code}: {d.message}" for d in raised.value.diagnostics]


def test_an_import_that_climbs_out_of_the_rules_tree_is_refused(write_rules: Callable[..., Path]) -> None:
    folder = write_rules('import "../../outside.rules"\n')
    (folder.parent.parent / "outside.rules").write_text('source s "S" "https://example.org"\n', encoding="utf-8")
    assert load_errors(folder) == ["E013: import '../../outside.rules' leads outside the rules tree"]


def test_an_import_of_an_absolute_path_is_refused(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    target = tmp_path / "absolute.rules"
    target.write_text('source s "S" "https://example.org"\n', encoding="utf-8")
    folder = write_rules(f'import "{target.as_posix()}"\n')
    assert load_errors(folder) == [f"E013: import '{target.as_posix()}' is an absolute path; imports are relative to "
                                   f"the importing file"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links are not available")
def test_symbolic_links_leading_out_of_the_tree_are_refused_in_the_folder_and_in_imports(
        write_rules: Callable[..., Path]) -> None:
    folder = write_rules('import "linked/inside.rules"\n')
    outside = folder.parent.parent / "outside"
    outside.mkdir()
    (outside / "inside.rules").write_text('source s "S" "https://example.org"\n', encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "stray.rules").symlink_to(outside / "inside.rules")
    assert load_errors(folder) == [
        "E013: import 'linked/inside.rules' leads outside the rules tree",
        "E013: 'stray.rules' is a symbolic link leading outside the rules tree",
    ]


def test_an_import_may_only_name_a_rules_file(write_rules: Callable[..., Path]) -> None:
    folder = write_rules('import "../../../../etc/passwd"\nimport "notes.txt"\n')
    (folder / "notes.txt").write_text("secret", encoding="utf-8")
    errors = load_errors(folder)
    assert errors == ["E013: import '../../../../etc/passwd' leads outside the rules tree",
                      "E014: import 'notes.txt' does not name a .rules file"]


def test_rules_check_reports_an_escape_as_a_diagnostic_not_a_traceback(write_rules: Callable[..., Path]) -> None:
    folder = write_rules('import "../../outside.rules"\n')
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 1 and "E013" in result.stderr and result.exception is not None
    assert isinstance(result.exception, SystemExit)


def test_yaml_tags_that_would_build_python_objects_are_refused() -> None:
    with pytest.raises(ValueError, match="not valid YAML"):
        parse_document("id: !!python/object/apply:os.system ['echo owned']\n", ".yaml")


def python_sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_code_calls_eval_exec_compile_or_an_unsafe_yaml_loader() -> None:
    offences = []
    for path in python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            builtin = isinstance(node.func, ast.Name) and name in ("eval", "exec", "compile", "__import__")
            if builtin or name in ("unsafe_load", "full_load"):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
            if name == "load" and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "yaml":
                loader = next((k.value for k in node.keywords if k.arg == "Loader"), None)
                if not (isinstance(loader, ast.Name) and loader.id == "_FactLoader"):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: yaml.load without a safe loader")
    assert offences == []


@pytest.mark.parametrize("made_on", ["libyaml", "pyyaml"])
def test_the_loader_used_for_profiles_constructs_only_plain_data(made_on: str) -> None:
    """Whichever parser reads the text (libyaml's when PyYAML has it, else PyYAML's own), the values are made by
    PyYAML's safe constructor: a tag asking for a Python object is refused, never obeyed."""
    import yaml

    from engine.model.profile import fact_loader_on, libyaml_safe_loader

    if made_on == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    loader = fact_loader_on(libyaml_safe_loader() if made_on == "libyaml" else yaml.SafeLoader)
    assert issubclass(loader, yaml.constructor.SafeConstructor)
    assert not issubclass(loader, (yaml.constructor.FullConstructor, yaml.constructor.UnsafeConstructor))
    for attack in ("!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!python/tuple [1]"):
        with pytest.raises(yaml.constructor.ConstructorError):
            yaml.load(attack, Loader=loader)  # noqa: S506 - the loader under test; the assertion is that it refuses


def test_profiles_are_read_by_libyaml_when_pyyaml_has_it() -> None:
    import yaml

    from engine.model.profile import fact_loader

    assert ("CParser" in {base.__name__ for base in fact_loader().__mro__}) == yaml.__with_libyaml__


# `rules serve` listens for HTTP requests: only its package and its command may import the web server's libraries
# (tests/serve/test_confinement.py checks that no request makes it open a file or a socket).
SERVER_MODULES = ("engine/serve/", "engine/cli/commands/serve.py")


def test_nothing_in_the_engine_or_the_language_opens_a_network_connection() -> None:
    network = ("socket", "urllib", "http", "requests", "httpx", "httpx2", "ftplib", "smtplib", "asyncio", "anyio",
               "starlette", "uvicorn")
    imported: dict[str, set[str]] = {}
    for path in python_sources():
        if path.relative_to(ROOT).as_posix().startswith(SERVER_MODULES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module.split(".")[0]}
            else:
                continue
            imported.setdefault(path.relative_to(ROOT).as_posix(), set()).update(names & set(network))
    assert {module: names for module, names in imported.items() if names} == {}


def test_the_server_imports_no_client_library() -> None:
    clients = {"urllib", "http", "requests", "httpx", "httpx2", "ftplib", "smtplib", "socket"}
    for path in python_sources():
        if path.relative_to(ROOT).as_posix().startswith(SERVER_MODULES):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    assert not {a.name.split(".")[0] for a in node.names} & clients, path
                elif isinstance(node, ast.ImportFrom) and node.module:
                    assert node.module.split(".")[0] not in clients, path


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f"])
def test_an_import_path_with_a_control_character_is_refused(write_rules: Callable[..., Path], character: str) -> None:
    """A NUL byte in an import path once crashed the import resolver."""
    folder = write_rules(f'import "../common/sources{character}.rules"\n')
    assert load_errors(folder) == [f"E016: import {'../common/sources' + character + '.rules'!r} holds the "
                                   f"character {character!r}, which no file name may hold"]


def test_an_import_path_the_system_refuses_is_a_diagnostic(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(f'import "{"x" * 5000}.rules"\n')
    (message,) = load_errors(folder)
    assert message.startswith("E012: cannot read the import 'xxxxxxxx")
    assert "(5,006 characters)" in message and len(message) < 200
