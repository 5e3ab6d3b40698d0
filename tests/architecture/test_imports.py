"""The layout is the pipeline: imports point one way and never in a cycle.

`dsl` (the language) knows nothing of `engine`; inside `engine`, commands import features, features import evaluation
and SQL, those import the rule tree, which imports the language. Every import counts, including those inside a
function (a lazy import is still a dependency), except those made for type annotations alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("dsl", "engine")

# The layers of `engine`, lowest first: a module may import its own layer and the layers below it, never above.
LAYERS = (
    ("dsl",),
    ("engine.model",),
    ("engine.ir",),
    ("engine.lower",),
    ("engine.eval", "engine.sql"),
    ("engine.explain", "engine.pool", "engine.whynot"),
    ("engine.diff", "engine.cases", "engine.docs"),
    ("engine.serve",),
    ("engine.cli",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The project modules a file imports (`from a.b import c` counts `a.b.c` when that is a module, else `a.b`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # imports for type annotations only are not dependencies at run time
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING":
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in modules:
                    yield full
                elif node.module in modules:
                    yield node.module


def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: set(imports_of(path, modules)) - {name} for name, path in modules.items()}


def layer_of(module: str) -> int | None:
    for index, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(edges):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_module_imports_itself_through_others() -> None:
    assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()) or [])


def test_the_language_knows_nothing_of_the_engine() -> None:
    wrong = {m: sorted(t for t in targets if t.startswith("engine")) for m, targets in graph().items()
             if m.startswith("dsl")}
    assert {m: t for m, t in wrong.items() if t} == {}


def test_imports_point_down_the_pipeline() -> None:
    upward = []
    for module, targets in graph().items():
        here = layer_of(module)
        for target in targets:
            there = layer_of(target)
            if here is not None and there is not None and there > here:
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_every_engine_module_sits_in_a_layer() -> None:
    unplaced = [m for m in project_modules() if m.startswith("engine.") and layer_of(m) is None]
    assert unplaced == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
