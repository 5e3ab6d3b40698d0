"""Syntax errors in an analyst's words.

Two layers: a corpus of typical mistakes (`EXAMPLES`), matched against the parser state with Lark's
`match_examples`, gives a precise message and a suggestion; otherwise the expected tokens are named in plain words.
The corpus doubles as a test fixture: every snippet must keep producing its message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lark import Lark, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl.diagnostics import did_you_mean

HEADER = 'rulebook 2025 "t" in force 2025-01-01 until 2025-12-31\n'

# message -> (suggestion, snippets that produce it)
EXAMPLES: dict[str, tuple[str | None, list[str]]] = {
    "a category needs its condition inside braces, starting with 'eligible when'": (
        'write: category stem "STEM occupations" cite mi2025 { eligible when ... }',
        [
            'category stem "STEM" cite a eligible when x',
            'category stem "STEM" cite a { x }',
            'category stem "STEM" cite a { eligible x }',
        ],
    ),
    "a category needs a name in quotes after its id": (
        'write: category stem "STEM occupations" ...',
        ['category stem cite a { eligible when x }', "category stem { eligible when x }"],
    ),
    "an occupation row is a five-digit NOC code, its title in quotes, and 'teer' with a number": (
        'write: 21220 "Cybersecurity specialists" teer 1',
        [
            'occupations s "S" cite a { 21220 Cybersecurity teer 1 }',
            'occupations s "S" cite a { 21220 "Cyber" 1 }',
            'occupations s "S" cite a { 21220 "Cyber" teer }',
            'occupations s "S" cite a { "Cyber" 21220 teer 1 }',
        ],
    ),
    "a definition needs '=' and then its rule": (
        'write: define name "what it means" cite source = <condition>',
        ['define x "d" cite a', 'define x cite a y'],
    ),
    "a condition is missing after this operator": (
        None,
        [
            "define x cite a = y and",
            "define x cite a = y or",
            "define x cite a = y >=",
            "define x cite a = not",
            "define x cite a = y and )",
            "define x cite a = f(y) >= 1 and",
            "define x cite a = f(y) >= 1 or",
            "define x cite a = y >= 1 and z >= 2 and",
            "category c \"C\" cite a { eligible when y and }",
        ],
    ),
    "'cite' must be followed by the id of a source declared with 'source'": (
        "write: cite mi2025  (several: cite mi2025, round254)",
        ['category stem "S" cite { eligible when x }', 'define x "d" cite = y'],
    ),
    "a source needs an id, a title in quotes and an address in quotes": (
        'write: source mi2025 "Title of the page" "https://www.canada.ca/..."',
        ['source mi2025 "Title"\ncategory', 'source "Title" "https://x"', "source mi2025 https://x"],
    ),
    "the rulebook header needs a year, a title in quotes and 'in force <date> until <date>'": (
        'write: rulebook 2025 "Express Entry category-based selection, 2025" in force 2025-02-27 until 2026-02-17',
        ['rulebook 2025 in force 2025-01-01 until 2025-12-31', 'rulebook "x" in force 2025-01-01 until 2025-12-31',
         'rulebook 2025 "x" in force 2025-01-01', 'rulebook 2025 "x" 2025-01-01 until 2025-12-31'],
    ),
    "a quantifier reads 'any <name> in <list>: <condition>'": (
        "write: any job in work_history: job.hours_per_week >= 30 hours",
        ["define x cite a = any in y: z", "define x cite a = any j y: z", "define x cite a = all j in y z"],
    ),
    "a parenthesis or bracket was opened and not closed": (
        None,
        ["define x cite a = (y and z", "define x cite a = f(y, z", "define x cite a = [1, 2"],
    ),
}

_PLAIN_NAMES = {
    "NAME": "a name",
    "STRING": 'a text in double quotes ("...")',
    "INT": "a whole number",
    "DATE": "a date (YYYY-MM-DD)",
    "DATETIME": "a date-time (YYYY-MM-DDTHH:MM:SSZ)",
    "UNIT": "a unit (months, years, weeks, days, hours, points)",
    "LEVEL_SCALE": "a language level (clb 7, nclc 7)",
    "COMPARATOR": "a comparison (>=, <=, ==, !=, >, <)",
    "QUANTIFIER": "'any', 'all', 'total' or 'highest'",
    "BOOLEAN": "true or false",
    "ADD_OP": "'+' or '-'",
    "$END": "the end of the file",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "EQUAL": "'='",
    "DOT": "'.'",
    "_AND": "'and'",
    "_OR": "'or'",
    "_NOT": "'not'",
    "_IN": "'in'",
    "LATER": "'later'",
}

_DECLARATION_KEYWORDS = ["rulebook", "import", "source", "constant", "occupations", "define", "category", "table",
                        "program", "score", "round", "pending"]


def plain_token_name(name: str, parser: Lark) -> str:
    if name in _PLAIN_NAMES:
        return _PLAIN_NAMES[name]
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return name.lower()


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """What a syntax error means: a message, an optional suggestion, and, when the cause lies elsewhere than where the
    parser stopped (an unclosed text, a doubled 'and'), the code and the place (offsets in the text) to point at."""

    message: str
    suggestion: str | None
    code: str | None = None
    at: tuple[int, int] | None = None


def describe_syntax_error(error: UnexpectedInput, text: str, parser: Lark) -> SyntaxProblem:
    """A message and an optional suggestion for a syntax error, and where to point when not at the parser's stop."""
    if isinstance(error, UnexpectedCharacters):
        special = _unexpected_character(error, text)
        if special is not None:
            return special
    unclosed = _unclosed_text(error, text)
    if unclosed is not None:
        return unclosed
    doubled = _doubled_connective(error, text)
    if doubled is not None:
        word, start = doubled
        return SyntaxProblem(f"'{word}' is written twice: a condition is missing between them",
                             f"remove one '{word}', or write the missing condition between them",
                             at=(start, start + len(word)))
    operator = _operator_before(error, text)
    if operator is not None:
        return SyntaxProblem(MISSING_OPERAND, None, at=operator)
    matched = _match_corpus(error, parser)
    if matched is not None:
        return SyntaxProblem(matched, EXAMPLES[matched][0])
    found = _found(error, text)
    if isinstance(error, UnexpectedCharacters):
        return SyntaxProblem(f"{found} has no meaning here", _suggestion(error))
    expected = _expected(error, parser)
    message = f"expected {expected}, found {found}" if expected else f"unexpected {found}"
    return SyntaxProblem(message, _suggestion(error) or _typo_hint(error, parser))


