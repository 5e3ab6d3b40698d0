"""The parser facade: rule text in, an AST `Module` out, or located diagnostics in an analyst's words.

A file already parsed is read from the parse cache (`dsl.ast_cache`); otherwise `dsl.parse_tree` parses it with Lark.
"""

from __future__ import annotations

import functools
import re

from dsl import ast, ast_cache
from dsl.diagnostics import Diagnostic, RuleErrors

# The parser reads a few thousand words a second on a small machine: a file is at most this many words and signs (the
# largest shipped file has 2,522), so that no file takes more than a few seconds to read, whatever it holds.
MAX_TOKENS = 20_000
# Words, numbers, texts in quotes and signs, comments left out: what the parser reads one at a time.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*|[A-Za-z_0-9.]+|[^\sA-Za-z_0-9]')


# The same, with a comment matched as a whole but captured as an empty text, so that counting needs no Python loop.
_COUNTED = re.compile(r'#[^\n]*|("(?:[^"\\]|\\.)*"|[A-Za-z_0-9.]+|[^\sA-Za-z_0-9])')


@functools.lru_cache(maxsize=512)
def token_count(text: str, limit: int) -> tuple[int, int | None]:
    """How many words and signs `text` holds, counting up to `limit + 1`; and where the first one past `limit`
    starts, if any. Every rule file is counted each time a rulebook is loaded, so the count is made in the regular
    expression engine and remembered, like the parse, per text (a seventh of a warm compile); only a file past the
    limit is walked again, to find where."""
    found = _COUNTED.findall(text)
    total = len(found) - found.count("")
    if total <= limit:
        return total, None
    count = 0
    for match in _TOKEN.finditer(text):
        if match.group().startswith("#"):
            continue
        count += 1
        if count > limit:
            return count, match.start()
    return count, None


def too_long(text: str, path: str, limit: int, message: str) -> RuleErrors:
    """A file whose words and signs go past `limit`, located at the first one past it."""
    _, at = token_count(text, limit)
    offset = at or 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return RuleErrors([Diagnostic("E005", message, ast.Span(path, line, column, line, column + 1),
                                  suggestion="split it into several files")], {path: text})


@functools.lru_cache(maxsize=512)
def parse(text: str, path: str) -> ast.Module:
    """Parse one file. Raises `RuleErrors` with located diagnostics when the text is not valid.

    The AST is immutable, so a file shared by several rulebooks (`rules/common/`) is parsed once per process."""
    if token_count(text, MAX_TOKENS)[1] is not None:
        raise too_long(text, path, MAX_TOKENS, f"the file holds more than {MAX_TOKENS:,} words and signs (the limit): "
                                               f"this is the first past it")
    cached = ast_cache.load(text, path)
    if cached is not None:
        return cached
    from dsl.parse_tree import parse_text

    module = parse_text(text, path)
    ast_cache.store(module, text, path)
    return module
