"""Each limit has its own message through the CLI: file size, nesting depth, number size, evaluation work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from dsl.checker import MAX_DAYS, MAX_DURATION_YEARS, MAX_MONTHS
from dsl.loader import MAX_FILE_BYTES
from dsl.parse_tree import MAX_DIGITS, MAX_NESTING
from engine.cli.main import main
from engine.eval.traced import MAX_STEPS
from engine.model.quantities import Duration
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "amara-software-engineer.yaml")


def check(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr


def test_a_rule_file_over_the_size_limit_is_refused_with_its_size(write_rules: Callable[..., Path]) -> None:
    folder = write_rules({"main.rules": "", "big.rules": "# padding\n" * (MAX_FILE_BYTES // 10 + 1)})
    code, output = check(folder)
    assert code == 1
    assert f"E005: '{folder.as_posix()}/big.rules' is 1,000,010 bytes; a rule file may be at most 1,000,000" \
        in output
    formatted = CliRunner().invoke(main, ["fmt", "--check", str(folder / "big.rules")])
    assert formatted.exit_code == 1 and "E005" in formatted.stderr


def test_rules_nested_deeper_than_the_limit_are_refused_with_the_depth(write_rules: Callable[..., Path]) -> None:
    condition = "not " * (MAX_NESTING + 20) + "true"
    code, output = check(write_rules(f'category c "C" cite src {{ eligible when {condition} }}\n'))
    assert code == 1
    assert f"main.rules:3:433: E004: the rules are nested 123 levels deep; the limit is {MAX_NESTING}" in output
    assert "split the condition into named definitions" in output


def test_deep_nesting_within_the_limit_is_fine(write_rules: Callable[..., Path]) -> None:
    condition = "not " * 40 + "true"
    assert check(write_rules(f'category c "C" cite src {{ eligible when {condition} }}\n'))[0] == 0


def test_a_huge_number_is_a_located_diagnostic_not_an_overflow(write_rules: Callable[..., Path]) -> None:
    folder = write_rules('constant forever "f" cite src = 99999999999999999999 months\n')
    code, output = check(folder)
    assert code == 1
    assert (f"main.rules:3:33: E007: the number 99999999999999999999 is too large; numbers in rules have at most "
            f"{MAX_DIGITS} digits") in output
    code, output = check(write_rules('constant forever "f" cite src = ' + "9" * 5000 + " months\n"))
    assert code == 1 and "(5000 digits) is too large" in output


def test_the_largest_numbers_allowed_still_evaluate(write_rules: Callable[..., Path]) -> None:
    folder = write_rules(f"""
occupations any_code "A" cite src {{ 21231 "Software engineers and designers" teer 1 }}
constant forever "f" cite src = {MAX_DURATION_YEARS} years
constant huge "h" cite src = 999999999 hours
category c "C" cite src {{
  eligible when any code in worked_in(any_code): hours_worked(code, within forever before as_of) >= huge
}}
""")
    result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(folder), "--as-of", "2025-06-01"])
    assert result.exit_code == 0, result.output
    assert "C [c]: not eligible" in result.stdout
    assert Duration(MAX_DURATION_YEARS * 12).before(date(2025, 6, 1)) == date(1825, 6, 2)
    assert Duration(999_999_999 * 12).before(date(2025, 6, 1)) == date.min


def test_a_duration_past_what_the_calendar_holds_is_refused_at_check_time(write_rules: Callable[..., Path]) -> None:
    """`as_of - 999999999 days` once crashed the evaluator while DuckDB answered: now the checker refuses it."""
    for written in ("999999999 days", f"{MAX_DURATION_YEARS + 1} years", f"{MAX_MONTHS + 1} months",
                    f"{MAX_DAYS // 7 + 1} weeks", f"{MAX_DAYS + 1} days"):
        code, output = check(write_rules(f'constant far "f" cite src = {written}\n'
                                         f'category c "C" cite src {{ eligible when date_of_birth >= as_of - far }}\n'))
        assert code == 1 and "E308" in output, written
        assert f"durations are at most {MAX_DURATION_YEARS} years" in output
    code, output = check(write_rules(f'constant far "f" cite src = {MAX_DURATION_YEARS} years + {MAX_DAYS} days\n'
                                     f'constant farther "f" cite src = far + far\n'
                                     f'category c "C" cite src {{ eligible when date_of_birth >= as_of - farther }}\n'))
    assert code == 1 and "main.rules:4:33: E308: the duration 4,800 months and 146,096 days is longer" in output


def test_a_date_moved_off_the_calendar_stops_that_profile_with_its_own_message(
        write_rules: Callable[..., Path]) -> None:
    folder = write_rules(f'constant far "f" cite src = {MAX_DURATION_YEARS} years\n'
                         f'category c "C" cite src {{ eligible when date_of_birth >= as_of - far }}\n')
    result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(folder), "--as-of", "0150-06-01"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert "$: 0150-06-01 moved by 200 years before it is off the calendar (years 1 to 9999)" in result.stderr


def test_evaluation_that_would_do_too_much_work_stops_with_its_own_message(write_rules: Callable[..., Path]) -> None:
    many = ", ".join(str(n) for n in range(100))
    folder = write_rules(f"""
constant many "m" cite src = [{many}]
category c "C" cite src {{ eligible when any a in many: any b in many: any c in many: a + b + c == 1000 }}
""")
    result = CliRunner().invoke(main, ["eval", PROFILE, "--rules", str(folder), "--as-of", "2025-06-01"])
    assert result.exit_code == 2
    assert f"$: evaluation stopped after {MAX_STEPS:,} steps" in result.stderr


def test_a_rule_file_that_is_not_utf8_is_located_at_the_bad_byte(write_rules: Callable[..., Path]) -> None:
    folder = write_rules({"main.rules": "", "latin1.rules": ""})
    (folder / "latin1.rules").write_bytes(b'# caf\xe9\n')
    code, output = check(folder)
    assert code == 1
    assert "latin1.rules:1:6: E006: byte 5 is not UTF-8 text" in output
