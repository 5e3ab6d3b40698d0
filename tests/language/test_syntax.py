"""The grammar: every construct parses into the AST node that says what it means, and typical mistakes get the
message written for them."""

from __future__ import annotations

import decimal
from datetime import date

import pytest

from dsl import ast
from dsl.diagnostics import RuleErrors
from dsl.parser import parse
from dsl.syntax_errors import EXAMPLES, HEADER


def expression(text: str) -> ast.Expr:
    module = parse(f'define x "x" cite s = {text}\n', "t.rules")
    definition = module.declarations[0]
    assert isinstance(definition, ast.Define)
    return definition.body


def at(module: ast.Module, index: int) -> ast.Declaration:
    return module.declarations[index]


class TestDeclarations:
    def test_rulebook_header(self) -> None:
        header = at(parse('rulebook 2025 "Title" in force 2025-02-27 until 2026-02-17 cite a, b', "t"), 0)
        assert header == ast.RulebookHeader("2025", "Title", date(2025, 2, 27), date(2026, 2, 17),
                                            (ast.Citation("a", span=header.span), ast.Citation("b", span=header.span)),
                                            span=header.span)

    def test_source_import_and_constant(self) -> None:
        module = parse('import "../common/sources.rules"\nsource s "T" "https://x"\n'
                       'constant window "How far back" cite s = 3 years', "t")
        assert at(module, 0) == ast.Import("../common/sources.rules", span=module.span)
        assert at(module, 1) == ast.Source("s", "T", "https://x", span=module.span)
        constant = at(module, 2)
        assert isinstance(constant, ast.Constant)
        assert (constant.description, constant.value) == ("How far back", ast.Quantity(3, "years", span=module.span))

    def test_occupation_list_keeps_codes_as_written(self) -> None:
        table = at(parse('occupations l "L" cite s {\n  00012 "Senior managers" teer 0\n}', "t"), 0)
        assert isinstance(table, ast.OccupationTable)
        assert [(r.code, r.title, r.teer) for r in table.rows] == [("00012", "Senior managers", 0)]

    def test_definition_with_parameters_and_a_multi_line_description(self) -> None:
        definition = at(parse('define f(list: occupations, least: duration)\n  "Line one\n   line two"\n'
                              '  cite s\n  = true', "t"), 0)
        assert isinstance(definition, ast.Define)
        assert [p.type_name for p in definition.parameters] == ["occupations", "duration"]
        assert definition.description == "Line one line two"

    def test_category(self) -> None:
        category = at(parse('category stem "STEM" cite s { eligible when true }', "t"), 0)
        assert isinstance(category, ast.Category)
        assert (category.name, category.title, category.condition) == \
            ("stem", "STEM", ast.Boolean(True, span=category.span))

    def test_comments_are_ignored(self) -> None:
        assert parse("# nothing but a comment\n", "t").declarations == ()


