"""The quick schema check (jsonschema-rs) says yes exactly when `jsonschema`, which names the problems, finds none: on
every example profile, and on copies of them with one value replaced by a value met in the wild, or one field
removed, among those that pass the checks made before the schema (finite numbers, sizes, Unicode). A yes it gave where
`jsonschema` finds a problem would let a bad profile through unnamed: that is checked on every copy."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from engine.model.profile import _holds_quickly, _validator, _value_problems, fact_loader, validate
from tests.conftest import EXAMPLES
from tests.profiles.test_profile_fuzzer import HOSTILE, parent_of, paths_of

SEEDS = {path.name: json.loads(json.dumps(yaml.load(path.read_text("utf-8"), Loader=fact_loader())))  # noqa: S506
         for path in sorted(EXAMPLES.iterdir()) if path.suffix in (".yaml", ".json")}


def changed_copies(seed: Any) -> list[tuple[str, Any]]:
    """The seed with, at each path, one hostile value in turn (a different one at each path), and with each field
    removed."""
    copies = []
    for index, path in enumerate(paths_of(seed)[1:]):
        for value in (HOSTILE[index % len(HOSTILE)], HOSTILE[(index * 7 + 3) % len(HOSTILE)]):
            profile = copy.deepcopy(seed)
            parent_of(profile, path)[path[-1]] = value
            copies.append((f"{path} = {value!r:.20}", profile))
        if isinstance(parent_of(seed, path), dict):
            profile = copy.deepcopy(seed)
            del parent_of(profile, path)[path[-1]]
            copies.append((f"{path} removed", profile))
    return copies


def jsonschema_finds_nothing(document: Any) -> bool:
    return next(iter(_validator().iter_errors(document)), None) is None


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_both_validators_agree_on_a_profile_and_its_changed_copies(name: str) -> None:
    seed = SEEDS[name]
    assert _holds_quickly(seed) and jsonschema_finds_nothing(seed)
    copies = changed_copies(seed)
    let_through = [what for what, profile in copies
                   if _holds_quickly(profile) and not jsonschema_finds_nothing(profile)]
    assert let_through == []
    checked = [(what, profile) for what, profile in copies if next(_value_problems(profile, "$", 0), None) is None]
    disagreements = [what for what, profile in checked if _holds_quickly(profile) != jsonschema_finds_nothing(profile)]
    assert disagreements == []
    assert any(not _holds_quickly(profile) for _, profile in copies)  # the copies do break the schema


def test_a_code_ending_in_a_newline_or_in_other_digits_does_not_hold() -> None:
    """ECMA-262 patterns: `$` ends the text, and `[0-9]` is ASCII."""
    seed = copy.deepcopy(SEEDS["amara-software-engineer.yaml"])
    for code in ("21231\n", "٢١٢٣١"):
        seed["work_history"][0]["noc"] = code
        assert not _holds_quickly(seed)
        assert [p.path for p in validate(seed, "profile").problems] == ["$.work_history[0].noc"]


def test_a_date_outside_the_years_of_a_profile_does_not_hold() -> None:
    seed = copy.deepcopy(SEEDS["amara-software-engineer.yaml"])
    seed["language_tests"][0]["date"] = "9998-01-01"
    assert not _holds_quickly(seed)
    assert [str(p) for p in validate(seed, "profile").problems] == [
        "$.language_tests[0].date: '9998-01-01' lies outside the years 1900 to 2199 a profile's dates may take"]
