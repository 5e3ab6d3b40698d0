"""Markdown reports carry values from profiles, which may come from anyone: an id, a field name or a value holding a
backtick, a line break, HTML or link syntax stays text in the rendered page, whichever renderer (CommonMark, as
markdown-it implements it, or Python-Markdown, as the documentation site uses)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from engine.cli.main import main
from engine.explain import markdown as md

HOSTILE = [
    "x`<script>alert(1)</script>`",
    "a\n<img src=x onerror=alert(1)>",
    "``",
    "[click](javascript:alert(1))",
    "![pic](https://evil.example/x.png)",
    "# heading\n- item\n\n<script>alert(2)</script>",
    "a|b|c",
    "back\\`slash",
    "<https://evil.example>",
    "&lt;script&gt;",
    "line\u2028<script>alert(3)</script>",
]
ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "p", "strong", "em", "code", "table", "thead", "tbody", "tr", "th", "td", "ul",
                "li", "a", "blockquote", "br", "hr"}


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def rendered(document: str) -> list[Elements]:
    pages = [MarkdownIt("commonmark").enable("table").render(document), markdown.markdown(document,
                                                                                            extensions=["tables"])]
    found = []
    for page in pages:
        parser = Elements()
        parser.feed(page)
        found.append(parser)
    return found


def assert_inert(document: str) -> None:
    for page in rendered(document):
        for tag, attributes in page.tags:
            assert tag in ALLOWED_TAGS, (tag, document)
            assert not any(name.startswith("on") for name in attributes), (tag, attributes)
            if tag == "a":
                assert str(attributes.get("href", "")).startswith("https://"), attributes


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_in_text_stays_text(value: str) -> None:
    document = (f"## Profile {md.text(value)}\n\n- ✓ {md.text(value)}\n\n"
                f"| a | b |\n|---|---|\n| {md.cell(value)} | x |\n")
    assert_inert(document)
    flat = " ".join(value.split())
    for page in rendered(document):
        assert " ".join("".join(page.text).split()).count(flat.replace("\u2028", " ")) >= 1 or "&" in value


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_in_a_code_span_stays_one_code_span(value: str) -> None:
    document = f"## Profile {md.code(value)}\n\n- {md.code(value)}: a problem\n"
    assert_inert(document)
    for page in rendered(document):
        assert [tag for tag, _ in page.tags].count("code") == 2


def hostile_profile(profile_id: str) -> dict[str, Any]:
    return {"id": profile_id, "eligible_programs": ["fsw"], "crs": 400,
            "work_history": [{"noc": "21231", "title": "<script>alert('title')</script>\n#x`", "country": "Canada",
                              "start": "2020-01-01", "hours_per_week": 40}]}


def test_eval_markdown_with_hostile_ids_titles_and_names_renders_no_markup(tmp_path: Path) -> None:
    profiles = [hostile_profile(value) for value in HOSTILE]
    bad = {**hostile_profile("bad"), "<img src=x onerror=alert(1)>": 1, "crs": "<script>alert('value')</script>"}
    path = tmp_path / "pool.json"
    path.write_text(json.dumps([*profiles, bad]), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--year", "2025", "--as-of", "2025-06-01",
                                       "--format", "markdown"])
    assert result.exit_code == 2, result.output
    assert_inert(result.stdout)  # `<script>` may be written, inside a code span, where it is text
    for page in rendered(result.stdout):
        headings = [text for text in page.text if text.strip()]
        for value in HOSTILE:
            assert any(" ".join(value.split()).replace("\u2028", " ") in " ".join(h.split()) for h in headings) \
                or "&" in value, value


def test_diff_markdown_with_hostile_ids_in_the_pool_renders_no_markup(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    rows = []
    fixture = ROOT / "tests" / "diff" / "fixtures" / "pool.jsonl"
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines()):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "id" in row:
            row["id"] = HOSTILE[number % len(HOSTILE)] + f" {number}"
        rows.append(json.dumps(row))
    rows.append(json.dumps({"id": "<img src=x onerror=alert(1)>", "crs": "<script>alert(1)</script>"}))
    pool = tmp_path / "pool.jsonl"
    pool.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "2023", "2025", "--pool", str(pool), "--as-of", "2025-02-27",
                                       "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "Why profile" in result.stdout and "Rejected rows" in result.stdout
    assert_inert(result.stdout)