class TestExpressions:
    def test_quantities_keep_their_unit_in_the_plural(self) -> None:
        assert expression("1 month") == ast.Quantity(1, "months", span=expression("1 month").span)
        assert isinstance(expression("780 hours"), ast.Quantity)

    def test_levels(self) -> None:
        level = expression("nclc 7")
        assert isinstance(level, ast.Level) and (level.scale, level.value) == ("nclc", 7)

    def test_literals(self) -> None:
        assert isinstance(expression("2025-02-27"), ast.DateLiteral)
        assert isinstance(expression("2023-07-05T13:00:00Z"), ast.DateTimeLiteral)
        assert isinstance(expression('"text"'), ast.Text)
        assert isinstance(expression("42"), ast.Integer)
        assert isinstance(expression('["a", "b"]'), ast.ListLiteral)

    def test_and_binds_tighter_than_or(self) -> None:
        tree = expression("a or b and c")
        assert isinstance(tree, ast.AnyOf) and isinstance(tree.operands[1], ast.AllOf)

    def test_not_binds_tighter_than_and(self) -> None:
        tree = expression("not a and b")
        assert isinstance(tree, ast.AllOf) and isinstance(tree.operands[0], ast.Not)

    def test_comparisons_membership_and_arithmetic(self) -> None:
        assert isinstance(expression("a >= 6 months"), ast.Compare)
        member = expression('a not in ["x"]')
        assert isinstance(member, ast.Membership) and member.negated
        assert isinstance(expression("a + b >= c"), ast.Compare)

    def test_field_and_call(self) -> None:
        call = expression("f(x.noc, within 3 years before as_of)")
        assert isinstance(call, ast.Call)
        assert isinstance(call.arguments[0], ast.Field) and isinstance(call.arguments[1], ast.Window)

    def test_a_quantifier_body_extends_to_the_end(self) -> None:
        tree = expression("any j in jobs where j.noc in l: a or b")
        assert isinstance(tree, ast.Quantifier)
        assert isinstance(tree.where, ast.Membership) and isinstance(tree.body, ast.AnyOf)

    def test_a_quantifier_can_close_a_conjunction(self) -> None:
        tree = expression("in_pool and any t in tests: t.writing >= clb 7")
        assert isinstance(tree, ast.AllOf) and isinstance(tree.operands[1], ast.Quantifier)

    def test_otherwise_and_conditional(self) -> None:
        assert isinstance(expression("a otherwise b"), ast.Otherwise)
        assert isinstance(expression("if a then b else c"), ast.Conditional)

    def test_every_node_has_a_span(self) -> None:
        tree = expression("any j in jobs: j.hours >= 30 hours")
        assert all(node.span.line == 1 for node in tree.walk())


@pytest.mark.parametrize(("message", "snippet"),
                         [(m, s) for m, (_, snippets) in EXAMPLES.items() for s in snippets])
def test_each_typical_mistake_gets_its_message(message: str, snippet: str) -> None:
    with pytest.raises(RuleErrors) as caught:
        parse(HEADER + snippet, "t.rules")
    assert caught.value.diagnostics[0].message == message


@pytest.mark.parametrize("connective", ["and", "or"])
def test_a_connective_written_twice_is_named_with_the_missing_condition(connective: str) -> None:
    snippet = f'category c "C" cite a {{ eligible when in_pool {connective} {connective} french_proficiency }}\n'
    with pytest.raises(RuleErrors) as caught:
        parse(HEADER + snippet, "t.rules")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.message == f"'{connective}' is written twice: a condition is missing between them"
    assert diagnostic.suggestion == f"remove one '{connective}', or write the missing condition between them"


def test_the_caret_of_a_doubled_connective_points_at_the_second_one() -> None:
    snippet = 'category c "C" cite a { eligible when in_pool and and french_proficiency }\n'
    with pytest.raises(RuleErrors) as caught:
        parse(HEADER + snippet, "t.rules")
    span = caught.value.diagnostics[0].span
    assert (span.line, span.column, span.end_column) == (2, 51, 54)
    assert snippet[span.column - 1:span.end_column - 1] == "and"



@pytest.mark.parametrize("operator", ["and", "or", ">=", "otherwise"])
def test_the_caret_of_a_missing_operand_is_under_the_operator_that_lacks_it(operator: str) -> None:
    snippet = f'define d "D" cite a = crs {operator}\n'
    with pytest.raises(RuleErrors) as caught:
        parse(HEADER + snippet, "t.rules")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == "a condition is missing after this operator"
    assert diagnostic.span.line == 2
    assert snippet[diagnostic.span.column - 1:diagnostic.span.end_column - 1] == operator


@pytest.mark.parametrize("connective", ["and", "or"])
def test_a_doubled_connective_before_a_name_beginning_with_in_is_named_not_misread(connective: str) -> None:
    # `and in_pool` once read as the keyword `in` followed by the name `_pool`, and the rule "parsed".
    snippet = f'category c "C" cite a {{ eligible when french_proficiency {connective} {connective} in_pool }}\n'
    with pytest.raises(RuleErrors) as caught:
        parse(HEADER + snippet, "t.rules")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.message == f"'{connective}' is written twice: a condition is missing between them"
    assert snippet[diagnostic.span.column - 1:diagnostic.span.end_column - 1] == connective


@pytest.mark.parametrize("name", ["orange", "android", "notable", "inland"])
def test_a_name_that_begins_with_a_keyword_is_one_name(name: str) -> None:
    rulebook = parse(HEADER + f'define {name} "A name" cite a = in_pool and {name}_too\n', "t.rules")
    assert [d.name for d in rulebook.declarations if hasattr(d, "name")][-1] == name

