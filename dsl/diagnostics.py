"""Diagnostics: what is wrong in a rule file, where, and what to do about it.

Every diagnostic has a stable code (so tests, editors and documentation can refer to it), a span, a message written
for a policy analyst, and an optional suggestion. Rendering shows the source line with a caret under the spot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dsl.span import Span

MAX_SUGGESTED_LENGTH = 64  # no name in a rulebook or a profile is longer; a longer word is no typo of one
MAX_PER_FILE = 100  # diagnostics shown per file (the rest are counted)
EXCERPT_WIDTH = 120  # columns of a source line shown under a diagnostic (the formatter's line width)
MAX_WORD = 200  # characters of one word a message quotes in full


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

    def __post_init__(self) -> None:
        # A message quotes what was written (a name, a number, a path): never a whole huge value.
        object.__setattr__(self, "message", clip_long_words(self.message))
        if self.suggestion is not None:
            object.__setattr__(self, "suggestion", clip_long_words(self.suggestion))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.file, self.span.line, self.span.column, self.code)

    def render(self, sources: Mapping[str, str], lines: _Lines | None = None) -> str:
        """`file:line:col: code: message`, then the source line with a caret, then the suggestion.

        `lines` keeps each file split into lines across the diagnostics of one report."""
        head = f"{self.span}: {self.code}: {self.message}"
        if self.severity is not Severity.ERROR:
            head = f"{self.span}: {self.code} ({self.severity.value}): {self.message}"
        rendered = [head]
        source_lines = (lines or _Lines(sources)).of(self.span.file)
        if source_lines is not None:
            rendered.extend(_excerpt(source_lines, self.span))
        if self.suggestion:
            rendered.append(f"   = {self.suggestion}")
        return "\n".join(rendered)

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


_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def clip_long_words(text: str) -> str:
    """`text` with each word longer than `MAX_WORD` characters cut to its start and its length."""
    if len(text) <= MAX_WORD:
        return text
    return _LONG_WORD.sub(lambda m: f"{m.group(0)[:80]}... ({len(m.group(0)):,} characters)", text)


class _Lines:
    """The lines of each source file, split once however many diagnostics point into it."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self.split: dict[str, list[str]] = {}

    def of(self, file: str) -> list[str] | None:
        if file not in self.split:
            text = self.sources.get(file)
            if text is None:
                return None
            self.split[file] = text.splitlines()
        return self.split[file]


def _excerpt(source_lines: Sequence[str], span: Span) -> list[str]:
    """The line of the span and a caret under it; a line longer than `EXCERPT_WIDTH` is clipped around the caret."""
    if not 1 <= span.line <= len(source_lines):
        return []
    full = source_lines[span.line - 1]
    width = 1
    if span.end_line == span.line and span.end_column > span.column:
        width = span.end_column - span.column
    start = 0
    if len(full) > EXCERPT_WIDTH:
        start = max(0, min(span.column - 1 - EXCERPT_WIDTH // 4, len(full) - EXCERPT_WIDTH))
    # A tab takes one column, as the column count does; a control character is shown as one visible mark.
    line = "".join(" " if c == "\t" else c if c.isprintable() else "\N{REPLACEMENT CHARACTER}"
                   for c in full[start:start + EXCERPT_WIDTH])
    before = "…" if start > 0 else ""
    after = "…" if start + EXCERPT_WIDTH < len(full) else ""
    column = span.column - start
    width = max(1, min(width, len(line) - column + 1))
    gutter = f"{span.line:>5} | "
    return [gutter + before + line + after, " " * (len(gutter) - 2) + "| " + " " * (column - 1 + len(before)) +
            "^" * width]


def capped(diagnostics: Iterable[Diagnostic], limit: int = MAX_PER_FILE) -> list[Diagnostic]:
    """Sorted, at most `limit` per file; the rest of a file are named by one note saying how many there are.

    A file damaged all along can give tens of thousands of diagnostics; past the first, they mostly follow from them,
    and rendering them all would cost far more than reading them is worth."""
    kept: list[Diagnostic] = []
    hidden: dict[str, list[Diagnostic]] = {}
    shown: dict[str, int] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        file = diagnostic.span.file
        if shown.get(file, 0) < limit:
            shown[file] = shown.get(file, 0) + 1
            kept.append(diagnostic)
        else:
            hidden.setdefault(file, []).append(diagnostic)
    for rest in hidden.values():
        kept.append(Diagnostic(
            "I099", f"and {len(rest):,} more in this file, not shown (at most {limit} are shown per file)",
            rest[0].span, Severity.INFO, "fix the first ones: the rest often follow from them"))
    return sorted(kept, key=Diagnostic.sort_key)


def render_each(diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> list[str]:
    """Each diagnostic rendered, at most `MAX_PER_FILE` per file (see `capped`)."""
    lines = _Lines(sources)
    return [d.render(sources, lines) for d in capped(diagnostics)]


class RuleErrors(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far and the texts to render them."""

    def __init__(self, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.sources = dict(sources)
        super().__init__(f"{len(self.diagnostics)} problem(s) in rule files")

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        return "\n\n".join(render_each(self.diagnostics, self.sources))


def closest(word: str, candidates: Iterable[str], max_distance: int = 3) -> str | None:
    """The candidate nearest to `word` by edit distance, if one is near enough to be a likely typo.

    Bounded work, whatever the input: a word longer than `MAX_SUGGESTED_LENGTH` is no typo worth a search, only
    candidates whose length is within the distance allowed are compared (the distance is at least the difference in
    length), and the comparison runs in RapidFuzz's compiled code."""
    if len(word) > MAX_SUGGESTED_LENGTH:
        return None
    # Imported here: only a misspelling needs it, and every command would pay for the import at start.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    limit = min(max_distance, max(1, len(word) // 3 + 1))
    near = sorted({c for c in candidates if abs(len(c) - len(word)) <= limit})
    found = process.extractOne(word, near, scorer=OSA.distance, score_cutoff=limit) if near else None
    return str(found[0]) if found is not None else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else None
