"""The eligibility page cannot be made to run what a profile or an answer holds: its script writes every value it
shows as text (never through an API that parses HTML or runs code), the page holds no inline script or handler, and
the server forbids any script but the page's own file."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from engine.serve.app import SECURITY_HEADERS
from tests.conftest import ROOT

STATIC = ROOT / "engine" / "serve" / "static"
# The DOM's ways of turning a text into markup or code.
SINKS = re.compile(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b|"
                   r"setTimeout\s*\(\s*['\"`]|setInterval\s*\(\s*['\"`]|createContextualFragment|DOMParser|"
                   r"setAttribute\(\s*['\"`]on|\.srcdoc\b")


def test_the_script_writes_values_as_text_only() -> None:
    script = (STATIC / "page.js").read_text(encoding="utf-8")
    assert "textContent" in script  # how it writes the values it shows
    assert SINKS.findall(script) == []


def test_the_sink_check_sees_each_sink() -> None:
    """The pattern above is not blind: each way in is caught."""
    for line in ("node.innerHTML = answer.profile", "node.insertAdjacentHTML('beforeend', x)", "document.write(x)",
                 "eval(text)", "new Function(text)", "setTimeout('go()', 1)", "node.setAttribute('onclick', x)"):
        assert SINKS.search(line), line


def test_the_page_holds_no_inline_script_or_handler() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)
    assert scripts and all(body.strip() == "" for body in scripts)
    assert re.findall(r"\son[a-z]+\s*=", page, flags=re.I) == []
    assert "javascript:" not in page.lower()


def test_the_server_allows_no_script_but_its_own(client: TestClient) -> None:
    policy = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for url in ("/", "/healthz", "/static/page.js"):
        assert client.get(url).headers["content-security-policy"] == policy
