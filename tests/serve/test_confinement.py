"""No request reads a file, reaches the network, or loads rules from outside the configured rules tree.

Python's audit hooks see every file the process opens and every socket it connects; while the requests below run,
a hook records them. The requests cover every endpoint, with good and bad input and with paths that try to climb out
of the tree or the page's folder. (The page's own files are read from the package when asked for; that is the only
file a request may make the server open, and those requests are left out of the recorded window.)
"""

from __future__ import annotations

import shutil
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from engine.serve.app import create_app
from engine.serve.library import load_library
from tests.conftest import RULES
from tests.serve.conftest import example

WATCHED = {"open", "os.listdir", "os.scandir", "os.chdir", "socket.connect", "socket.getaddrinfo", "socket.bind",
           "urllib.Request", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
           "shutil.copyfile", "import"}


class Recorder:
    """An audit hook (hooks cannot be removed, so it records only while `active` is set)."""

    def __init__(self) -> None:
        self.active = threading.Event()
        self.events: list[tuple[str, str]] = []

    def __call__(self, event: str, arguments: tuple[Any, ...]) -> None:
        if self.active.is_set() and event in WATCHED:
            self.events.append((event, repr(arguments[0]) if arguments else ""))


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    hook = Recorder()
    sys.addaudithook(hook)
    return hook


def requests(client: TestClient) -> list[Callable[[], Any]]:
    profile = example("meera-data-analyst-raw-scores.yaml")
    return [
        lambda: client.get("/healthz"),
        lambda: client.get("/openapi.json"),
        lambda: client.get("/v1/rulebooks"),
        lambda: client.get("/v1/rulebooks/2023"),
        lambda: client.get("/v1/occupations"),
        lambda: client.get("/v1/diff/2023/2025"),
        lambda: client.post("/v1/eval", json={"profiles": [profile], "year": ["2023", "2025"]}),
        lambda: client.post("/v1/eval", json={"profiles": [{**profile, "date_of_birth": "x"},
                                                           {"id": "y", "$ref": "/etc/passwd"}]}),
        lambda: client.post("/v1/eval", json={"profiles": [profile], "year": "../../etc"}),
        lambda: client.post("/v1/whynot", json={"profiles": [profile], "year": "2025"}),
        lambda: client.post("/v1/whatif", json={"profile": profile, "patch": [
            {"op": "add", "path": "/language_tests/-", "value": {"test": "tef_canada", "date": "2025-01-10",
                                                                 "levels": {"reading": 9}}}]}),
        lambda: client.post("/v1/whynot", json={"profiles": [profile], "year": "/etc/passwd"}),
        lambda: client.post("/v1/whatif", json={"profile": profile, "patch": [
            {"op": "add", "path": "/$ref", "value": "file:///etc/passwd"}, {"op": "copy", "from": "/$ref",
                                                                             "path": "/id"}]}),
        lambda: client.post("/v1/eval", json={"profiles": [profile], "year": "common"}),
        lambda: client.get("/v1/rulebooks/..%2F2025"),
        lambda: client.get("/v1/rulebooks/%2e%2e"),
        lambda: client.get("/v1/diff/2023/..%2F..%2Fetc"),
        lambda: client.get("/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml"),
        lambda: client.get("/static/..%2F..%2Fapp.py"),
        lambda: client.get("/static//etc/passwd"),
        lambda: client.get("/static/missing.js"),
    ]


def test_no_request_opens_a_file_or_a_socket(client: TestClient, recorder: Recorder) -> None:
    calls = requests(client)
    for call in calls:  # once first, so that modules imported on first use are imported
        call()
    recorder.events.clear()
    recorder.active.set()
    try:
        statuses = [call().status_code for call in calls]
    finally:
        recorder.active.clear()
    assert recorder.events == []
    assert statuses == [200, 200, 200, 200, 200, 200, 200, 422, 422, 200, 200, 422, 422, 422, 404, 404, 404, 404, 404,
                        404, 404]


def test_the_page_folder_serves_the_page_and_nothing_beside_it(client: TestClient) -> None:
    assert client.get("/").text.startswith("<!doctype html>")
    assert "function submit" in client.get("/static/page.js").text
    for url in ("/static/%2e%2e/app.py", "/static/..%2Fapp.py", "/static/../app.py", "/static/__init__.py"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "import" not in response.text


def test_a_server_knows_only_the_rulebooks_of_its_tree(tmp_path: Path) -> None:
    """A tree holding 2025 only: the 2023 rulebook, shipped beside it, is out of every request's reach."""
    for folder in ("2025", "common"):
        shutil.copytree(RULES / folder, tmp_path / folder, ignore=shutil.ignore_patterns("tests"))
    with TestClient(create_app(load_library(tmp_path))) as client:
        assert client.get("/healthz").json() == {"status": "ok", "rulebooks": ["2025"]}
        assert client.get("/v1/rulebooks/2023").status_code == 404
        response = client.post("/v1/eval", json={"profiles": [{"id": "x"}], "year": "2023"})
        assert response.status_code == 422
        assert response.json()["problems"] == [{"path": "$.year", "message": "no rulebook for '2023'; known years: "
                                                                             "2025"}]


def test_the_recorder_sees_what_the_server_opens(client: TestClient, recorder: Recorder) -> None:
    """The check above can fail: serving one of the page's files is seen opening it."""
    client.get("/static/page.css")
    recorder.events.clear()
    recorder.active.set()
    try:
        assert client.get("/static/page.css").status_code == 200
    finally:
        recorder.active.clear()
    assert any(event == "open" and "page.css" in argument for event, argument in recorder.events)
