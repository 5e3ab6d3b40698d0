"""`rules serve` as a user runs it: it compiles the rules tree, listens on 127.0.0.1, answers, and stops on Ctrl-C;
a tree with errors in its rule files stops it before it listens, with the diagnostics (exit 1); a folder with no
rulebook is a usage error (exit 2)."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from engine.lower.rulebook import available_years
from tests.conftest import ROOT, RULES

RULES_COMMAND = Path(sys.executable).parent / "rules"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_server_starts_answers_and_stops() -> None:
    port = free_port()
    server = subprocess.Popen([str(RULES_COMMAND), "serve", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, "the server did not answer within a minute"
            try:
                health = httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx2.TransportError:
                time.sleep(0.05)
        assert health.json() == {"status": "ok", "rulebooks": available_years(RULES)}
        assert httpx2.get(f"http://127.0.0.1:{port}/").text.startswith("<!doctype html>")
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        _, errors = server.communicate(timeout=20)
    assert server.returncode == 0
    assert f"Rulebooks {', '.join(available_years(RULES))} compiled; listening on http://127.0.0.1:{port}/" in errors
    assert "Traceback" not in errors


def test_errors_in_the_rule_files_stop_it_before_it_listens(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "behaviour" / "fixtures" / "bad-rules", tmp_path / "2025")
    result = subprocess.run([str(RULES_COMMAND), "serve", "--rules", str(tmp_path), "--port", str(free_port())],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "rules/2025/rulebook.rules:" in result.stderr
    assert "serving" not in result.stderr


def test_a_folder_without_rulebooks_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run([str(RULES_COMMAND), "serve", "--rules", str(tmp_path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no rulebook in ")
