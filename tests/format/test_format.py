"""`rules fmt`: one canonical layout that keeps every comment, never changes meaning, and is idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import ast
from dsl.diagnostics import RuleErrors
from dsl.format import WIDTH, format_source, scan_comments
from dsl.parser import parse
from engine.cli.main import main
from tests.conftest import ROOT, RULES

SPAN = ast.Span("generated.rules", 1, 1, 1, 1)


def parses(path: Path) -> bool:
    try:
        parse(path.read_text(encoding="utf-8"), path.name)
    except (RuleErrors, UnicodeDecodeError):
        return False
    return True


RULE_FILES = sorted(RULES.rglob("*.rules"))
FIXTURES = sorted(p for p in (ROOT / "tests").rglob("*.rules") if parses(p))


def ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in paths]


@pytest.mark.parametrize("path", RULE_FILES + FIXTURES, ids=ids(RULE_FILES + FIXTURES))
def test_every_rule_file_and_fixture_keeps_its_meaning_and_formats_once_for_all(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_source(text, "file.rules")
    assert parse(formatted, "file.rules") == parse(text, "file.rules")
    assert format_source(formatted, "file.rules") == formatted
    assert [c.text for c in scan_comments(formatted)] == [c.text for c in scan_comments(text)]


@pytest.mark.parametrize("path", RULE_FILES, ids=ids(RULE_FILES))
def test_the_shipped_rule_files_are_in_the_canonical_layout(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert format_source(text, path.name) == text


MESSY = """\
# The header of the file.

# A second paragraph.
import "../common/sources.rules"   # where the sources are
rulebook 2025 "T # not a comment" in force 2025-01-01 until 2025-12-31 cite src # header
source src "A source" "https://example.org/#fragment"
occupations stem "STEM" cite src {
  # leading row comment
  21220 "Cybersecurity specialists" teer 1 # trailing row comment
 21300 "Civil engineers" teer 1
 # after the last row
}
define recent(list: occupations) # after the head
  "Six months in
     a listed occupation"
  cite src = any code in worked_in(list):
    # about the first way
    continuous_full_time(code, within 3 years before as_of) >= 6 months # first way
    or hours_worked(code, within 3 years before as_of) >= 780 hours
category stem_category "STEM" cite src { eligible when recent(stem) and (any t in language_tests: t.reading >= clb 7)
  and count(eligible_programs)>=1 # why
}
# The end.
"""

EXPECTED = """\
# The header of the file.

# A second paragraph.
import "../common/sources.rules"  # where the sources are

rulebook 2025 "T # not a comment"
  in force 2025-01-01 until 2025-12-31
  cite src  # header

source src "A source" "https://example.org/#fragment"

occupations stem "STEM" cite src {
  # leading row comment
  21220 "Cybersecurity specialists" teer 1  # trailing row comment
  21300 "Civil engineers"           teer 1
  # after the last row
}

define recent(list: occupations)  # after the head
  "Six months in a listed occupation"
  cite src
  = any code in worked_in(list):
      # about the first way
      continuous_full_time(code, within 3 years before as_of) >= 6 months  # first way
      or hours_worked(code, within 3 years before as_of) >= 780 hours

