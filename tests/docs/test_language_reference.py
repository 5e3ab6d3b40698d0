"""The language reference and the tutorial teach with real rules: their examples compile as rulebooks, and together
the reference's examples use every construct of the grammar."""

from __future__ import annotations

import shutil
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from lark import Lark, Token, Tree

from dsl.diagnostics import RuleErrors
from engine import ir
from engine.cli.main import main as cli_main
from engine.docs.render import changes_page
from engine.eval.traced import evaluate
from engine.lower.rulebook import Compiler
from engine.model.facts import facts_from_profile
from engine.model.profile import read_profiles
from tests.conftest import ROOT
from tests.docs.fences import rule_blocks, write_tree

LANGUAGE = ROOT / "docs" / "reference" / "language.md"
TUTORIAL = ROOT / "docs" / "tutorial.md"


def grammar() -> Lark:
    return Lark(files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8"), parser="lalr")


def constructs_of_the_grammar(parser: Lark) -> set[str]:
    """The names of the nodes the grammar can build: named rules, and aliased alternatives of inlined ones."""
    names = {rule.alias for rule in parser.rules if rule.alias}
    names |= {rule.origin.name for rule in parser.rules if not rule.alias and not rule.options.expand1
              and not str(rule.origin.name).startswith("_") and rule.origin.name != "start"}
    return {str(name) for name in names}


def constructs_used(parser: Lark, text: str) -> set[str]:
    tree = parser.parse(text)
    return {str(node.data) for node in tree.iter_subtrees() if isinstance(node, Tree)} - {"start"}


def compile_tree(page: Path, root: Path) -> list[ir.Rulebook]:
    """Compile every year folder the page's blocks wrote under `root` (`<tree>/<year>/`)."""
    compiler = Compiler()
    rulebooks = []
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir() and p.name.isdigit()):
        try:
            rulebook, warnings = compiler.compile_folder(folder)
        except RuleErrors as errors:
            pytest.fail(f"the examples of {page.name} in {folder} do not compile:\n{errors.render()}")
        assert not warnings, [str(w) for w in warnings]
        rulebooks.append(rulebook)
    return rulebooks


def test_every_example_of_the_language_reference_compiles(tmp_path: Path) -> None:
    write_tree(LANGUAGE, tmp_path)
    [rulebook] = compile_tree(LANGUAGE, tmp_path)
    assert [c.id for c in rulebook.categories] == ["health", "french"]


def test_the_language_reference_teaches_clean_canonical_rules(tmp_path: Path) -> None:
    """Readers copy these examples: they pass every lint of `rules check` and are laid out as `rules fmt` would."""
    write_tree(LANGUAGE, tmp_path)
    checked = CliRunner().invoke(cli_main, ["check", str(tmp_path / "rules" / "2030")])
    assert checked.exit_code == 0 and "no problems" in checked.output, checked.output
    formatted = CliRunner().invoke(cli_main, ["fmt", "--check", str(tmp_path / "rules")])
    assert formatted.exit_code == 0, formatted.output


def test_the_language_reference_shows_every_construct_of_the_grammar() -> None:
    parser = grammar()
    used: set[str] = set()
    for _, text in rule_blocks(LANGUAGE):
        used |= constructs_used(parser, text)
    assert constructs_of_the_grammar(parser) - used == set()


def test_the_language_reference_uses_every_keyword() -> None:
    parser = grammar()
    keywords = {t.pattern.value for t in parser.terminals
                if t.pattern.type == "str" and t.pattern.value.isalpha()}
    written = set()
    for _, text in rule_blocks(LANGUAGE):
        written |= {token.value for token in parser.lex(text) if isinstance(token, Token)}
    assert keywords - written == set()


class TestTutorial:
    """The tutorial, done as a reader would: write its files, copy the year as it says, check, test and compare."""

    @pytest.fixture(scope="class")
    @classmethod
    def tree(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        root = tmp_path_factory.mktemp("tutorial")
        text = TUTORIAL.read_text(encoding="utf-8")
        assert "$ cp -r myrules/2030 myrules/2031" in text
        write_tree(TUTORIAL, root)
        for copied in (root / "myrules" / "2030").rglob("*.*"):
            target = root / "myrules" / "2031" / copied.relative_to(root / "myrules" / "2030")
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(copied, target)
        return root / "myrules"

    def test_both_years_compile_and_2031_adds_the_physicians_category(self, tree: Path) -> None:
        rulebooks = compile_tree(TUTORIAL, tree.parent)
        assert [(r.year, [c.id for c in r.categories]) for r in rulebooks] == [
            ("2030", ["nursing"]), ("2031", ["nursing", "physicians"])]

    def test_the_profiles_get_the_verdicts_the_tutorial_states(self, tree: Path) -> None:
        rulebook_2030, rulebook_2031 = compile_tree(TUTORIAL, tree.parent)
        verdicts = {}
        for path in sorted((tree / "profiles").glob("*.yaml")):
            [profile] = read_profiles(path)
            assert profile.data is not None, profile.problems
            facts = facts_from_profile(profile.data)
            verdicts[profile.data["id"]] = {r.category.id: r.verdict.value
                                            for r in evaluate(rulebook_2030, facts, date(2030, 6, 1))}
            if profile.data["id"] == "nadia-nurse":
                later = {r.category.id: r.verdict.value for r in evaluate(rulebook_2031, facts, date(2031, 6, 1))}
                assert later["nursing"] == "eligible"
        assert verdicts == {"nadia-nurse": {"nursing": "eligible"}, "omar-cook": {"nursing": "not_eligible"}}

    def test_the_changes_page_shows_what_the_tutorial_says_it_shows(self, tree: Path) -> None:
        old, new = compile_tree(TUTORIAL, tree.parent)
        page = changes_page(old, new)
        assert "- **Added:** [Physicians](../years/2031/physicians.md) (`physicians`, 3 occupations)" in page
        nursing = page.split("## Nursing occupations")[1].split("\n## ")[0]
        assert "- Continuous full-time work needed in one listed occupation: 6 months → 12 months" in nursing
        assert "- Part-time work equal to that full-time work: 780 hours → 1560 hours" in nursing
        assert "**Occupations:** 3 → 3 (0 added, 0 removed, 0 TEER changes)" in nursing

    def test_the_cli_commands_it_shows_print_what_it_says(self, tree: Path) -> None:
        result = CliRunner().invoke(cli_main, ["check", str(tree)])
        assert result.exit_code == 0, result.output
        assert "checked 2 rulebook(s): no problems" in result.output
        tests = CliRunner().invoke(cli_main, ["test", str(tree)])
        assert tests.exit_code == 0, tests.output
        assert "7 case(s): 7 passed, 0 failed" in tests.output
        formatted = CliRunner().invoke(cli_main, ["fmt", "--check", str(tree)])
        assert formatted.exit_code == 0, formatted.output
        diff = CliRunner().invoke(cli_main, ["diff", str(tree / "2030"), str(tree / "2031")])
        assert diff.exit_code == 0, diff.output
        assert "+ physicians: Physicians" in diff.output
        assert "Continuous full-time work needed in one listed occupation: 6 months → 12 months" in diff.output
