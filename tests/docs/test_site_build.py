"""`mkdocs build --strict` succeeds from the rule files alone, and nothing it generates is committed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT


def test_the_strict_build_writes_a_page_per_category_and_the_charts(built_site: Path) -> None:
    for page in ("index.html", "tutorial/index.html", "reference/language/index.html", "reference/cli/index.html",
                 "years/2023/index.html", "years/2025/healthcare/index.html", "changes/2024-2025/index.html"):
        assert (built_site / page).is_file(), page
    assert (built_site / "years/2023/healthcare-rounds.svg").read_text(encoding="utf-8").startswith("<svg")
    assert not (built_site / "hooks.py").exists()


def test_rule_source_is_highlighted_by_the_rules_lexer(built_site: Path) -> None:
    html = (built_site / "years/2025/stem/index.html").read_text(encoding="utf-8")
    assert '<span class="kd">category</span>' in html
    assert '<span class="k">eligible</span>' in html


def test_the_search_index_holds_occupation_codes(built_site: Path) -> None:
    assert "21220" in (built_site / "search/search_index.json").read_text(encoding="utf-8")


def test_no_generated_page_is_committed() -> None:
    docs = ROOT / "docs"
    assert not (docs / "years").exists() and not (docs / "changes").exists()
    assert not (docs / "index.md").exists() and not (docs / "reference" / "cli.md").exists()
