"""What the analysis hands to its views: suggestions with their patch and promise, per category and for the score.

Every `Suggestion` is a contract: apply `patch` (RFC 6902) to the profile, evaluate it on `holds_from`, and the
category's verdict is `verdict` (or the score's total is `crs`). `because` names the rules that make the change
necessary, with their citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine import ir
from engine.explain.standing import verdict_note
from engine.whynot.edits import Patch


@dataclass(frozen=True, slots=True)
class Reason:
    """A rule that the suggestion changes the value of (or that blocks every change), with where it is written."""

    rule: str
    description: str
    source: str
    cites: tuple[ir.SourceRef, ...]
    change: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """`kind` is `level` (a better result in a test taken), `new_result` (a test not taken), `time` (the profile as it
    is, later), `missing` (a fact to give), `claim` (a fact to obtain: a nomination, a certificate) or `credential`
    (education)."""

    kind: str
    summary: str
    patch: Patch
    holds_from: date
    category: str | None = None
    verdict: str | None = None
    crs: int | None = None
    gain: int | None = None
    because: tuple[Reason, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryAdvice:
    """A category the profile does not meet (or cannot be decided), what would change that, or why nothing can."""

    id: str
    name: str
    verdict: str
    suggestions: tuple[Suggestion, ...]
    blockers: tuple[Reason, ...] = ()
    third_party: tuple[ir.SourceRef, ...] = ()
    confidence: str | None = None

    @property
    def note(self) -> str | None:
        """What qualifies the category's verdict, as `rules eval` says it: a promise made on a category known less
        surely, or resting on third-party sources, is no surer than the category."""
        return verdict_note(self.third_party, self.confidence)


@dataclass(frozen=True, slots=True)
class ScoreAdvice:
    """The score in force and the single changes that raise it most, ranked."""

    version: str | None
    total: int | None
    suggestions: tuple[Suggestion, ...]
    note: str | None = None
    lower_bound: bool = False  # a pending rule in force could add points the rules do not encode (see `note`)

    @property
    def total_text(self) -> str:
        """`468 points`, `at least 468 points` for a lower bound, or `undetermined`."""
        if self.total is None:
            return "undetermined"
        return f"{'at least ' if self.lower_bound else ''}{self.total} points"


@dataclass(frozen=True, slots=True)
class RoundCheck:
    number: int
    held: date
    rulebook: str
    lowest_crs: int
    tie_break: str | None
    invited: bool | None


@dataclass(frozen=True, slots=True)
class Standing:
    """For a category the profile is eligible for: its rounds, their lowest score invited, and how many of them the
    profile's score would have been invited in (with the tie-break rule)."""

    id: str
    name: str
    total: int | None
    rounds: tuple[RoundCheck, ...]

    @property
    def invited(self) -> int:
        return sum(1 for r in self.rounds if r.invited)


@dataclass(frozen=True, slots=True)
class Advice:
    profile: str
    rulebook: ir.Rulebook
    as_of: date
    as_of_note: str | None
    categories: tuple[CategoryAdvice, ...]
    score: ScoreAdvice | None
    standing: tuple[Standing, ...]
