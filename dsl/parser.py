"""The parser facade: rule text in, an AST `Module` out, or located diagnostics in an analyst's words.

A file already parsed is read from the parse cache (`dsl.ast_cache`); otherwise `dsl.parse_tree` parses it with Lark.
"""

from __future__ import annotations

import functools

from dsl import ast, ast_cache


@functools.lru_cache(maxsize=512)
def parse(text: str, path: str) -> ast.Module:
    """Parse one file. Raises `RuleErrors` with located diagnostics when the text is not valid.

    The AST is immutable, so a file shared by several rulebooks (`rules/common/`) is parsed once per process."""
    cached = ast_cache.load(text, path)
    if cached is not None:
        return cached
    from dsl.parse_tree import parse_text

    module = parse_text(text, path)
    ast_cache.store(module, text, path)
    return module
