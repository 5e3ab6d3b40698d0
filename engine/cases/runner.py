"""Test cases written beside the rules, in an analyst's terms: a profile, an as-of date, the verdicts expected.

A rulebook folder may hold a `tests/` folder of YAML files, each with a list of cases:

    cases:
      - name: a nurse with two years in Canada is eligible for healthcare
        as_of: 2025-06-01
        profile: {id: nurse, eligible_programs: [cec], work_history: [...]}   # or a path, relative to this file
        expect: {healthcare: eligible, stem: not_eligible}
        explanation:                 # optional: words each category's explanation must contain
          healthcare: ["31301"]

`rules test` and pytest (through `tests/conftest.py`) share this runner. A broken case file never raises: its problems
become failed cases that say what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dsl.diagnostics import RuleErrors, did_you_mean
from engine import ir
from engine.eval.traced import EvaluationLimit, Verdict, evaluate
from engine.explain.report import build_report, to_text
from engine.lower.rulebook import Compiler, available_years
from engine.model.facts import facts_from_profile
from engine.model.profile import MAX_PROFILE_BYTES, ProfileInput, parse_document, read_profiles, validate

CASE_FOLDER = "tests"
CASE_SUFFIXES = (".yaml", ".yml")
VERDICTS = tuple(v.value for v in Verdict)
CASE_KEYS = ("name", "as_of", "profile", "expect", "explanation")


@dataclass(frozen=True, slots=True)
class Case:
    """One case as written; `problems` lists what is wrong with how it is written (then it cannot run)."""

    file: Path
    index: int
    name: str
    rulebook_folder: Path
    as_of: date | None = None
    profile: ProfileInput | None = None
    expect: Mapping[str, str] = field(default_factory=dict)
    fragments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`file::name`, the file relative to the working directory when it lies under it."""
        shown = self.file.relative_to(Path.cwd()) if self.file.is_absolute() and self.file.is_relative_to(Path.cwd()) \
            else self.file
        return f"{shown.as_posix()}::{self.name}"


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    passed: bool
    message: str


def case_files(path: Path) -> list[Path]:
    """The case files under a path: a case file, a rulebook's `tests/` folder, a rulebook folder or a rules tree."""
    if path.is_file():
        return [path]
    if path.name == CASE_FOLDER and any(path.parent.glob("*.rules")):
        return _yaml_files(path)
    if any(path.glob("*.rules")):
        return _yaml_files(path / CASE_FOLDER)
    return [f for year in available_years(path) for f in _yaml_files(path / year / CASE_FOLDER)]


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in CASE_SUFFIXES and p.is_file())


def load_cases(file: Path) -> list[Case]:
    """The cases of one file; a file that cannot be read as cases becomes one case that states the problem."""
    folder = file.parent.parent
    try:
        if file.stat().st_size > MAX_PROFILE_BYTES:
            raise ValueError(f"the file is larger than {MAX_PROFILE_BYTES:,} bytes")
        document = parse_document(file.read_text(encoding="utf-8"), ".yaml")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return [Case(file, 0, "(file)", folder, problems=(f"cannot read the cases: {error}",))]
    if not isinstance(document, dict) or not isinstance(document.get("cases"), list) or not document["cases"]:
        return [Case(file, 0, "(file)", folder, problems=("a case file holds 'cases:', a list of cases",))]
    return [_case(file, folder, index, entry) for index, entry in enumerate(document["cases"])]


def _case(file: Path, folder: Path, index: int, entry: Any) -> Case:
    if not isinstance(entry, dict):
        return Case(file, index, f"case {index + 1}", folder, problems=("a case is a mapping with name, as_of, "
                                                                          "profile and expect",))
    name = str(entry.get("name") or f"case {index + 1}")
    problems: list[str] = []
    for key in sorted(set(map(str, entry)) - set(CASE_KEYS)):
        hint = did_you_mean(key, CASE_KEYS)
        problems.append(f"'{key}' is not a field of a case" + (f"; {hint}" if hint else ""))
    as_of = _as_of(entry.get("as_of"), problems)
    profile = _profile(file, entry.get("profile"), problems)
    expect = _expect(entry.get("expect"), problems)
    fragments = _fragments(entry.get("explanation"), problems)
    return Case(file, index, name, folder, as_of, profile, expect, fragments, tuple(problems))


def _as_of(value: Any, problems: list[str]) -> date | None:
    if value is None:
        problems.append("'as_of' is required: the date of the round, YYYY-MM-DD")
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"as_of: {value!r} is not a date (write YYYY-MM-DD)")
        return None