UNCLOSED_SUGGESTION = 'close it with a double quote (") where the text ends'


def _unexpected_character(error: UnexpectedCharacters, text: str) -> SyntaxProblem | None:
    """A double quote the lexer could not read is a text never closed; a digit of another script is not a digit."""
    position = error.pos_in_stream or 0
    char = text[position] if 0 <= position < len(text) else ""
    if char == '"':
        return SyntaxProblem("this text in quotes is never closed", UNCLOSED_SUGGESTION, "E009",
                             (position, position + 1))
    if char and not char.isascii() and unicodedata.category(char) == "Nd":
        value = unicodedata.digit(char, None)
        return SyntaxProblem(
            f"{char!r} ({unicodedata.name(char, 'a digit')}) is not a digit the rules read: numbers, dates and "
            f"occupation codes are written with the digits 0 to 9",
            f"write {value}" if value is not None else "write the digits 0 to 9", "E008", (position, position + 1))
    return None


# Strings first, so that a '#' inside a string is not taken for a comment, nor a '"' inside a comment for a string.
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*')
_STARTS_DECLARATION = re.compile(r"\s*(?:" + "|".join([*_DECLARATION_KEYWORDS, "cite"]) + r")\b")


def _unclosed_text(error: UnexpectedInput, text: str) -> SyntaxProblem | None:
    """A text whose closing quote is missing runs on to the next quote, the opening quote of the next text, whose
    words then read as rules: `"...occupation` and, lines later, `Part-time"` ... The parser stops right after the
    runaway text. Said as such when the text spans lines and either swallowed the start of a declaration or ends glued
    to a word (`"Part`), which a text closed on purpose never is."""
    token = getattr(error, "token", None)
    position = getattr(token, "start_pos", None)
    if not isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        return None
    if not isinstance(position, int) or getattr(token, "type", "") == "$END":
        position = len(text)
    last = None
    for match in _STRING_OR_COMMENT.finditer(text, 0, position):
        if match.group().startswith('"'):
            last = match
    if last is None or text[last.end():position].strip() or "\n" not in last.group():
        return None
    glued = position == last.end() and position < len(text) and (text[position].isalnum() or text[position] == "_")
    swallowed = any(_STARTS_DECLARATION.match(line) for line in last.group().split("\n")[1:])
    if not (glued or swallowed):
        return None
    end_line = text.count("\n", 0, last.end() - 1) + 1
    return SyntaxProblem(f"this text in quotes is not closed: it runs on to the next double quote, on line {end_line}",
                         UNCLOSED_SUGGESTION, "E009", (last.start(), last.start() + 1))


