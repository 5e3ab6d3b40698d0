"""A server holds its compiled rulebooks for its whole life: from before the first request they are out of the
garbage collector's reach, so that the collections a request's short-lived objects set off do not walk them (the
pauses behind the slowest answers: bench/serve_load.py)."""

from __future__ import annotations

import gc

from starlette.testclient import TestClient

from engine.serve.app import create_app
from engine.serve.library import Library


def test_the_rulebooks_are_frozen_before_the_first_request_and_thawed_when_the_application_stops(
        library: Library) -> None:
    rulebook = library.rulebooks["2025"]
    assert gc.is_tracked(rulebook)
    with TestClient(create_app(library)) as client:
        assert gc.get_freeze_count() > 0
        assert not any(tracked is rulebook for tracked in gc.get_objects())
        assert client.get("/healthz").json()["status"] == "ok"
    assert gc.get_freeze_count() == 0
    assert any(tracked is rulebook for tracked in gc.get_objects())
