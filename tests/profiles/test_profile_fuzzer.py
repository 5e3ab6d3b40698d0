"""A profile fuzzer: files of several profiles, some damaged in the ways users and exports damage them, through
`rules eval`. Whatever the damage: no traceback, a bounded time, and nothing lost (every profile of the call is
either evaluated or named with its problems, and an undamaged profile among them is always evaluated).

A short, deterministic run by default (CI); `HYPOTHESIS_PROFILE=explore` draws new examples and many more of them
(`PROFILE_FUZZ_EXAMPLES` sets the number).
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli.main import main
from engine.model.profile import fact_loader
from tests.conftest import EXAMPLES

EXPLORING = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
FUZZ_EXAMPLES = int(os.environ.get("PROFILE_FUZZ_EXAMPLES", "2000" if EXPLORING else "15"))
# A bound against hangs, far above what one call takes (a fraction of a second); not a performance claim.
SECONDS_PER_CALL = 30

SEEDS = [yaml.load(path.read_text("utf-8"), Loader=fact_loader())  # noqa: S506 - fact_loader is a SafeLoader
         for path in sorted(EXAMPLES.iterdir()) if path.suffix == ".yaml"]
SEEDS = [json.loads(json.dumps(seed)) for seed in SEEDS]

# The kinds of bad value met in the wild and under mutation.
HOSTILE: tuple[Any, ...] = (
    "9998-01-01", "0001-01-01", "2025-02-30", float("nan"), float("inf"), -float("inf"), 1e308, 10**40, -5, 7.3,
    "\udc00", "Dev\ud800eloper", "x" * 5_000, "٢١٢٣١", "０2123", "21231\n", " 21231", 2123, 21231.0, "", None, True,
    [], {}, {"unknown": 1}, "<script>alert(1)</script>", "`id`\n# title", "NaN",
)


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


def laughs(levels: int) -> Any:
    """Shared lists: YAML writes them as anchors and aliases, a document that expands 9^levels times."""
    value: Any = ["lol"] * 9
    for _ in range(levels):
        value = [value] * 9
    return value


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_of(item, (*prefix, index))
    return found


def parent_of(document: Any, path: tuple[Any, ...]) -> Any:
    """The list or mapping that holds the value at `path`; None when an earlier mutation took the path away."""
    target = document
    for part in path[:-1]:
        holds = isinstance(target, dict) and part in target or isinstance(target, list) and \
            isinstance(part, int) and part < len(target)
        if not holds:
            return None
        target = target[part]
    return target if isinstance(target, (dict, list)) else None


@st.composite
def damaged(draw: st.DrawFn) -> Any:
    """A seed profile with one to three kinds of damage, each at a path of the undamaged profile (the paths of a
    damaged one may be without number: shared lists, nesting)."""
    seed = draw(st.sampled_from(SEEDS))
    paths = paths_of(seed)[1:]
    profile = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "deep", "laughs", "many_tests", "many_jobs", "long_name", "delete"]))
        path = draw(st.sampled_from(paths))
        parent = parent_of(profile, path)
        if kind == "many_tests" and isinstance(profile.get("language_tests"), list):
            profile["language_tests"] = profile["language_tests"][:5] * draw(st.integers(6, 60))
        elif kind == "many_jobs" and isinstance(profile.get("work_history"), list):
            profile["work_history"] = profile["work_history"][:5] * draw(st.integers(20, 250))
        elif kind == "long_name":
            profile["n" * draw(st.integers(50, 200_000))] = 1
        elif parent is None or isinstance(parent, list) and not isinstance(path[-1], int):
            continue
        elif kind == "value":
            parent[path[-1]] = draw(st.sampled_from(HOSTILE))
        elif kind == "deep":
            parent[path[-1]] = deep(draw(st.integers(10, 3000)))
        elif kind == "laughs":
            parent[path[-1]] = laughs(draw(st.integers(2, 9)))
        elif kind == "delete" and isinstance(parent, dict):
            parent.pop(path[-1], None)
    return profile


def expanded_size(value: Any, budget: int = 100_000) -> int:
    """The number of values `value` holds once shared lists are written out (counted up to just past `budget`)."""
    count = 0
    stack = [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def serialise(profiles: list[Any], as_yaml: bool) -> str | None:
    """The profiles as a YAML or JSON text; None when they cannot be written so (JSON writes shared lists out in
    full, so a document that expands past 100,000 values is written as YAML only, with its anchors and aliases)."""
    if not as_yaml and expanded_size(profiles) > 100_000:
        return None
    if as_yaml:
        try:
            return str(yaml.safe_dump(profiles, allow_unicode=True))
        except (yaml.YAMLError, RecursionError, UnicodeEncodeError):
            return None  # not every damaged value can be written as YAML; JSON writes it
    try:
        return json.dumps(profiles)
    except (RecursionError, ValueError):
        return None


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(st.lists(damaged(), min_size=1, max_size=3), st.integers(0, 3), st.booleans())
def test_damaged_profiles_give_json_paths_and_never_lose_a_profile(bad: list[Any], where: int, as_yaml: bool) -> None:
    good = SEEDS[0]
    profiles = [*bad[:where], good, *bad[where:]]
    text = serialise(profiles, as_yaml)
    if text is None:
        text = serialise(profiles, not as_yaml)
        as_yaml = not as_yaml
    if text is None:
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / ("pool.yaml" if as_yaml else "pool.json")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        started = time.monotonic()
        result = CliRunner().invoke(main, ["eval", str(path), "--year", "2025", "--as-of", "2025-06-01",
                                           "--format", "json"], catch_exceptions=True)
        elapsed = time.monotonic() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}") from result.exception
    assert result.exit_code in (0, 2), result.output[-2000:]
    assert elapsed < SECONDS_PER_CALL
    document = json.loads(result.stdout)
    errors = document.get("errors", [])
    for error in errors:
        assert error["problems"] and all(p["path"].startswith("$") for p in error["problems"]), error
        assert all(len(p["message"]) < 1_000 for p in error["problems"])
    whole_file = [e for e in errors if e["input"] == str(path)]
    if whole_file:  # the file itself could not be read (aliases, nesting): one error for it, and nothing else
        assert document["results"] == [] and len(errors) == 1
        return
    evaluated = {r["profile"] for r in document["results"]}
    assert len(document["results"]) + len(errors) == len(profiles)
    assert good["id"] in evaluated