MISSING_OPERAND = "a condition is missing after this operator"
_OPERATORS = ("and", "or", "not", "otherwise", ">=", "<=", "==", "!=", ">", "<", "+", "-", "=")


def _operator_before(error: UnexpectedInput, text: str) -> tuple[int, int] | None:
    """Where the operator stands (offsets in the text) when the parser stopped right after one that still needs its
    right-hand side: the message says "after this operator", so the caret is under it, not under what follows."""
    if not isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        return None
    token = getattr(error, "token", None)
    position = getattr(token, "start_pos", None)
    if not isinstance(position, int) or getattr(token, "type", "") == "$END":
        position = len(text)
    written = text[:position].rstrip()
    before = written.split()
    if not (before and before[-1] in _OPERATORS[:-1] and _expects_operand(error)):
        return None
    return len(written) - len(before[-1]), len(written)


def _doubled_connective(error: UnexpectedInput, text: str) -> tuple[str, int] | None:
    """`a and and b`: the second 'and' reads as a name, so the parser stops at `b`; say what the analyst wrote, and
    where the second one starts."""
    token = getattr(error, "token", None)
    position = getattr(token, "start_pos", None)
    if not isinstance(error, UnexpectedToken) or not isinstance(position, int):
        return None
    before = text[max(0, position - 40):position]
    words = before.split()
    if len(words) >= 2 and words[-1] == words[-2] and words[-1] in ("and", "or"):
        return words[-1], position - len(before) + len(before.rstrip()) - len(words[-1])
    return None


def _expects_operand(error: UnexpectedInput) -> bool:
    expected = set(getattr(error, "accepts", None) or getattr(error, "expected", None) or ())
    return "NAME" in expected and "INT" in expected


def _match_corpus(error: UnexpectedInput, parser: Lark) -> str | None:
    if not isinstance(error, (UnexpectedToken, UnexpectedEOF)):
        return None
    examples = {label: [HEADER + s for s in snippets] for label, (_, snippets) in EXAMPLES.items()}
    try:
        label = error.match_examples(parser.parse, examples, use_accepts=True)
    except Exception:  # noqa: BLE001 - the corpus is a hint; a failing match must never hide the real error
        return None
    return label if isinstance(label, str) else None


def _found(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if 0 <= position < len(text) else ""
        return f"the character {char!r}"
    token = getattr(error, "token", None)
    if token is None or getattr(token, "type", "") == "$END":
        return "the end of the file"
    return f"'{token}'"


def _expected(error: UnexpectedInput, parser: Lark) -> str:
    names: set[str] = set()
    if isinstance(error, UnexpectedToken):
        names = set(error.accepts or error.expected)
    elif isinstance(error, UnexpectedCharacters):
        names = set(error.allowed or ())
    elif isinstance(error, UnexpectedEOF):
        names = set(error.expected)
    words = sorted({plain_token_name(n, parser) for n in names if not n.startswith("__")})
    declaration_words = {f"'{k}'" for k in _DECLARATION_KEYWORDS}
    if declaration_words <= set(words):
        words = [w for w in words if w not in declaration_words] + ["a declaration (" + ", ".join(
            _DECLARATION_KEYWORDS) + ")"]
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _typo_hint(error: UnexpectedInput, parser: Lark) -> str | None:
    """A misspelt keyword or unit: `monts` where `months` was expected."""
    token = getattr(error, "token", None)
    if not isinstance(error, UnexpectedToken) or token is None or not str(token).isidentifier():
        return None
    words: list[str] = []
    for name in error.accepts or error.expected:
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str":
            words.append(pattern.value)
        elif name in _WORD_ALTERNATIVES:
            words.extend(_WORD_ALTERNATIVES[name])
    return did_you_mean(str(token), words)


_WORD_ALTERNATIVES = {
    "UNIT": ["months", "years", "weeks", "days", "hours", "points"],
    "QUANTIFIER": ["any", "all", "total", "highest"],
    "LEVEL_SCALE": ["clb", "nclc"],
    "BOOLEAN": ["true", "false"],
}


def _suggestion(error: UnexpectedInput) -> str | None:
    if isinstance(error, UnexpectedCharacters):
        return "names use lowercase letters, digits and '_'; texts go in double quotes"
    return None
