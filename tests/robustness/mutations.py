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


# Unicode digits that look like ASCII ones (mathematical bold, fullwidth, Arabic-Indic).
LOOKALIKE_DIGITS = {"0": ("\U0001d7ce", "\uff10", "\u0660"), "1": ("\U0001d7cf", "\uff11", "\u0661"),
                    "2": ("\U0001d7d0", "\uff12", "\u0662")}
KINDS = ("delete", "duplicate", "swap", "huge", "truncate", "deep", "not_utf8", "long_name", "long_file", "one_line",
         "lookalike_digit", "unclosed_text", "control", "unknown_names", "doubling", "chain", "long_list")


# Appended declarations cite a source every rulebook of the tree declares, and a category reads them, so that a
# rulebook they leave valid is evaluated with them.
def _doubling(levels: int) -> str:
    lines = ["define bomb_0 cite cbs_page = count(work_history) >= 1"]
    lines += [f"define bomb_{i} cite cbs_page = bomb_{i - 1} and bomb_{i - 1}" for i in range(1, levels + 1)]
    lines.append(f'category bomb "Doubling" cite cbs_page {{ eligible when bomb_{levels} }}')
    return "\n" + "\n".join(lines) + "\n"


def _chain(length: int) -> str:
    lines = ["define link_0(jobs: count) cite cbs_page = jobs >= 1"]
    lines += [f"define link_{i}(jobs: count) cite cbs_page = link_{i - 1}(jobs)" for i in range(1, length + 1)]
    lines.append(f'category chain "Chain" cite cbs_page {{ eligible when link_{length}(count(work_history)) }}')
    return "\n" + "\n".join(lines) + "\n"


def _long_list(rows: int) -> str:
    body = "\n".join(f'  {21000 + i} "Occupation {i}" teer {str(21000 + i)[1]}' for i in range(rows))
    return (f'\noccupations long_list "A long list" cite cbs_page {{\n{body}\n}}\n'
            f'category long "Long list" cite cbs_page {{ eligible when any code in worked_in(long_list): true }}\n')


ADDITIONS = ("control", "unknown_names", "doubling", "chain", "long_list")


def _add(draw: st.DrawFn, kind: str, parts: list[str], where: int) -> None:
    """The mutations that add text: a control character or unknown names where the mutation falls, definitions or a
    long list at the end."""
    if kind == "control":
        parts.insert(where, draw(st.sampled_from(["\x00", "\x1b", "\u202e", "\ufeff"])))
    elif kind == "unknown_names":
        parts.insert(where, " ".join(f"unknown_{i} and" for i in range(draw(st.sampled_from([50, 3_000])))))
    elif kind == "doubling":
        parts.append(_doubling(draw(st.sampled_from([12, 24]))))
    elif kind == "chain":
        parts.append(_chain(draw(st.sampled_from([120, 400]))))
    else:
        parts.append(_long_list(draw(st.sampled_from([500, 3_000]))))


@st.composite
def mutated_rules(draw: st.DrawFn, text: str) -> bytes:
    """`text` (a rule file, or any text file) with one to three of: a token deleted, duplicated, swapped with
    another or replaced by a huge number; the file truncated; deep nesting inserted; bytes that are not UTF-8; a name
    thousands of characters long; the file repeated many times over (very long files); every line joined into one; a
    digit of another script; a text left unclosed; a control character; thousands of unknown names; definitions that
    each use the previous one twice, or a long chain of them; a long occupation list."""
    parts = tokens(text)
    not_utf8 = False
    for _ in range(draw(st.integers(1, 3))):
        solid = [i for i, part in enumerate(parts) if not part.isspace()]
        if not solid:
            break
        where = draw(st.sampled_from(solid))
        kind = draw(st.sampled_from(KINDS))
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
        elif kind == "long_name":
            parts[where] = "n" * draw(st.sampled_from([65, 5_000, 200_000]))
        elif kind == "long_file":
            parts = parts * draw(st.sampled_from([3, 20, 60]))
        elif kind == "one_line":
            parts = [" " if part.isspace() else part for part in parts if not part.startswith("#")]
        elif kind == "lookalike_digit":
            numbers = [i for i in solid if parts[i][:1] in LOOKALIKE_DIGITS]
            if numbers:
                at = draw(st.sampled_from(numbers))
                parts[at] = draw(st.sampled_from(LOOKALIKE_DIGITS[parts[at][0]])) + parts[at][1:]
        elif kind == "unclosed_text":
            texts = [i for i in solid if parts[i].startswith('"') and len(parts[i]) > 1]
            if texts:
                at = draw(st.sampled_from(texts))
                parts[at] = parts[at][:-1]
        elif kind in ADDITIONS:
            _add(draw, kind, parts, where)
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
