"""Ways to damage rule files and profiles, shared by the property tests: what an analyst's slip or a bad export does."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

# Whitespace is kept as it was, so a mutation touches only the tokens it means to.
_TOKEN = re.compile(r'\s+|"(?:[^"\\\n]|\\.)*"|#[^\n]*|\w+|[^\w\s]')

HUGE_NUMBERS = ("99999999999999999999", "1" + "0" * 5000, "999999999", "0000000000000000000001")
DEEP = "(" * 400 + "true" + ")" * 400
NOT_UTF8 = (b"\xff\xfe", b"\xc3\x28", b"\x80", b"caf\xe9")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@st.composite
def mutated_rules(draw: st.DrawFn, text: str) -> bytes:
    """`text` (a rule file, or any text file) with one to three of: a token deleted, duplicated, swapped with
    another or replaced by a huge number; the file truncated; deep nesting inserted; bytes that are not UTF-8."""
    parts = tokens(text)
    not_utf8 = False
    for _ in range(draw(st.integers(1, 3))):
        solid = [i for i, part in enumerate(parts) if not part.isspace()]
        if not solid:
            break
        where = draw(st.sampled_from(solid))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "huge", "truncate", "deep", "not_utf8"]))
        if kind == "delete":
            parts[where] = ""
        elif kind == "duplicate":
            parts.insert(where, parts[where] + " ")
        elif kind == "swap":
            other = draw(st.sampled_from(solid))
            parts[where], parts[other] = parts[other], parts[where]
        elif kind == "huge":
            parts[where] = draw(st.sampled_from(HUGE_NUMBERS))
        elif kind == "truncate":
            parts = parts[:where]
        elif kind == "deep":
            parts[where] = DEEP if draw(st.booleans()) else " ".join(["not"] * 300 + ["true"])
        else:
            not_utf8 = True
    data = "".join(parts).encode("utf-8")
    if not_utf8:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(NOT_UTF8)) + data[at:]
    return data


WRONG_VALUES: tuple[Any, ...] = (None, -5, 0, 1e308, "", "x", "2999-01-01", "not a date", [], {}, True, [1, 2],
                                 {"a": 1}, "99999", "abc12", 10**30)


@st.composite
def mutated_profiles(draw: st.DrawFn, profile: dict[str, Any]) -> dict[str, Any]:
    """A profile with one to four of: a wrong type, a missing field, a date in the future, a job ending before it
    starts, negative hours, an unknown occupation or test code, an unknown field."""
    import copy

    mutated = copy.deepcopy(profile)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["wrong_type", "missing", "future", "end_before_start", "negative_hours",
                                     "unknown_code", "unknown_test", "unknown_field"]))
        jobs = mutated.get("work_history") if isinstance(mutated.get("work_history"), list) else []
        job = draw(st.sampled_from(jobs)) if jobs and isinstance(jobs[0], dict) else None
        if kind == "wrong_type":
            target = draw(st.sampled_from(["top", "job", "test"]))
            if target == "top" or job is None:
                mutated[draw(st.sampled_from(sorted(mutated, key=str) or ["id"]))] = draw(st.sampled_from(WRONG_VALUES))
            elif target == "job":
                job[draw(st.sampled_from(sorted(job, key=str)))] = draw(st.sampled_from(WRONG_VALUES))
            else:
                tests = mutated.get("language_tests")
                if isinstance(tests, list) and tests and isinstance(tests[0], dict):
                    tests[0]["levels"] = draw(st.sampled_from(WRONG_VALUES))
        elif kind == "missing":
            container = job if job is not None and draw(st.booleans()) else mutated
            if container:
                container.pop(draw(st.sampled_from(sorted(container, key=str))), None)
        elif kind == "future" and job is not None:
            job["start"] = "2999-01-01"
        elif kind == "end_before_start" and job is not None:
            job["start"], job["end"] = "2024-06-01", "2023-01-01"
        elif kind == "negative_hours" and job is not None:
            job["hours_per_week"] = draw(st.sampled_from([-1, -40.5, 0, 169, 1e9]))
        elif kind == "unknown_code" and job is not None:
            job["noc"] = draw(st.sampled_from(["00000", "99999", "2122", "212200", "ABCDE", 7]))
        elif kind == "unknown_test":
            tests = mutated.get("language_tests")
            if isinstance(tests, list) and tests and isinstance(tests[0], dict):
                tests[0]["test"] = draw(st.sampled_from(["toefl", "TEF_CANADA", "", 3]))
        elif kind == "unknown_field":
            mutated[draw(st.sampled_from(["nmae", "work_histroy", "crs_score", 5, True]))] = 1
    return mutated
