"""The install is quiet: setuptools warns about nothing in the project's own configuration.

setuptools warns when `project.license` is a table (deprecated for an SPDX string) and when a folder Python could
import as a package (a namespace package: any folder with a name that is an identifier) is missing from the package
list, since it would then be shipped by accident or not at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

SHIPPED = ("dsl", "engine", "rules")


def configuration() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def importable_folders() -> set[str]:
    """Every folder under the shipped packages that Python would import as a package: its name and every parent's
    are identifiers, and it holds files."""
    found = set()
    for top in SHIPPED:
        for folder in [ROOT / top, *(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            parts = folder.relative_to(ROOT).parts
            if any(not part.isidentifier() for part in parts) or "__pycache__" in parts:
                continue
            if any(child.is_file() for child in folder.iterdir()):
                found.add(".".join(parts))
    return found


def test_the_license_is_an_spdx_expression_not_a_table() -> None:
    project = configuration()
    assert isinstance(project["project"]["license"], str)
    assert project["project"]["license"] == "MIT"


def test_the_build_backend_is_recent_enough_for_an_spdx_license() -> None:
    requires = configuration()["build-system"]["requires"]
    assert "setuptools>=77" in requires


def test_every_importable_folder_is_in_the_package_list() -> None:
    packages = set(configuration()["tool"]["setuptools"]["packages"])
    missing = importable_folders() - packages
    assert not missing, f"add to [tool.setuptools] packages: {sorted(missing)}"
    assert {"engine.model.schema", "rules.common"} <= packages


def test_every_data_file_is_declared_as_package_data() -> None:
    """A rule file, a test case file or the schema left out of package data would be missing from a wheel."""
    data = configuration()["tool"]["setuptools"]["package-data"]
    patterns = [(ROOT / Path(*package.split(".")), pattern) for package, globs in data.items() for pattern in globs]
    for path in [*(ROOT / "rules").rglob("*.rules"), *(ROOT / "rules").rglob("tests/*.yaml"),
                 ROOT / "engine" / "model" / "schema" / "profile.schema.json"]:
        assert any(path.is_relative_to(folder) and path.relative_to(folder).match(pattern)
                   for folder, pattern in patterns), path


def test_every_folder_of_modules_is_a_regular_package() -> None:
    """A folder of Python modules without `__init__.py` imports as a namespace package: found by a slower search at
    each start, and silently merged with any other folder of the same name on the path."""
    without = sorted(str(folder.relative_to(ROOT)) for top in ("dsl", "engine")
                     for folder in [ROOT / top, *(ROOT / top).rglob("*")]
                     if folder.is_dir() and any(folder.glob("*.py")) and not (folder / "__init__.py").exists())
    assert not without, f"add an __init__.py to: {without}"
