"""The words every view uses for the rule tree's operators and the profile's facts: one table, so an explanation, a
plain-language rule (`rules show`), a diff and a site page never say the same thing two ways."""

from __future__ import annotations

from collections.abc import Mapping

from engine.ir.nodes import CompareOperator

# `a >= b` read as "a is at least b".
COMPARISON: Mapping[CompareOperator, str] = {
    ">=": "at least", "<=": "at most", ">": "more than", "<": "less than", "==": "equal to", "!=": "other than",
}

# What a failed comparison needs, after the value: "NCLC 6; needs NCLC 7 or more".
NEEDS: Mapping[CompareOperator, str] = {
    ">=": "or more", "<=": "or less", ">": "more than", "<": "less than", "==": "exactly", "!=": "anything but",
}

# Dates are compared in days on the calendar, so they read as before and after rather than as amounts.
DATES: Mapping[CompareOperator, str] = {
    ">=": "on or after", "<=": "on or before", ">": "after", "<": "before", "==": "on", "!=": "not on",
}

# Facts of the profile by what a reader calls them (without an article; a sentence adds "the" where it needs one).
FACT_LABELS: Mapping[str, str] = {
    "eligible_programs": "eligible programs",
    "crs": "CRS score",
    "language_tests": "language test results",
    "work_history": "jobs in the work history",
    "date_of_birth": "date of birth",
    "submitted_at": "profile submission time",
    "as_of": "as-of date",
}


def fact_label(name: str) -> str:
    """A fact's label, or its name in words when it has none of its own."""
    return FACT_LABELS.get(name, name.replace("_", " "))
