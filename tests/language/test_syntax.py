"""The grammar: every construct parses into the AST node that says what it means, and typical mistakes get the
message written for them."""

from __future__ import annotations

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
