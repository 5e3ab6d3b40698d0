"""Never a traceback: damaged rule files and profiles, fed to `rules check`, `rules fmt` and `rules eval`, give located
diagnostics or valid results within a time bound, lose no profile, and the CLI exits with one of its documented codes.

Rule files are damaged inside a complete copy of the rules tree (any file of any year, or a common file both years
import), in the ways `mutations.py` lists: the slips of an analyst, bad exports, and what a hostile file would try
(very long files, names and lines, thousands of unknown names, definitions that double, long chains, digits of other
scripts). A short, deterministic run in the suite; `HYPOTHESIS_PROFILE=explore` searches afresh, for long runs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
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

# Every rule file of the shipped tree: each is damaged in place, inside a complete copy of the tree, so that the damage
# reaches the checker, the compiler and the evaluator rather than stopping at a missing import.
RULE_FILES = sorted(p.relative_to(RULES).as_posix() for p in RULES.rglob("*.rules"))
YEARS = ("2023", "2025")
# Modest by default so the suite stays fast and deterministic; RULES_FUZZ_EXAMPLES=2000 digs deeper, and
# HYPOTHESIS_PROFILE=explore draws new examples (1,000 per test unless told otherwise).
EXPLORING = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
EXAMPLES_PER_TEST = int(os.environ.get("RULES_FUZZ_EXAMPLES", "1000" if EXPLORING else "30"))
PROPERTY = settings(max_examples=EXAMPLES_PER_TEST, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A command on one damaged file answers within this much processor time (this process's, so that other work on a
# shared machine does not count): a hang detector, not a benchmark (bench/rule_file_limits.py measures).
PER_FILE_SECONDS = 10.0
PROFILES = (EXAMPLES / "amara-software-engineer.yaml", EXAMPLES / "julien-nurse-francophone.json")


@contextmanager
def rules_tree_copy() -> Iterator[Path]:
    """A scratch copy of the whole shipped rules tree: every year and the common files they import."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "rules"
        shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        yield root


def run(*arguments: str) -> Result:
    """A command, in this process, timed: it must answer within `PER_FILE_SECONDS` of processor time."""
    started = time.process_time()
    result = CliRunner().invoke(main, list(arguments), catch_exceptions=True)
    elapsed = time.process_time() - started
    assert elapsed < PER_FILE_SECONDS, f"rules {' '.join(arguments[:2])} took {elapsed:.1f} s"
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
        assert len(diagnostic["message"]) < 2_000, "a message never carries a whole huge value"
    diagnostics: list[dict[str, Any]] = document["diagnostics"]
    return diagnostics


def years_reading(name: str) -> tuple[str, ...]:
    """The rulebooks that read a file: its own year, or every year for a common file."""
    year = name.split("/")[0]
    return (year,) if year in YEARS else YEARS


@PROPERTY
@given(st.sampled_from(RULE_FILES), st.data())
def test_a_damaged_file_in_a_complete_rules_tree_gives_located_diagnostics_or_every_verdict(
        name: str, data: st.DataObject) -> None:
    damaged = data.draw(mutated_rules((RULES / name).read_text(encoding="utf-8")))
    with rules_tree_copy() as root:
        (root / name).write_bytes(damaged)
        for year in years_reading(name):
            checked = run("check", str(root / year), "--format", "json")
            assert_no_traceback(checked, (0, 1))
            diagnostics = assert_located(checked)
            assert (checked.exit_code == 1) == any(d["severity"] == "error" for d in diagnostics)
            evaluated = run("eval", *map(str, PROFILES), "--rules", str(root / year), "--as-of", "2025-06-01",
                            "--format", "json")
            assert_no_traceback(evaluated, (0, 1, 2))
            assert (evaluated.exit_code == 1) == (checked.exit_code == 1), "check and eval read the rules alike"
            if evaluated.exit_code != 1:  # nothing lost: every profile has its verdicts, or its own message
                document = json.loads(evaluated.stdout)
                assert len(document["results"]) + len(document.get("errors", [])) == len(PROFILES)
                for result in document["results"]:
                    assert {c["verdict"] for c in result["categories"]} <= {"eligible", "not_eligible",
                                                                            "undetermined"}
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
        shutil.rmtree(root / "2025" / "tests")
        (root / "2025" / "tests").mkdir()
        (root / "2025" / "tests" / "cases.yaml").write_bytes(damaged)
        result = run("test", str(root / "2025"))
    assert_no_traceback(result, (0, 1))
    assert result.stdout.splitlines()[-1].endswith(" failed")