class TestUnclosedTexts:
    """A text whose closing quote is missing is named where it opens, not where the parser stops lines later."""

    RUNAWAY = ('constant minimum_continuous_experience "Continuous full-time work needed in one listed occupation\n'
               "  cite src\n"
               "  = 6 months\n"
               "\n"
               'constant minimum_part_time_hours "Part-time work that equals 6 months of full-time work"\n'
               "  cite src\n"
               "  = 780 hours\n")

    def test_a_text_that_runs_on_into_the_next_declaration(self) -> None:
        with pytest.raises(RuleErrors) as caught:
            parse(HEADER + self.RUNAWAY, "t.rules")
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.code == "E009"
        assert diagnostic.message == "this text in quotes is not closed: it runs on to the next double quote, on line 6"
        assert (diagnostic.span.line, diagnostic.span.column) == (2, 40)  # the opening quote

    def test_a_text_never_closed_before_the_end_of_the_file(self) -> None:
        with pytest.raises(RuleErrors) as caught:
            parse(HEADER + 'source s "Title" "https://example.org\n', "t.rules")
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.code == "E009"
        assert diagnostic.message == "this text in quotes is never closed"
        assert (diagnostic.span.line, diagnostic.span.column) == (2, 18)

    def test_a_text_over_several_lines_closed_on_purpose_is_fine(self) -> None:
        module = parse(HEADER + 'define x\n  "A text\n   over lines" cite s = true\n', "t.rules")
        definition = at(module, 1)
        assert isinstance(definition, ast.Define) and definition.description == "A text over lines"


class TestDigits:
    @pytest.mark.parametrize(("digit", "name"), [("\U0001d7ce", "MATHEMATICAL BOLD DIGIT ZERO"),
                                                 ("\uff10", "FULLWIDTH DIGIT ZERO"),
                                                 ("\u0660", "ARABIC-INDIC DIGIT ZERO")])
    def test_a_digit_of_another_script_is_named(self, digit: str, name: str) -> None:
        """`\\d` once let an occupation code in mathematical digits through; it never matched a profile."""
        with pytest.raises(RuleErrors) as caught:
            parse(HEADER + f'occupations s "S" cite a {{ 2122{digit} "Cyber" teer 1 }}\n', "t.rules")
        (diagnostic,) = caught.value.diagnostics
        assert diagnostic.code == "E008"
        assert diagnostic.message.startswith(f"{digit!r} ({name}) is not a digit the rules read")
        assert diagnostic.suggestion == "write 0"
        assert (diagnostic.span.line, diagnostic.span.column) == (2, 32)  # the digit after 2122

    def test_dates_and_decimals_take_ascii_digits_only(self) -> None:
        for text in ("2025-0\uff11-01", "6.\uff15"):
            with pytest.raises(RuleErrors) as caught:
                parse(HEADER + f"define x cite a = {text}\n", "t.rules")
            assert caught.value.diagnostics[0].code == "E008"


class TestDecimalQuantities:
    def test_hours_take_a_fraction_kept_as_written(self) -> None:
        quantity = expression("30.50 hours")
        assert quantity == ast.Quantity(decimal.Decimal("30.50"), "hours", span=quantity.span)
        assert isinstance(quantity, ast.Quantity) and str(quantity.amount) == "30.50"

    def test_a_whole_quantity_stays_a_whole_number(self) -> None:
        quantity = expression("780 hours")
        assert quantity == ast.Quantity(780, "hours", span=quantity.span)
        assert isinstance(quantity, ast.Quantity) and isinstance(quantity.amount, int)

    def test_a_decimal_bare_number_is_still_a_test_score(self) -> None:
        score = expression("6.5")
        assert score == ast.Decimal("6.5", span=score.span)

    def test_decimals_have_at_most_nine_digits_each_side(self) -> None:
        with pytest.raises(RuleErrors) as caught:
            parse(HEADER + "define x cite a = 30.1234567891 hours\n", "t.rules")
        assert caught.value.diagnostics[0].code == "E007"
        assert "too many digits after the point" in caught.value.diagnostics[0].message
