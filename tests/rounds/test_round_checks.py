"""The checker on round declarations: groupings that exist, sane numbers, in-force dates, citations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dsl.diagnostics import RuleErrors
from engine.lower.rulebook import Compiler

CATEGORY = """
category french "French" cite src { eligible when count(language_tests) >= 1 }
"""


def _round(body: str, number: int = 1, cite: str = " cite src") -> str:
    return f'round {number} "A round"{cite} {{\n{body}\n}}\n'


GOOD = "held 2025-03-01 grouping category french invitations 500 lowest_crs 480 tie_break 2025-02-01T10:00:00Z"


def _codes(folder: Path) -> list[str]:
    with pytest.raises(RuleErrors) as caught:
        Compiler().compile_folder(folder)
    return [d.code for d in caught.value.diagnostics if d.is_error]


def test_a_well_formed_round_compiles(write_rules: Callable[..., Path]) -> None:
    rulebook, warnings = Compiler().compile_folder(write_rules(CATEGORY + _round(GOOD)))
    assert warnings == ()
    (round_,) = rulebook.rounds
    assert (round_.number, round_.grouping, round_.target, round_.invitations) == (1, "category", "french", 500)


def test_rounds_for_all_candidates_and_one_program_compile(write_rules: Callable[..., Path]) -> None:
    text = _round("held 2025-01-08T14:00:00Z grouping all invitations 5500", 1) + \
        _round("held 2025-01-09 grouping program cec invitations 1350 lowest_crs 542 tie_break 2024-12-07T01:10:06Z", 2)
    rulebook, _ = Compiler().compile_folder(write_rules(text))
    assert [(r.grouping, r.target, r.lowest_crs) for r in rulebook.rounds] == [("all", None, None),
                                                                              ("program", "cec", 542)]


@pytest.mark.parametrize(("body", "code"), [
    (GOOD.replace("category french", "category frnch"), "E150"),
    (GOOD.replace("category french", "program pgwp"), "E151"),
    (GOOD.replace("invitations 500", "invitations 0"), "E152"),
    (GOOD.replace("lowest_crs 480", "lowest_crs 1300"), "E153"),
    (GOOD.replace("tie_break 2025-02-01", "tie_break 2025-04-01"), "E154"),
])
def test_a_round_with_a_wrong_grouping_or_number_is_an_error(write_rules: Callable[..., Path], body: str,
                                                             code: str) -> None:
    assert _codes(write_rules(CATEGORY + _round(body))) == [code]


def test_a_round_without_citation_is_an_error(write_rules: Callable[..., Path]) -> None:
    assert _codes(write_rules(CATEGORY + _round(GOOD, cite=""))) == ["E120"]


def test_a_round_number_declared_twice_is_an_error(write_rules: Callable[..., Path]) -> None:
    assert _codes(write_rules(CATEGORY + _round(GOOD) + _round(GOOD))) == ["E101"]


def test_a_category_round_outside_the_in_force_period_warns_unless_it_names_its_instructions(
        write_rules: Callable[..., Path]) -> None:
    early = GOOD.replace("held 2025-03-01", "held 2024-12-20").replace("2025-02-01T", "2024-12-01T")
    _, warnings = Compiler().compile_folder(write_rules(CATEGORY + _round(early)))
    assert [w.code for w in warnings] == ["W150"]
    acknowledged = early.replace("invitations", 'instructions "2024-1" invitations')
    _, warnings = Compiler().compile_folder(write_rules(CATEGORY + _round(acknowledged, 2)))
    assert warnings == ()


def test_a_program_round_before_the_in_force_period_is_fine(write_rules: Callable[..., Path]) -> None:
    _, warnings = Compiler().compile_folder(write_rules(_round("held 2024-11-01 grouping program pnp invitations 400")))
    assert warnings == ()
