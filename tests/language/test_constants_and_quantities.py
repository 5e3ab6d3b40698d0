"""What the checker accepts, every backend evaluates: constants are fixed values, quantities may have a fraction where
one means something (hours), and a formatted file reads back the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from dsl.diagnostics import RuleErrors
from dsl.format import format_source
from dsl.parser import parse
from engine.lower.rulebook import Compiler
from engine.model.quantities import Hours
from tests.sql.agreement import duckdb_verdicts, python_verdicts

AS_OF = date(2025, 6, 1)


def errors(write_rules: Callable[..., Path], text: str) -> list[tuple[str, str]]:
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(write_rules(text))
    return [(d.code, d.message) for d in caught.value.diagnostics if d.is_error]


def part_timer(hours: float) -> dict[str, object]:
    return {"id": f"{hours} h", "eligible_programs": ["cec"],
            "work_history": [{"noc": "21231", "start": "2025-05-26", "end": "2025-06-01", "hours_per_week": hours}]}


def test_hours_with_a_fraction_evaluate_exactly_in_every_backend(write_rules: Callable[..., Path]) -> None:
    """`30.5 hours` was read as a test score."""
    rulebook, _ = Compiler().compile_folder(write_rules("""
occupations listed "L" cite src { 21231 "Software engineers and designers" teer 1 }
constant weekly "Hours in the week" cite src = 17.5 hours
category c "C" cite src {
  eligible when any code in worked_in(listed): hours_worked(code, within 7 days before as_of) >= weekly
}
"""))
    assert rulebook.constants["weekly"].value == Hours(17.5)
    profiles = [part_timer(17.5), part_timer(17.25)]
    expected = ["eligible", "not_eligible"]
    assert [row["c"] for row in python_verdicts(rulebook, profiles, AS_OF)] == expected
    assert [row["c"] for row in duckdb_verdicts(rulebook, profiles, AS_OF)] == expected


@pytest.mark.parametrize("text", ["30.5 hours", "30.50 hours", "0.25 hours", "1.0 hour"])
def test_a_quantity_with_a_fraction_formats_as_written_and_reads_back_the_same(text: str) -> None:
    source = f'define x "x" cite s = total job in work_history: {text}\n'
    formatted = format_source(source, "t.rules")
    assert text in formatted
    assert parse(formatted, "t.rules") == parse(source, "t.rules")


@pytest.mark.parametrize(("written", "hint"), [
    ("1.5 years", "write 18 months"), ("0.5 weeks", "write a whole number of weeks, or use a smaller unit"),
    ("2.5 months", "write a whole number of months, or use a smaller unit"), ("1.5 weeks", None),
    ("12.5 points", "points are whole: write the number of points without a fraction"),
])
def test_a_fraction_of_a_unit_counted_whole_is_refused(write_rules: Callable[..., Path], written: str,
                                                         hint: str | None) -> None:
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(write_rules(f'constant c "c" cite src = {written}\n'))
    (diagnostic,) = [d for d in caught.value.diagnostics if d.is_error]
    unit = written.split()[1]
    assert (diagnostic.code, diagnostic.message) == \
        ("E309", f"{unit} are counted in whole numbers: {written} has no exact value")
    if hint is not None:
        assert diagnostic.suggestion == hint


@pytest.mark.parametrize("value", ["as_of - 3 years", "count(work_history)", "date_of_birth", "[as_of]",
                                   "in_rule", "1 day + as_of_rule"])
def test_a_constant_that_is_not_a_fixed_value_is_refused(write_rules: Callable[..., Path], value: str) -> None:
    found = errors(write_rules, f"""
define in_rule "r" cite src = true
define as_of_rule "r" cite src = 3 days
constant c "c" cite src = {value}
""")
    assert ("E310", "constant 'c' must be a fixed value, but its value depends on the profile, the as-of date or a "
                    "rule") in found


@pytest.mark.parametrize(("value", "shown"), [
    ("3 years + 1 day", "3 years + 1 day"), ("[a, a]", "6 months, 6 months"), ("a", "6 months"),
    ("780 hours + 0.5 hours", "780 hours + 0.5 hours"), ("10 points - 1 point", "10 points - 1 point"),
])
def test_a_fixed_constant_is_folded_into_one_value(write_rules: Callable[..., Path], value: str, shown: str) -> None:
    rulebook, _ = Compiler().compile_folder(write_rules(f"""
constant a "a" cite src = 6 months
constant b "b" cite src = 2 weeks
constant c "c" cite src = {value}
"""))
    constant = rulebook.constants["c"]
    assert constant.value is not None and constant.text == shown
