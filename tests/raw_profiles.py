"""Profiles of raw facts for property tests, drawn around the edges of the shipped rules.

Profiles that do not state their programs make the rules compute FSW, CEC and FST eligibility: the FSW grid (age,
education, language points from levels or raw scores, years of skilled work, adaptability with a spouse, relatives,
study and work in Canada, a job offer), CEC hours in Canada by TEER, FST hours in a skilled trade with a certificate
or offer. Each fact is drawn around its edges, and sometimes left out. Most profiles leave out their CRS, so that the
rules compute it; some state it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from engine.model.facts import EDUCATION_LEVELS
from engine.model.score_scales import score_problem

AS_OF = date(2025, 6, 1)
ABILITIES = ("listening", "reading", "writing", "speaking")
TESTS = ("ielts_general", "celpip_general", "pte_core", "tef_canada", "tcf_canada")
SCORES = (3.5, 4.0, 5.0, 6.0, 6.5, 7.0, 8.0, 9.0, 10.0, 11.0, 207.0, 249.0, 310.0, 434.0, 456.0, 546.0)
# Skilled and unskilled codes, trades (72, 73, 82, 83, 92, 93, the cooks' minor group 6320, chefs), an excluded
# sub-major group (726).
CODES = ("21231", "31102", "72010", "73200", "82030", "63200", "62200", "72600", "93100", "44100", "12100", "22300")
BIRTHDAYS = ("1995-06-01", "1995-06-02", "1990-01-01", "1985-06-01", "1978-05-31", "2005-01-01")


@st.composite
def _result(draw: st.DrawFn) -> dict[str, Any]:
    result: dict[str, Any] = {"test": draw(st.sampled_from(TESTS))}
    if draw(st.integers(0, 9)) > 0:
        result["date"] = (AS_OF - timedelta(days=draw(st.sampled_from((0, 300, 729, 730, 731, 900))))).isoformat()
    if draw(st.booleans()):
        result["levels"] = {a: draw(st.sampled_from((4, 5, 6, 7, 8, 9, 10))) for a in ABILITIES
                            if draw(st.integers(0, 9)) > 0}
    else:
        # Only scores on the test's own scale: a score off it is a profile error, not a case for the rules.
        taken = date.fromisoformat(result["date"]) if "date" in result else None
        result["scores"] = {a: draw(st.sampled_from(_on_scale(result["test"], taken, a))) for a in ABILITIES
                            if draw(st.integers(0, 9)) > 0}
    return result


def _on_scale(test: str, taken: date | None, ability: str) -> tuple[float, ...]:
    return tuple(score for score in SCORES if score_problem(test, taken, ability, score) is None)


@st.composite
def _job(draw: st.DrawFn) -> dict[str, Any]:
    start = AS_OF - timedelta(days=draw(st.sampled_from((200, 400, 800, 1100, 1500, 1900, 3000, 4000))))
    length = draw(st.sampled_from((180, 365, 366, 730, 1100, 1900, 3650)))
    job: dict[str, Any] = {"noc": draw(st.sampled_from(CODES)), "start": start.isoformat(),
                           "end": None if draw(st.booleans()) else (start + timedelta(days=length)).isoformat()}
    if draw(st.integers(0, 9)) > 0:
        job["hours_per_week"] = draw(st.sampled_from((15.0, 30.0, 37.5, 40.0)))
    job["country"] = draw(st.sampled_from(("Canada", "Canada", "India")))
    if draw(st.booleans()):
        job["self_employed"] = draw(st.booleans())
    return job


@st.composite
def _education(draw: st.DrawFn) -> dict[str, Any]:
    education: dict[str, Any] = {"level": draw(st.sampled_from(EDUCATION_LEVELS))}
    if draw(st.booleans()):
        education["canadian"] = draw(st.booleans())
    if draw(st.booleans()):
        education["completed"] = draw(st.booleans())
    return education


@st.composite
def raw_profile(draw: st.DrawFn) -> dict[str, Any]:
    profile: dict[str, Any] = {"id": "p"}
    if draw(st.integers(0, 3)) == 0:
        profile["eligible_programs"] = draw(st.sampled_from(([], ["fsw"])))
    if draw(st.integers(0, 7)) == 0:
        profile["crs"] = draw(st.sampled_from((0, 480, 1200)))
    if draw(st.integers(0, 9)) > 0:
        profile["date_of_birth"] = draw(st.sampled_from(BIRTHDAYS))
    if draw(st.integers(0, 9)) > 0:
        profile["language_tests"] = draw(st.lists(_result(), max_size=3))
    if draw(st.integers(0, 9)) > 0:
        profile["work_history"] = draw(st.lists(_job(), max_size=4))
    if draw(st.integers(0, 9)) > 0:
        profile["education"] = draw(_education())
    if draw(st.booleans()):
        spouse: dict[str, Any] = {"accompanying": draw(st.booleans())}
        if draw(st.booleans()):
            spouse["language_tests"] = draw(st.lists(_result(), max_size=2))
        if draw(st.booleans()):
            spouse["education"] = draw(_education())
        if draw(st.booleans()):
            spouse["canadian_work_years"] = draw(st.integers(0, 2))
        if draw(st.booleans()):
            spouse["canadian_citizen_or_pr"] = draw(st.booleans())
        profile["spouse"] = spouse
    if draw(st.booleans()):
        offer: dict[str, Any] = {"noc": draw(st.sampled_from(CODES))}
        if draw(st.booleans()):
            offer["basis"] = draw(st.sampled_from(("lmia", "lmia_exempt", "none")))
        if draw(st.booleans()):
            offer["teer"] = draw(st.integers(0, 5))
        profile["job_offer"] = offer
    if draw(st.booleans()):
        profile["first_official_language"] = draw(st.sampled_from(("english", "french")))
    for claim in ("certificate_of_qualification", "sibling_in_canada", "relative_in_canada", "provincial_nomination"):
        if draw(st.integers(0, 3)) == 0:
            profile[claim] = draw(st.booleans())
    return profile