category stem_category "STEM" cite src {
  eligible when recent(stem) and (any t in language_tests: t.reading >= clb 7) and count(eligible_programs) >= 1  # why
}
# The end.
"""


def test_a_messy_file_gets_the_canonical_layout_with_every_comment_in_its_place() -> None:
    assert format_source(MESSY, "messy.rules") == EXPECTED
    assert format_source(EXPECTED, "messy.rules") == EXPECTED


def test_a_quantifier_that_is_not_last_is_parenthesised_and_a_last_one_is_not() -> None:
    text = 'category c "C" { eligible when (any x in xs: x > 1) and (all y in ys: y < 2) }\n'
    assert "eligible when (any x in xs: x > 1) and all y in ys: y < 2\n" in format_source(text, "q.rules")


def test_long_conditions_break_at_their_loosest_operator_within_the_width() -> None:
    operands = " or ".join(f"count(list_number_{i}) >= {i + 2}" for i in range(8))
    text = f'category c "C" {{ eligible when a and ({operands}) }}\n'
    formatted = format_source(text, "long.rules")
    assert all(len(line) <= WIDTH for line in formatted.splitlines())
    assert "\n                     or count(list_number_1) >= 3\n" in formatted
    assert parse(formatted, "x") == parse(text, "x")


def test_a_declaration_the_formatter_does_not_know_is_a_diagnostic_not_a_crash(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dsl import format as formatter

    class Round(ast.Declaration):
        pass

    module = ast.Module("new.rules", (Round("r254", span=ast.Span("new.rules", 3, 1, 3, 20)),), span=SPAN)
    monkeypatch.setattr(formatter, "parse", lambda text, path: module)
    with pytest.raises(RuleErrors) as raised:
        format_source("round r254 ...\n", "new.rules")
    (problem,) = raised.value.diagnostics
    assert problem.code == "E090" and str(problem.span) == "new.rules:3:1"
    assert "does not know how to lay out the declaration 'Round'" in problem.message


def test_rules_fmt_check_lists_files_to_change_and_fmt_rewrites_them(tmp_path: Path) -> None:
    tidy = tmp_path / "tidy.rules"
    tidy.write_text(EXPECTED, encoding="utf-8")
    messy = tmp_path / "messy.rules"
    messy.write_text(MESSY, encoding="utf-8")
    checked = CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)])
    assert checked.exit_code == 1
    assert checked.stdout == f"would reformat {messy.as_posix()}\n"
    assert messy.read_text(encoding="utf-8") == MESSY
    rewritten = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert rewritten.exit_code == 0 and messy.read_text(encoding="utf-8") == EXPECTED
    assert CliRunner().invoke(main, ["fmt", "--check", str(tmp_path)]).exit_code == 0


def test_rules_fmt_on_a_file_that_does_not_parse_shows_the_diagnostic_and_changes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rules"
    broken.write_text('category c "C" { eligible when }\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(broken)])
    assert result.exit_code == 1
    assert f"{broken.as_posix()}:1:" in result.stderr and "E002" in result.stderr
    assert broken.read_text(encoding="utf-8") == 'category c "C" { eligible when }\n'


# Generated expressions: whatever the nesting, the formatter's parentheses give back the same tree. ------------------

NAMES = st.sampled_from(["a", "b", "xs", "level", "as_of", "allowance", "clb_minimum", "true_value", "monthsx"])
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"]), min_size=1,
                max_size=6)


def leaves() -> st.SearchStrategy[ast.Expr]:
    return st.one_of(
        NAMES.map(lambda n: ast.Name(n, span=SPAN)),
        st.integers(0, 999_999_999).map(lambda v: ast.Integer(v, span=SPAN)),
        st.tuples(st.integers(0, 999_999_999), st.sampled_from(["months", "years", "days", "weeks", "hours",
                                                                 "points"]))
        .map(lambda p: ast.Quantity(p[0], p[1], span=SPAN)),
        st.tuples(st.sampled_from(["clb", "nclc"]), st.integers(1, 12)).map(lambda p: ast.Level(*p, span=SPAN)),
        st.lists(WORDS, max_size=4).map(lambda w: ast.Text(" ".join(w), span=SPAN)),
        st.dates(date(1900, 1, 1), date(2100, 1, 1)).map(lambda d: ast.DateLiteral(d, span=SPAN)),
        st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)).map(
            lambda d: ast.DateTimeLiteral(d.replace(microsecond=0, tzinfo=UTC), span=SPAN)),
        st.booleans().map(lambda v: ast.Boolean(v, span=SPAN)),
    )


def extend(inner: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    two = st.tuples(inner, inner)
    operands = st.lists(inner, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        operands.map(lambda o: ast.AllOf(o, span=SPAN)),
        operands.map(lambda o: ast.AnyOf(o, span=SPAN)),
        inner.map(lambda o: ast.Not(o, span=SPAN)),
        st.tuples(st.sampled_from([">=", "<=", "==", "!=", ">", "<"]), inner, inner)
        .map(lambda p: ast.Compare(*p, span=SPAN)),
        st.tuples(inner, inner, st.booleans()).map(lambda p: ast.Membership(*p, span=SPAN)),
        st.tuples(st.sampled_from(["+", "-"]), inner, inner).map(lambda p: ast.Arithmetic(*p, span=SPAN)),
        st.tuples(inner, NAMES).map(lambda p: ast.Field(*p, span=SPAN)),
        st.tuples(NAMES, st.lists(inner, max_size=3).map(tuple)).map(lambda p: ast.Call(*p, span=SPAN)),
        st.lists(inner, max_size=3).map(lambda items: ast.ListLiteral(tuple(items), span=SPAN)),
        two.map(lambda p: ast.Window(*p, span=SPAN)),
        st.tuples(st.sampled_from(["any", "all"]), NAMES, inner, st.none() | inner, inner)
        .map(lambda p: ast.Quantifier(*p, span=SPAN)),
        two.map(lambda p: ast.Otherwise(*p, span=SPAN)),
        st.tuples(inner, inner, inner).map(lambda p: ast.Conditional(*p, span=SPAN)),
    )


EXPRESSIONS = st.recursive(leaves(), extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(EXPRESSIONS, st.sampled_from([WIDTH, 30]))
def test_any_expression_formats_to_text_that_parses_back_to_the_same_tree(condition: ast.Expr, width: int) -> None:
    """At a narrow width every long expression is broken over lines, which tests the multi-line layouts too."""
    from dsl import format as formatter

    category = ast.Category("c", "C", (), condition, span=SPAN)
    module = ast.Module("generated.rules", (category,), span=SPAN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(formatter, "WIDTH", width)
        text = "\n".join(line.text for line in formatter.layout_of(category)) + "\n"
        assert parse(text, "generated.rules") == module
        assert format_source(text, "generated.rules") == text


def comment_sites(text: str) -> tuple[list[int], list[int]]:
    """Lines (0-based) where a comment may go without landing inside a string: before them, and at their end."""
    import re

    matches = list(re.finditer(r'"(?:[^"\\]|\\.)*"|#[^\n]*', text))
    strings = [m.span() for m in matches if m.group().startswith('"')]
    comments = [m.span() for m in matches if m.group().startswith("#")]
    before, after = [], []
    offset = 0
    for index, line in enumerate(text.split("\n")):
        start, end = offset, offset + len(line)
        if not any(a < start < b for a, b in strings):
            before.append(index)
        if line.strip() and not any(a < end < b for a, b in strings) and not any(a < end <= b for a, b in comments):
            after.append(index)
        offset = end + 1
    return before, after


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(RULE_FILES), st.data())
def test_comments_anywhere_survive_formatting_in_order_and_formatting_twice_changes_nothing(
        path: Path, data: st.DataObject) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    before, after = comment_sites(text)
    own_line = set(data.draw(st.lists(st.sampled_from(before), max_size=6)))
    trailing = set(data.draw(st.lists(st.sampled_from(after), max_size=6)))
    commented = []
    for index, line in enumerate(lines):
        if index in own_line:
            commented.append(f"# note before line {index + 1}")
        commented.append(line + (f"  # note after line {index + 1}" if index in trailing else ""))
    text = "\n".join(commented)
    formatted = format_source(text, path.name)
    assert parse(formatted, path.name) == parse(text, path.name)
    assert [c.text for c in scan_comments(formatted)] == [c.text for c in scan_comments(text)]
    assert format_source(formatted, path.name) == formatted
