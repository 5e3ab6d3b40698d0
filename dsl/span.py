"""Where a piece of rule text stands: the one location type every stage shares.

Kept apart from the AST so that what only reads compiled rules (the rule tree, diagnostics, explanations) does not
import the fifty node classes of the syntax tree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of one source file; lines and columns count from 1, the end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    @property
    def short(self) -> str:
        """`file:line`, the form explanations cite."""
        return f"{self.file}:{self.line}"
