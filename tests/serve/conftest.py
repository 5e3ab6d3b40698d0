"""The web API in process: the shipped rules tree compiled once per session, served through Starlette's test client
(requests go straight to the ASGI application, no socket)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from engine.model.profile import read_profiles
from engine.serve.app import create_app
from engine.serve.library import Library, load_library
from tests.conftest import EXAMPLES, RULES

EXAMPLE_FILES = sorted(EXAMPLES.iterdir())


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(RULES)


@pytest.fixture(scope="module")
def client(library: Library) -> Iterator[TestClient]:
    with TestClient(create_app(library)) as test_client:
        yield test_client


def example(name: str) -> dict[str, Any]:
    """An example profile as a client would send it: the file's mapping, dates as text."""
    (profile,) = read_profiles(EXAMPLES / name)
    assert profile.data is not None, profile.problems
    return dict(profile.data)


def example_of(path: Path) -> dict[str, Any]:
    return example(path.name)
