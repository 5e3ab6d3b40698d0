"""Descriptions that name constants show their values everywhere, never drift from them, and say so when they do."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl.checker import check
from dsl.diagnostics import RuleErrors
from dsl.lint import lint
from dsl.loader import load_folder
from engine.cli.main import main
from engine.lower.rulebook import Compiler
from engine.model.facts import PRELUDE
from tests.conftest import EXAMPLES, RULES

PROFILE = str(EXAMPLES / "amara-software-engineer.yaml")


def copy_of_the_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "tests"))
    return root


def set_minimum_experience(root: Path, value: str) -> None:
    eligibility = root / "2025" / "eligibility.rules"
    text = eligibility.read_text(encoding="utf-8")
    text = re.sub(r"(constant minimum_continuous_experience .*?\n  = )[^\n]+", rf"\g<1>{value}", text, count=1,
                  flags=re.DOTALL)
    eligibility.write_text(text, encoding="utf-8")


def test_a_named_constant_is_shown_with_its_value_in_the_explanation(tmp_path: Path) -> None:
    """The defect: set the minimum to 12 months and the explanation still read "At least 6 months"."""
    root = copy_of_the_rules(tmp_path)
    set_minimum_experience(root, "12 months")
    assert "At least 1 year of continuous" in CliRunner().invoke(
        main, ["eval", PROFILE, "--rules", str(root / "2025"), "--as-of", "2025-06-01"]).stdout
    set_minimum_experience(root, "9 months")
    result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(root / "2025"), "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert "At least 9 months of continuous full-time work, or 780 hours of part-time work" in result.stdout
    assert "At least 6 months" not in result.stdout
    shown = CliRunner().invoke(main, ["show", "--rules", str(root / "2025"), "--format", "json"])
    assert "At least 9 months of continuous" in json.loads(shown.stdout)["categories"][1]["rule"]


def test_the_shipped_descriptions_read_as_before_from_their_constants() -> None:
    rulebook = Compiler().compile_year("2025", RULES)[0]
    assert rulebook.rules["experience_in"].description == (
        "At least 6 months of continuous full-time work, or 780 hours of part-time work, in one occupation on the "
        "list, within the 3 years before the round, in Canada or abroad")
    assert rulebook.constants["full_time_year"].description == \
        "One year of full-time work: 1,560 hours (30 hours a week)"
    assert rulebook.rules["french_proficiency"].description is not None
    assert rulebook.rules["french_proficiency"].description.startswith("A TEF Canada or TCF Canada result at NCLC 7 ")
    source = (RULES / "2025" / "eligibility.rules").read_text(encoding="utf-8")
    assert "At least {minimum_continuous_experience} of continuous" in source


@pytest.mark.parametrize(("named", "message"), [
    ("minimum_experiense", "'{minimum_experiense}' in a description names no constant"),
    ("in_pool", "'{in_pool}' in a description names definition 'in_pool'; a description shows the values of "
                "constants only"),
    ("work_history", "'{work_history}' in a description names the fact 'work_history'"),
])
def test_a_name_in_braces_that_is_no_constant_is_an_error_where_it_is_written(
        write_rules: Callable[..., Path], named: str, message: str) -> None:
    folder = write_rules(f"""
constant minimum_experience "m" cite src = 6 months
define in_pool "In the pool" cite src = count(eligible_programs) >= 1
category c "C" cite src {{ eligible when rule }}
define rule "At least {{{named}}} of work" cite src = in_pool
""")
    with pytest.raises(RuleErrors) as caught:
        check(load_folder(folder), PRELUDE)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "E209" and diagnostic.message.startswith(message)
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 23)
    if named == "minimum_experiense":
        assert diagnostic.suggestion == "did you mean 'minimum_experience'?"


def test_a_written_number_that_contradicts_the_constant_is_a_lint(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "tests"))
    eligibility = root / "2025" / "eligibility.rules"
    text = eligibility.read_text(encoding="utf-8").replace("{minimum_continuous_experience} of continuous",
                                                           "6 months of continuous")
    eligibility.write_text(text, encoding="utf-8")
    checked = check(load_folder(root / "2025"), PRELUDE)
    assert [d.code for d in lint(checked)] == []  # 6 months written, and the constant is 6 months: in agreement
    set_minimum_experience(root, "12 months")
    findings = [d for d in lint(check(load_folder(root / "2025"), PRELUDE)) if d.code == "W404"]
    assert [d.message for d in findings] == [
        "the description of definition 'experience_in' says '6 months', but the constant "
        "'minimum_continuous_experience' it restates is 12 months"]
    assert findings[0].suggestion == "name the value instead of writing it out: {minimum_continuous_experience}"


def test_rates_and_other_measures_in_a_description_are_not_taken_for_the_constant(
        write_rules: Callable[..., Path]) -> None:
    folder = write_rules("""
constant part_time "Part-time work that equals 6 months of full-time work (30 hours a week)" cite src = 780 hours
constant level "At least CLB/NCLC 7 in all four abilities" cite src = clb 7
constant stale "At least CLB 9 in all four abilities" cite src = clb 7
category c "C" cite src { eligible when (total job in work_history: part_time) >= part_time and level >= stale }
""")
    findings = [d.message for d in lint(check(load_folder(folder), PRELUDE)) if d.code == "W404"]
    assert findings == ["the description of constant 'stale' says 'CLB 9', but the constant 'stale' it restates is "
                        "clb 7"]
