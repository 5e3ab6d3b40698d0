"""Never a traceback: damaged rule files and profiles, fed to `rules check`, `rules fmt` and `rules eval`, give located
diagnostics or valid results, and the CLI exits with one of its documented codes."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl.diagnostics import RuleErrors
from dsl.format import format_source
from dsl.parser import parse
from engine.cli.main import main
from tests.conftest import EXAMPLES, RULES
from tests.robustness.mutations import mutated_profiles, mutated_rules

RULE_FILES = sorted(p.relative_to(RULES).as_posix() for p in (RULES / "2025").glob("*.rules")) + \
    ["common/sources.rules"]
# Modest by default so the suite stays fast; RULES_FUZZ_EXAMPLES=2000 digs deeper.
EXAMPLES_PER_TEST = int(os.environ.get("RULES_FUZZ_EXAMPLES", "40"))
PROPERTY = settings(max_examples=EXAMPLES_PER_TEST, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def rules_tree_copy() -> Iterator[Path]:
    """A scratch copy of the 2025 rulebook and the common sources it imports."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "rules"
        (root / "2025").mkdir(parents=True)
        (root / "common").mkdir()
        for name in RULE_FILES:
            shutil.copy(RULES / name, root / name)
        yield root


def run(*arguments: str) -> Result:
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=True)
    return result


def assert_no_traceback(result: Result, allowed: tuple[int, ...]) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}\n{result.output}") \
            from result.exception
    assert result.exit_code in allowed, result.output
    assert "Traceback" not in result.output


def assert_located(result: Result) -> list[dict[str, Any]]:
    document = json.loads(result.stdout)
    for diagnostic in document["diagnostics"]:
        assert diagnostic["file"] and diagnostic["line"] >= 1 and diagnostic["column"] >= 1, diagnostic
        assert diagnostic["code"] and diagnostic["message"], diagnostic
    diagnostics: list[dict[str, Any]] = document["diagnostics"]
    return diagnostics


@PROPERTY
@given(st.sampled_from(RULE_FILES), st.data())
def test_check_and_fmt_of_a_damaged_rule_file_report_located_diagnostics(name: str, data: st.DataObject) -> None:
    damaged = data.draw(mutated_rules((RULES / name).read_text(encoding="utf-8")))
    with rules_tree_copy() as root:
        (root / name).write_bytes(damaged)
        checked = run("check", str(root / "2025"), "--format", "json")
        assert_no_traceback(checked, (0, 1))
        diagnostics = assert_located(checked)
        assert (checked.exit_code == 1) == any(d["severity"] == "error" for d in diagnostics)
        formatted = run("fmt", "--check", str(root / name))
        assert_no_traceback(formatted, (0, 1))
    assert_formatting_keeps_meaning(damaged, name)


def assert_formatting_keeps_meaning(data: bytes, name: str) -> None:
    """No silent wrong answer: when a damaged file still parses, its formatted text means the same."""
    try:
        text = data.decode("utf-8")
        tree = parse(text, name)
    except (UnicodeDecodeError, RuleErrors):
        return
    formatted = format_source(text, name)
    assert parse(formatted, name) == tree
    assert format_source(formatted, name) == formatted


@PROPERTY
@given(st.sampled_from(RULE_FILES), st.data())
def test_eval_with_a_damaged_rulebook_gives_diagnostics_or_verdicts(name: str, data: st.DataObject) -> None:
    damaged = data.draw(mutated_rules((RULES / name).read_text(encoding="utf-8")))
    with rules_tree_copy() as root:
        (root / name).write_bytes(damaged)
        result = run("eval", str(EXAMPLES / "amara-software-engineer.yaml"), "--rules", str(root / "2025"),
                     "--as-of", "2025-06-01", "--format", "json")
        assert_no_traceback(result, (0, 1))
        if result.exit_code == 0:  # a damaged file may still be a valid rulebook, with fewer categories
            categories = json.loads(result.stdout)["results"][0]["categories"]
            assert {c["verdict"] for c in categories} <= {"eligible", "not_eligible", "undetermined"}


BASE_PROFILE: dict[str, Any] = yaml.safe_load((EXAMPLES / "amara-software-engineer.yaml").read_text("utf-8"))
BASE_PROFILE = json.loads(json.dumps(BASE_PROFILE, default=str))  # dates as text, as in a JSON profile


@PROPERTY
@given(st.data())
def test_eval_of_a_damaged_profile_gives_json_paths_or_verdicts(data: st.DataObject) -> None:
    profile = data.draw(mutated_profiles(BASE_PROFILE))
    as_yaml = data.draw(st.booleans())  # YAML keeps keys that are numbers, JSON turns them into text
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / ("profile.yaml" if as_yaml else "profile.json")
        text = yaml.safe_dump(profile) if as_yaml else json.dumps(profile)
        path.write_text(text, encoding="utf-8")
        result = run("eval", str(path), "--year", "2025", "--as-of", "2025-06-01", "--format", "json")
    assert_no_traceback(result, (0, 2))
    document = json.loads(result.stdout)
    if result.exit_code == 2:
        problems = document["errors"][0]["problems"]
        assert problems and all(p["path"].startswith("$") for p in problems)
    else:
        verdicts = {c["verdict"] for c in document["results"][0]["categories"]}
        assert verdicts <= {"eligible", "not_eligible", "undetermined"}


CASES = RULES / "2025" / "tests" / "categories.yaml"


@PROPERTY
@given(st.data())
def test_rules_test_on_a_damaged_case_file_reports_failed_cases(data: st.DataObject) -> None:
    damaged = data.draw(mutated_rules(CASES.read_text(encoding="utf-8")))
    with rules_tree_copy() as root:
        (root / "2025" / "tests").mkdir()
        (root / "2025" / "tests" / "cases.yaml").write_bytes(damaged)
        result = run("test", str(root / "2025"))
    assert_no_traceback(result, (0, 1))
    assert result.stdout.splitlines()[-1].endswith(" failed")
