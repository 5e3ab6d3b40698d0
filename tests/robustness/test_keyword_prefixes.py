"""Names that begin with a keyword (`allowance`, `clb_minimum`, `true_value`) are names, not a keyword and a typo."""

from __future__ import annotations

import pytest

from dsl import ast
from dsl.parser import parse


@pytest.mark.parametrize("name", ["allowance", "any_code", "truest", "false_start", "clb_minimum", "nclc_level",
                                  "monthsx", "hours_needed", "points_total"])
def test_a_name_that_begins_with_a_keyword_is_read_as_one_name(name: str) -> None:
    module = parse(f"constant x = {name} and 3 months > {name}\n", "names.rules")
    (constant,) = module.declarations
    assert isinstance(constant, ast.Constant)
    assert constant.value == ast.AllOf((ast.Name(name, span=constant.span), ast.Compare(
        ">", ast.Quantity(3, "months", span=constant.span), ast.Name(name, span=constant.span),
        span=constant.span)), span=constant.span)
