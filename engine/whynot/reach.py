"""Which facts of a profile a candidate can change by acting, and which are settled.

This is knowledge of the profile, not of any category: a test can be retaken, a credential earned, a nomination or a
certificate of qualification applied for, and work goes on with time; a date of birth, the jobs already held and the
relatives one has are what they are.
"""

from __future__ import annotations

from collections.abc import Mapping

# Claims a candidate can obtain (a provincial nomination, a Canadian certificate of qualification in a trade).
CLAIMS_WITHIN_REACH = ("provincial_nomination", "certificate_of_qualification")

# Facts of a credential a candidate (or a spouse) can change by studying.
STUDY_WITHIN_REACH = ("education.canadian", "education.completed", "spouse.education.canadian",
                      "spouse.education.completed")

# Facts nothing the candidate does can change.
FIXED_FACTS = frozenset({
    "date_of_birth", "work_history[].noc", "work_history[].country", "work_history[].self_employed",
    "sibling_in_canada", "relative_in_canada", "spouse.canadian_citizen_or_pr", "submitted_at",
})

_LABELS: Mapping[str, str] = {
    "date_of_birth": "the date of birth (an age limit)",
    "work_history[].noc": "the occupations of past jobs",
    "work_history[].country": "the countries of past jobs",
    "work_history[].self_employed": "whether past jobs were self-employed",
    "sibling_in_canada": "a sibling in Canada",
    "relative_in_canada": "a relative in Canada",
    "spouse.canadian_citizen_or_pr": "the spouse's status in Canada",
    "submitted_at": "when the profile was submitted",
    "provincial_nomination": "a provincial or territorial nomination",
    "certificate_of_qualification": "a Canadian certificate of qualification in the trade",
    "education.canadian": "a Canadian credential",
    "education.completed": "a completed credential",
    "spouse.education.canadian": "a Canadian credential for the spouse",
    "spouse.education.completed": "a completed credential for the spouse",
}


def fact_label(path: str) -> str:
    return _LABELS.get(path, path)