def _profile(file: Path, value: Any, problems: list[str]) -> ProfileInput | None:
    if isinstance(value, dict):
        return validate(value, "profile")
    if isinstance(value, str):
        profiles = read_profiles(file.parent / value)
        if len(profiles) != 1:
            problems.append(f"profile: '{value}' holds {len(profiles)} profiles; a case needs exactly one")
            return None
        return profiles[0]
    problems.append("'profile' is required: a profile written inline, or the path of a profile file")
    return None


def _expect(value: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        problems.append("'expect' is required: category id -> eligible, not_eligible or undetermined")
        return {}
    expect: dict[str, str] = {}
    for category, verdict in value.items():
        if str(verdict) not in VERDICTS:
            problems.append(f"expect.{category}: {verdict!r} is not one of {', '.join(VERDICTS)}")
        expect[str(category)] = str(verdict)
    return expect


def _fragments(value: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append("'explanation' maps a category id to the words its explanation must contain")
        return {}
    fragments: dict[str, tuple[str, ...]] = {}
    for category, words in value.items():
        listed = words if isinstance(words, list) else [words]
        fragments[str(category)] = tuple(str(w) for w in listed)
    return fragments


class CaseRunner:
    """Runs cases against their rulebook, compiling each rulebook folder once."""

    def __init__(self, compiler: Compiler | None = None) -> None:
        self.compiler = compiler or Compiler()

    def rulebook(self, folder: Path) -> ir.Rulebook | RuleErrors:
        try:
            return self.compiler.compile_folder(folder)[0]
        except RuleErrors as errors:
            return errors

    def run(self, case: Case) -> Outcome:
        if case.problems:
            return Outcome(case, False, _heading(case, "the case is not written correctly") +
                           "".join(f"\n  - {p}" for p in case.problems))
        assert case.profile is not None and case.as_of is not None
        if case.profile.data is None:
            return Outcome(case, False, _heading(case, "the profile has problems") +
                           "".join(f"\n  - {p}" for p in case.profile.problems))
        rulebook = self.rulebook(case.rulebook_folder)
        if isinstance(rulebook, RuleErrors):
            return Outcome(case, False, _heading(case, "the rulebook has errors") + "\n" + rulebook.render())
        try:
            results = evaluate(rulebook, facts_from_profile(case.profile.data), case.as_of)
        except EvaluationLimit as limit:
            return Outcome(case, False, _heading(case, str(limit)))
        return _compare(case, rulebook, results)


def _heading(case: Case, what: str) -> str:
    return f"{case.label}: {what}"


def _compare(case: Case, rulebook: ir.Rulebook, results: Sequence[Any]) -> Outcome:
    by_id = {r.category.id: r for r in results}
    failures: list[str] = []
    shown: list[Any] = []
    for category, expected in case.expect.items():
        result = by_id.get(category)
        if result is None:
            hint = did_you_mean(category, by_id)
            failures.append(f"  - no category '{category}' in rulebook {rulebook.year}" + (f"; {hint}" if hint else ""))
            continue
        if result.verdict.value != expected:
            failures.append(f"  - {category}: expected {expected}, got {result.verdict.value}")
            shown.append(result)
    for category, words in case.fragments.items():
        result = by_id.get(category)
        if result is None:
            failures.append(f"  - explanation: no category '{category}' in rulebook {rulebook.year}")
            continue
        text = _explanation_text(case, rulebook, [result])
        absent = [w for w in words if w not in text]
        if absent:
            failures.append(f"  - {category}: the explanation does not mention " +
                            ", ".join(repr(w) for w in absent))
            if result not in shown:
                shown.append(result)
    if not failures:
        return Outcome(case, True, f"{case.label}: passed")
    assert case.profile is not None and case.profile.data is not None
    profile = yaml.safe_dump(dict(case.profile.data), sort_keys=False, allow_unicode=True).rstrip()
    message = [_heading(case, f"as of {case.as_of}"), *failures, "", "profile:", _indent(profile)]
    if shown:
        message += ["", "explanation:", _indent(_explanation_text(case, rulebook, shown).rstrip())]
    return Outcome(case, False, "\n".join(message))


def _explanation_text(case: Case, rulebook: ir.Rulebook, results: Sequence[Any]) -> str:
    assert case.profile is not None and case.profile.data is not None and case.as_of is not None
    report = build_report(str(case.profile.data["id"]), rulebook, case.as_of, None, results, "full")
    return to_text([report])


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def all_cases(paths: Sequence[Path]) -> Iterator[Case]:
    for path in paths:
        for file in case_files(path):
            yield from load_cases(file)
