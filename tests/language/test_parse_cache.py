"""The cache of parsed files makes a second process faster and changes nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl import ast_cache
from dsl.parse_tree import parse_text
from dsl.parser import parse
from engine.cli.main import main
from tests.conftest import EXAMPLES, RULES


def every_rule_file() -> list[Path]:
    return sorted(RULES.rglob("*.rules"))


@pytest.mark.parametrize("path", every_rule_file(), ids=lambda p: p.relative_to(RULES).as_posix())
def test_a_cached_module_equals_the_parsed_one_spans_included(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    shown = f"rules/{path.relative_to(RULES).as_posix()}"
    fresh = parse(text, shown)
    cached = ast_cache.load(text, shown)
    assert cached == fresh
    assert cached is not None
    assert [n.span for n in cached.walk()] == [n.span for n in fresh.walk()]


def test_another_text_or_path_is_a_miss() -> None:
    parse('source s "S" "https://example.org"\n', "a.rules")
    assert ast_cache.load('source s "S" "https://example.org"\n', "b.rules") is None
    assert ast_cache.load('source t "S" "https://example.org"\n', "a.rules") is None


def test_a_damaged_entry_is_parsed_again(parse_cache: Path) -> None:
    text = 'source damaged "S" "https://example.org"\n'
    module = parse(text, "d.rules")
    for entry in parse_cache.glob("*.json"):
        if "damaged" in entry.read_text(encoding="utf-8"):
            entry.write_text(json.dumps({"os.system": [[1, 1, 1, 2], "x"]}), encoding="utf-8")
    assert ast_cache.load(text, "d.rules") is None
    assert parse(text, "d.rules") == module


FRENCH = 'rulebook 2025 "T" in force 2025-01-01 until 2025-12-31 cite src\n' \
    'source src "A source" "https://example.org"\n' \
    'constant minimum_french_level "French level needed" cite src = nclc 7\n' \
    'category french "French" cite src {\n' \
    '  eligible when any result in language_tests: result.reading >= minimum_french_level\n' \
    '}\n'


def entry_of(text: str, path: str) -> Path:
    entry = ast_cache._entry(text, path)
    assert entry is not None and entry.is_file()
    return entry


def tamper(entry: Path, old: str, new: str, recompute_digest: bool) -> None:
    """Edit a cached module; with `recompute_digest`, as someone who knows the format would, so the entry's own
    digest agrees with its new content."""
    head, _, module_text = entry.read_text(encoding="utf-8").partition("\n")
    assert old in module_text
    module_text = module_text.replace(old, new)
    document = json.loads(head)
    if recompute_digest:
        document["digest"] = ast_cache._content_digest(document["claims"], module_text)
    entry.write_text(json.dumps(document) + "\n" + module_text, encoding="utf-8")


@pytest.mark.parametrize("recompute_digest", [False, True])
def test_an_edited_entry_is_not_believed_but_rebuilt(recompute_digest: bool) -> None:
    """Editing one cached file once made `check` say "no problems" while `eval` gave other verdicts."""
    path = f"tamper-{recompute_digest}.rules"
    fresh = parse_text(FRENCH, path)
    ast_cache.store(fresh, FRENCH, path)
    entry = entry_of(FRENCH, path)
    tamper(entry, '{"Level":', '{"Level":', recompute_digest)  # untouched: still believed
    assert ast_cache.load(FRENCH, path) == fresh
    tamper(entry, '"nclc",7]', '"nclc",1]', recompute_digest)
    assert ast_cache.load(FRENCH, path) is None
    parse.cache_clear()
    assert parse(FRENCH, path) == fresh
    assert ast_cache.load(FRENCH, path) == fresh  # the bad entry was rewritten


FORGERIES = {
    "a name": ('"minimum_french_level"]}', '"maximum_french_level"]}'),
    "an operator": ('">="', '"<="'),
    "a declaration's name": ('"french","French"', '"stem","French"'),
    "a quantifier": ('"any","result"', '"all","result"'),
    "a citation": ('"src"]}],{"Quantifier"', '"other"]}],{"Quantifier"'),
    "a number": ('"nclc",7]', '"nclc",1]'),
    "a span outside the text": ('[5,17,5,85]', '[9,17,9,85]'),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_every_kind_of_leaf_is_compared_with_the_source(forgery: str) -> None:
    """A forged entry whose digest agrees with its content is still refused when any leaf differs from the text."""
    path = "tamper-spans.rules"
    ast_cache.store(parse_text(FRENCH, path), FRENCH, path)
    old, new = FORGERIES[forgery]
    tamper(entry_of(FRENCH, path), old, new, recompute_digest=True)
    assert ast_cache.load(FRENCH, path) is None


def test_an_entry_claiming_another_source_is_not_believed() -> None:
    path = "claims.rules"
    ast_cache.store(parse_text(FRENCH, path), FRENCH, path)
    entry = entry_of(FRENCH, path)
    head, _, module_text = entry.read_text(encoding="utf-8").partition("\n")
    document = json.loads(head)
    document["claims"]["source"] = ast_cache.source_hash("something else", path)
    document["digest"] = ast_cache._content_digest(document["claims"], module_text)
    entry.write_text(json.dumps(document) + "\n" + module_text, encoding="utf-8")
    assert ast_cache.load(FRENCH, path) is None


def test_check_and_eval_see_the_rules_as_written_after_tampering(tmp_path: Path) -> None:
    folder = tmp_path / "rules" / "tamper"
    folder.mkdir(parents=True)
    (folder / "main.rules").write_text(FRENCH, encoding="utf-8")
    profile = str(EXAMPLES / "julien-nurse-francophone.json")
    command = ["eval", profile, "--rules", str(folder), "--as-of", "2025-06-01", "--explain", "full"]
    before = CliRunner().invoke(main, command).stdout
    shown = f"{folder.as_posix()}/main.rules"
    tamper(entry_of(FRENCH, shown), '"nclc",7]', '"nclc",1]', recompute_digest=True)
    parse.cache_clear()
    assert CliRunner().invoke(main, ["check", str(folder)]).stdout.strip() == "checked 1 rulebook(s): no problems"
    parse.cache_clear()
    after = CliRunner().invoke(main, command).stdout
    assert after == before and "NCLC 7" in after


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RULES_CACHE_DIR", "off")
    parse('source off "S" "https://example.org"\n', "off.rules")
    assert ast_cache.load('source off "S" "https://example.org"\n', "off.rules") is None
