"""Diagnostics: what is wrong in a rule file, where, and what to do about it.

Every diagnostic has a stable code (so tests, editors and documentation can refer to it), a span, a message written
for a policy analyst, and an optional suggestion. Rendering shows the source line with a caret under the spot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from dsl.ast import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    suggestion: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.file, self.span.line, self.span.column, self.code)

    def render(self, sources: Mapping[str, str]) -> str:
        """`file:line:col: code: message`, then the source line with a caret, then the suggestion."""
        head = f"{self.span}: {self.code}: {self.message}"
        if self.severity is not Severity.ERROR:
            head = f"{self.span}: {self.code} ({self.severity.value}): {self.message}"
        lines = [head]
        text = sources.get(self.span.file)
        if text is not None:
            lines.extend(_excerpt(text, self.span))
        if self.suggestion:
            lines.append(f"   = {self.suggestion}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "suggestion": self.suggestion,
        }


def _excerpt(text: str, span: Span) -> list[str]:
    source_lines = text.splitlines()
    if not 1 <= span.line <= len(source_lines):
        return []
    line = source_lines[span.line - 1].expandtabs(1)
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    width = max(1, min(width, len(line) - span.column + 1))
    gutter = f"{span.line:>5} | "
    return [gutter + line, " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * width]


class RuleErrors(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far and the texts to render them."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.sources = dict(sources)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n\n".join(d.render(self.sources) for d in self.diagnostics)


def closest(word: str, candidates: Iterable[str], max_distance: int = 3) -> str | None:
    """The candidate nearest to `word` by edit distance, if one is near enough to be a likely typo."""
    best: tuple[int, str] | None = None
    for candidate in sorted(set(candidates)):
        distance = edit_distance(word, candidate)
        limit = min(max_distance, max(1, len(word) // 3 + 1))
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions, and swaps of neighbours)."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else None
