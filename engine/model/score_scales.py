"""The scale each language test reports its raw results on, per ability: a score off its test's scale is refused.

A raw score becomes a CLB/NCLC level through the conversion charts of the rules (`rules/common/language.rules`); a
score the chart cannot hold (an IELTS band of 7.3, a reading band of 10) would leave the level missing and the
verdict undetermined, pointing the reader at the wrong fix. The scales are those of `reference/clb_conversion.yaml`:
IELTS General Training bands 0 to 9 in half bands; CELPIP-General levels 1 to 12; PTE Core 0 to 90; TCF Canada 0 to
699 for listening and reading and 0 to 20 for writing and speaking; TEF Canada 0 to 699 for a test taken on or after
2019-10-01 and, before it, the legacy points (reading 0 to 300, listening 0 to 360, writing and speaking 0 to 450).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

ABILITIES = ("listening", "reading", "writing", "speaking")

# The first day TEF Canada reported every ability on the 0-699 scale (the rules' `test_scale` switches tables here).
TEF_UNIFORM_SCALE_FROM = date(2019, 10, 1)


@dataclass(frozen=True, slots=True)
class Scale:
    """The scores one ability of one test takes: from `low` to `high`, in steps of `step` from `low`."""

    low: float
    high: float
    step: Fraction
    words: str

    def holds(self, score: float) -> bool:
        if not self.low <= score <= self.high:
            return False
        steps = (Fraction(score) - Fraction(self.low)) / self.step
        return steps.denominator == 1

    def describe(self) -> str:
        step = "whole numbers" if self.step == 1 else f"steps of {float(self.step):g}"
        return f"{self.words} run from {self.low:g} to {self.high:g} in {step}"


def _same(scale: Scale) -> Mapping[str, Scale]:
    return {ability: scale for ability in ABILITIES}


IELTS = _same(Scale(0, 9, Fraction(1, 2), "IELTS General Training bands"))
CELPIP = _same(Scale(1, 12, Fraction(1), "CELPIP-General levels"))
PTE = _same(Scale(0, 90, Fraction(1), "PTE Core scores"))
TCF = {"listening": Scale(0, 699, Fraction(1), "TCF Canada listening scores"),
       "reading": Scale(0, 699, Fraction(1), "TCF Canada reading scores"),
       "writing": Scale(0, 20, Fraction(1), "TCF Canada writing scores"),
       "speaking": Scale(0, 20, Fraction(1), "TCF Canada speaking scores")}
TEF_UNIFORM = _same(Scale(0, 699, Fraction(1), "TEF Canada scores (tests from 2019-10-01)"))
TEF_LEGACY = {"listening": Scale(0, 360, Fraction(1), "TEF Canada listening points (tests before 2019-10-01)"),
              "reading": Scale(0, 300, Fraction(1), "TEF Canada reading points (tests before 2019-10-01)"),
              "writing": Scale(0, 450, Fraction(1), "TEF Canada writing points (tests before 2019-10-01)"),
              "speaking": Scale(0, 450, Fraction(1), "TEF Canada speaking points (tests before 2019-10-01)")}
# A TEF Canada result without a date could be on either scale: only what neither allows is refused.
TEF_UNDATED = _same(Scale(0, 699, Fraction(1), "TEF Canada scores"))

FIXED_SCALES: Mapping[str, Mapping[str, Scale]] = {
    "ielts_general": IELTS, "celpip_general": CELPIP, "pte_core": PTE, "tcf_canada": TCF,
}


def scales_for(test: str, taken: date | None) -> Mapping[str, Scale] | None:
    """The scale of each ability for a result of `test` taken on `taken` (None when the date is not given)."""
    if test != "tef_canada":
        return FIXED_SCALES.get(test)
    if taken is None:
        return TEF_UNDATED
    return TEF_UNIFORM if taken >= TEF_UNIFORM_SCALE_FROM else TEF_LEGACY


def score_problem(test: str, taken: date | None, ability: str, score: float) -> str | None:
    """Why `score` cannot be a result of `test` in `ability`, or None when it can."""
    scales = scales_for(test, taken)
    if scales is None or ability not in scales:
        return None
    scale = scales[ability]
    if scale.holds(score):
        return None
    return f"{score:g} is not on the scale: {scale.describe()}"
