"""Bad profiles are answered with the JSON path of each problem, quickly, and never cost the other profiles of the
same call their verdicts: far dates, numbers JSON does not have, text that is not Unicode, deep nesting, long lists,
codes in look-alike digits, very long names, YAML aliases that expand without end."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from engine.cli.main import main
from engine.model.profile import (
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_LIST_ITEMS,
    MAX_PROBLEMS,
    fact_loader,
    read_profile_text,
    read_profiles,
    validate,
)
from tests.conftest import EXAMPLES

BASE: dict[str, Any] = yaml.load((EXAMPLES / "amara-software-engineer.yaml").read_text("utf-8"),  # noqa: S506
                                 Loader=fact_loader())


def amended(**changes: Any) -> dict[str, Any]:
    """The example profile with some values replaced (`work_history__0__noc=...` reaches into lists)."""
    profile = copy.deepcopy(BASE)
    for name, value in changes.items():
        *parents, last = name.split("__")
        target: Any = profile
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return profile


def problems(document: Any) -> list[str]:
    return [str(p) for p in validate(document, "profile").problems]


def problems_in(text: str, suffix: str) -> list[str]:
    return [str(p) for profile in read_profile_text(text, "input", suffix) for p in profile.problems]


def test_the_example_profile_is_valid() -> None:
    assert problems(BASE) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"language_tests__0__date": "9998-01-01"},
     "$.language_tests[0].date: '9998-01-01' lies outside the years 1900 to 2199 a profile's dates may take"),
    ({"work_history__0__start": "0001-01-01"},
     "$.work_history[0].start: '0001-01-01' lies outside the years 1900 to 2199 a profile's dates may take"),
    ({"date_of_birth": "9999-12-31"},
     "$.date_of_birth: '9999-12-31' lies outside the years 1900 to 2199 a profile's dates may take"),
    ({"work_history__0__hours_per_week": float("nan")},
     "$.work_history[0].hours_per_week: nan is not a number a profile can hold (not finite)"),
    ({"work_history__0__hours_per_week": float("inf")},
     "$.work_history[0].hours_per_week: inf is not a number a profile can hold (not finite)"),
    ({"work_history__0__title": "Dev\udc00"},
     "$.work_history[0].title: not valid Unicode: the text holds a lone surrogate (an escape such as \\ud800)"),
    ({"language_tests": [BASE["language_tests"][0]] * 50},
     "$.language_tests: 50 language test results: a profile gives at most 10"),
    ({"spouse": {"accompanying": True, "language_tests": [BASE["language_tests"][0]] * 50}},
     "$.spouse.language_tests: 50 language test results: a profile gives at most 10"),
    ({"work_history": [BASE["work_history"][0]] * 200}, "$.work_history: 200 jobs: a profile gives at most 50"),
    ({"work_history__0__noc": "０2123"},
     "$.work_history[0].noc: '０2123' is not a five-digit NOC 2021 code (\"\\uff10\" is not one of the digits 0 to 9)"),
    ({"work_history__0__noc": "٢١٢٣١"},
     "$.work_history[0].noc: '٢١٢٣١' is not a five-digit NOC 2021 code (\"\\u0662\" is not one of the digits 0 to 9)"),
    ({"work_history__0__noc": "21231\n"},
     "$.work_history[0].noc: '21231\\n' is not a five-digit NOC 2021 code (\"\\n\" is not one of the digits 0 to 9)"),
    ({"work_history__0__noc": 2123},
     "$.work_history[0].noc: 2123 is not a five-digit NOC 2021 code (a code that starts with 0 is written as text: "
     "\"02123\")"),
    ({"id": "x" * 100_000},
     "$.id: a text of 100,000 characters; at most 300"),
])
def test_each_bad_value_is_named_by_its_json_path(change: dict[str, Any], expected: str) -> None:
    assert problems(amended(**change)) == [expected]


def test_a_whole_number_written_with_a_decimal_point_is_a_code_like_any_other() -> None:
    """JSON Schema counts 21231.0 as a whole number; the profile reads it as the code 21231."""
    from engine.model.facts import facts_from_profile

    profile = amended(work_history__0__noc=21231.0)
    assert problems(profile) == []
    assert facts_from_profile(profile).values["work_history"][0].fields["noc"] == "21231"


def test_a_very_long_unknown_field_name_is_refused_and_not_compared() -> None:
    [problem] = problems({**BASE, "x" * 1_000_000: 1})
    assert problem == "$: a field name of 1,000,000 characters; at most 300"
    [problem] = problems({**BASE, "x" * 250: 1})
    assert problem.startswith("$." + "x" * 40 + "…: is not a field of this record; fields: id, ")
    assert len(problem) < 400


def test_a_field_name_that_is_not_a_plain_name_is_quoted_in_the_path() -> None:
    assert problems({**BASE, "a b": 1})[0].startswith('$["a b"]: is not a field of this record')


def test_no_message_grows_with_the_value_it_names() -> None:
    long = "y" * 1_000_000
    for problem in problems(amended(work_history__0__title=long, work_history__0__country=long, crs=[long] * 20)):
        assert len(problem) < 300, problem[:300]


def test_nesting_deeper_than_the_limit_is_refused_where_it_starts() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert problems_in('{"id": "x", "education": ' + deep + "}", ".json") == \
        [f"$: nested deeper than {MAX_DEPTH} levels of lists and mappings"]
    assert problems_in("id: x\neducation: " + "[" * 50 + "]" * 50 + "\n", ".yaml") == \
        [f"$: not valid YAML: nested more than {MAX_DEPTH} levels deep at line 2, column 32"]
    # libyaml's scanner reads ahead and stops at its own bound of 1,000 levels: said in the same words
    [too_deep] = problems_in("id: x\neducation: " + deep + "\n", ".yaml")
    assert too_deep.startswith(f"$: not valid YAML: nested more than {MAX_DEPTH} levels deep at line 2, column ")
    nested: Any = 1
    for _ in range(MAX_DEPTH + 1):
        nested = {"a": nested}
    [problem] = problems({"id": "x", "education": nested})
    assert problem.startswith("$.education.a.a.")
    assert problem.endswith(f"nested deeper than {MAX_DEPTH} levels of lists and mappings")


def test_a_list_too_long_for_any_profile_is_refused_before_the_schema_reads_it() -> None:
    assert problems({"id": "x", "language_tests": list(range(50 * MAX_LIST_ITEMS))}) == \
        [f"$.language_tests: a list of {50 * MAX_LIST_ITEMS:,} items; at most {MAX_LIST_ITEMS}"]


def billion_laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefghij", "bcdefghijk"[: levels - 1]):
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    return text


def test_yaml_aliases_that_expand_beyond_the_budget_are_refused_before_validation() -> None:
    """A 500-byte file whose aliases expand to 9^9 values: refused by counting, never expanded."""
    assert problems_in("id: lol\n" + billion_laughs(), ".yaml") == \
        [f"$: not valid YAML: its aliases repeat more than {MAX_ALIAS_VALUES:,} values at line 1, column 1"]
    assert problems_in("id: lol\nwork_history: &jobs [" + "*w, " * 3 + "]\n", ".yaml")[0].startswith(
        "$: not valid YAML: found undefined alias")


def test_a_few_aliases_are_fine() -> None:
    text = "- &me\n  id: one\n  eligible_programs: [fsw]\n- id: two\n  eligible_programs: [fsw]\n"
    assert problems_in(text, ".yaml") == []


def test_an_alias_that_holds_itself_is_refused() -> None:
    assert problems_in("id: x\nwork_history: &w [*w]\n", ".yaml") == \
        ["$: not valid YAML: an alias refers to a value that holds it at line 1, column 1"]


@pytest.mark.parametrize(("text", "expected"), [
    ("id: x\nwork_history: [{noc: 01234, start: '2024-01-01'}]\n", []),  # a code with a leading zero stays a code
    ("id: x\nwork_history: [{noc: 0x5300, start: '2024-01-01'}]\n",
     ["$.work_history[0].noc: '0x5300' is not a five-digit NOC 2021 code"]),
    ("id: x\nwork_history: [{noc: 21_231, start: '2024-01-01'}]\n",
     ["$.work_history[0].noc: '21_231' is not a five-digit NOC 2021 code"]),
    ("id: x\nprovincial_nomination: yes\n", ["$.provincial_nomination: expected true or false, found a text"]),
    ("id: x\nwork_history: [{noc: '21231', start: '2024-01-01', hours_per_week: .nan}]\n",
     ["$.work_history[0].hours_per_week: nan is not a number a profile can hold (not finite)"]),
])
def test_yaml_numbers_and_booleans_are_read_plainly(text: str, expected: list[str]) -> None:
    assert problems_in(text, ".yaml") == expected


def test_json_nan_and_huge_numbers_are_located_errors() -> None:
    assert problems_in('{"id": "x", "crs": NaN}', ".json") == \
        ["$.crs: nan is not a number a profile can hold (not finite)"]
    assert problems_in('{"id": "x", "crs": ' + "9" * 5000 + "}", ".json") == \
        ["$.crs: a number of 5,000 digits; numbers have at most 40 digits"]


def test_problems_are_listed_up_to_a_limit_with_a_count_of_the_rest() -> None:
    found = problems({"id": "x", "work_history": [{"noc": str(n)} for n in range(40)]})
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == "$: and more problems, not listed"


def test_bad_profiles_never_cost_the_good_ones_their_verdicts(tmp_path: Path) -> None:
    """One call with a good profile among every kind of bad one: the good one is evaluated, each bad one is named
    with its problems, and the command exits 2 with no traceback."""
    bad = {
        "far-date.json": json.dumps(amended(language_tests__0__date="9998-01-01")),
        "nan.json": json.dumps(amended(work_history__0__hours_per_week=float("nan"))),
        "surrogate.json": json.dumps(BASE).replace('"id": "', '"id": "\\udc00'),
        "deep.json": '{"id": "x", "education": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "deep.yaml": "id: x\neducation: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "fifty.json": json.dumps(amended(language_tests=[BASE["language_tests"][0]] * 50)),
        "laughs.yaml": "id: lol\n" + billion_laughs(),
        "long-name.json": json.dumps({**BASE, "x" * 1_000_000: 1}),
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    good = EXAMPLES / "amara-software-engineer.yaml"
    paths = [str(tmp_path / name) for name in bad]
    result = CliRunner().invoke(main, ["eval", *paths[:4], str(good), *paths[4:], "--year", "2025",
                                       "--as-of", "2025-06-01", "--format", "json"])
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    document = json.loads(result.stdout)
    assert [r["profile"] for r in document["results"]] == ["amara-software-engineer"]
    assert sorted(Path(e["input"]).name for e in document["errors"]) == sorted(bad)
    for error in document["errors"]:
        assert error["problems"] and all(p["path"].startswith("$") for p in error["problems"])
    assert len(result.stdout) < 200_000


def test_a_file_of_many_profiles_reports_each_by_its_index(tmp_path: Path) -> None:
    path = tmp_path / "pool.json"
    path.write_text(json.dumps([BASE, amended(crs=float("inf")), amended(id="second")]), encoding="utf-8")
    read = read_profiles(path)
    assert [p.data is not None for p in read] == [True, False, True]
    assert [str(p) for p in read[1].problems] == ["$.crs: inf is not a number a profile can hold (not finite)"]
    assert read[1].origin.endswith("pool.json[1]")
