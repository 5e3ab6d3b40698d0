"""The checker's own work is bounded, whatever the file: suggestions, rendered lines, the number of diagnostics shown,
and what a rule costs once written out in full (explanations, diffs and the SQL backend write rules out)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl.checker import LARGE_EXPANSION, MAX_EXPANDED_DEPTH, MAX_EXPANSION
from dsl.diagnostics import EXCERPT_WIDTH, MAX_PER_FILE, MAX_SUGGESTED_LENGTH, RuleErrors, closest, render_each
from engine.cli.main import main
from engine.lower.rulebook import Compiler
from engine.model.profile import validate
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "amara-software-engineer.yaml")


class TestSuggestions:
    def test_a_name_longer_than_any_known_name_gets_no_search(self) -> None:
        """A 500 KB unknown name once took 31 s of edit distances."""
        assert closest("x" * (MAX_SUGGESTED_LENGTH + 1), ["x" * MAX_SUGGESTED_LENGTH]) is None
        assert closest("n" * 500_000, ["in_pool", "n" * 10]) is None

    def test_the_nearest_name_of_a_near_length_is_suggested(self) -> None:
        names = ["experience_window", "minimum_continuous_experience", "in_pool", "french_tests"]
        assert closest("experence_window", names) == "experience_window"
        assert closest("in_pol", names) == "in_pool"
        assert closest("fernch_tests", names) == "french_tests"  # two letters swapped count as one edit
        assert closest("something_else", names) is None

    def test_an_unknown_field_of_a_profile_with_a_huge_name_is_named_quickly(self) -> None:
        profile = validate({"id": "a", "w" * 1_000_000: 1}, "p")
        assert profile.data is None and len(profile.problems) == 1


class TestReports:
    def test_a_long_line_is_clipped_around_the_caret(self, write_rules: Callable[..., Path]) -> None:
        line = "define d cite src = " + " and ".join(["true"] * 4000) + " and nowhere and " + \
            " and ".join(["true"] * 4000) + "\n"
        with pytest.raises(RuleErrors) as caught:
            Compiler().compile_folder(write_rules(line))
        rendered = caught.value.render()
        excerpt, caret = rendered.splitlines()[1:3]
        assert len(excerpt) <= EXCERPT_WIDTH + 12
        assert excerpt.index("nowhere") == caret.index("^")
        assert excerpt.startswith("    3 | …") and excerpt.endswith("…")

    def test_at_most_a_hundred_diagnostics_are_shown_per_file_and_the_rest_counted(
            self, write_rules: Callable[..., Path]) -> None:
        """A 140 KB one-line file with 20,000 unknown names once took 82 s and 8.4 GB to report."""
        names = " and ".join(f"unknown_{i}" for i in range(3000))
        folder = write_rules(f"define d cite src = {names}\n")
        result = CliRunner().invoke(main, ["check", str(folder)])
        assert result.exit_code == 1
        assert result.stdout.strip() == "checked 1 rulebook(s): 3,000 errors, 0 warnings, 0 info"
        assert result.stderr.count(": E201: unknown name") == MAX_PER_FILE
        assert f"I099 (info): and 2,900 more in this file, not shown (at most {MAX_PER_FILE} are shown per file)" \
            in result.stderr
        document = json.loads(CliRunner().invoke(main, ["check", str(folder), "--format", "json"]).stdout)
        assert len(document["diagnostics"]) == MAX_PER_FILE + 1
        assert document["counts"]["error"] == 3000

    def test_a_control_character_in_a_line_is_shown_as_one_mark(self) -> None:
        from dsl.ast import Span
        from dsl.diagnostics import Diagnostic
        (rendered,) = render_each([Diagnostic("E001", "m", Span("f", 1, 3, 1, 4))], {"f": "ab\x1bcd\n"})
        assert rendered.splitlines()[1] == "    1 | ab\N{REPLACEMENT CHARACTER}cd"


def doubling(levels: int) -> str:
    lines = ['define bomb_0 "d" cite src = count(work_history) >= 1']
    lines += [f'define bomb_{i} "d" cite src = bomb_{i - 1} and bomb_{i - 1}' for i in range(1, levels + 1)]
    return "\n".join([*lines, f'category c "C" cite src {{ eligible when bomb_{levels} }}']) + "\n"


def chain(length: int, reverse: bool = False) -> str:
    lines = ['define link_0(jobs: count) "d" cite src = jobs >= 1']
    lines += [f'define link_{i}(jobs: count) "d" cite src = link_{i - 1}(jobs)' for i in range(1, length + 1)]
    if reverse:
        lines.reverse()
    return "\n".join([*lines, f'category c "C" cite src {{ eligible when link_{length}(count(work_history)) }}\n'])


class TestCostOfRules:
    def test_definitions_that_double_at_each_level_are_refused_before_anything_runs(
            self, write_rules: Callable[..., Path]) -> None:
        """24 levels of `d(n) = d(n-1) and d(n-1)` made `rules eval` write 462 MB of explanation."""
        with pytest.raises(RuleErrors) as caught:
            Compiler().compile_folder(write_rules(doubling(24)))
        errors = [d for d in caught.value.diagnostics if d.is_error]
        assert [d.code for d in errors] == ["E141"]
        assert errors[0].message.startswith("definition 'bomb_18', written out with the definitions and constants it "
                                            f"uses, holds more than {MAX_EXPANSION:,} parts")

    def test_a_large_expansion_is_a_warning_and_still_evaluates(self, write_rules: Callable[..., Path]) -> None:
        rulebook, warnings = Compiler().compile_folder(write_rules(doubling(13)))
        (large,) = [d for d in warnings if d.code == "W405"]
        assert large.message == "definition 'bomb_12', written out with the definitions and constants it uses, holds " \
            "28,669 parts: its explanations will be long and slow to write"
        assert LARGE_EXPANSION < 28_669
        result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(write_rules(doubling(13))),
                                           "--as-of", "2025-06-01", "--explain", "summary"])
        assert result.exit_code == 0 and "C [c]: eligible" in result.stdout
        assert rulebook.categories[0].id == "c"

    @pytest.mark.parametrize("reverse", [False, True])
    def test_a_chain_deeper_than_a_walk_can_go_is_refused_in_either_order(
            self, write_rules: Callable[..., Path], reverse: bool) -> None:
        """A chain of 200 definitions each using the next crashed the checker (written last to first) and the
        evaluator with RecursionError."""
        with pytest.raises(RuleErrors) as caught:
            Compiler().compile_folder(write_rules(chain(300, reverse)))
        errors = [d for d in caught.value.diagnostics if d.is_error]
        assert [d.code for d in errors] == ["E142"]
        assert errors[0].message == (f"definition 'link_{MAX_EXPANDED_DEPTH - 1}', written out with the definitions "
                                     f"and constants it uses, is {MAX_EXPANDED_DEPTH + 1} levels deep; the limit is "
                                     f"{MAX_EXPANDED_DEPTH}")

    @pytest.mark.parametrize("output", ["text", "json", "markdown"])
    def test_a_chain_just_within_the_limit_evaluates_in_every_format(
            self, write_rules: Callable[..., Path], output: str) -> None:
        folder = write_rules(chain(MAX_EXPANDED_DEPTH - 3, reverse=True))
        result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(folder), "--as-of", "2025-06-01",
                                           "--format", output])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == 0
