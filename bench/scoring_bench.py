"""Cost per profile of programs (FSW, CEC, FST) and the CRS, in process, against the design's 0.3 ms budget for
one profile's categories with explanation.

Three raw-fact profiles from examples/profiles (no `eligible_programs`, no `crs`) and one that gives both; each is
timed for: categories only (as before this work: pool membership given), categories with programs and CRS
(verdicts and score only), and the same with every explanation built and turned into JSON.

Run: `.venv/bin/python bench/scoring_bench.py [--runs N] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "profiles"
RAW_PROFILES = ["meera-data-analyst-raw-scores.yaml", "tomas-welder-trades.yaml", "aisha-nurse-french-first.yaml"]
GIVEN_PROFILE = "julien-nurse-francophone.json"
BUDGET_MS = 0.3
AS_OF = date(2025, 6, 1)


def per_call(function: Callable[[], object], runs: int) -> float:
    """Seconds per call: the best of `runs` batches of 20 calls, after a warm-up (the least disturbed by other
    processes)."""
    function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(20):
            function()
        samples.append((time.perf_counter() - start) / 20)
    return min(samples)


def measure(name: str, runs: int) -> dict[str, float]:
    from engine.evaluate import evaluate, evaluate_profile
    from engine.explanation import explain_results, explain_sections
    from engine.facts import facts_from_profile
    from engine.profile import read_profiles
    from engine.rulebook import Compiler

    rulebook = Compiler().compile_year("2025")[0]
    (profile,) = read_profiles(EXAMPLES / name)
    assert profile.data is not None, profile.problems
    facts = facts_from_profile(profile.data)

    def categories() -> None:
        evaluate(rulebook, facts, AS_OF)

    def everything() -> None:
        evaluate_profile(rulebook, facts, AS_OF)

    def everything_explained() -> None:
        result = evaluate_profile(rulebook, facts, AS_OF)
        for explanation in explain_results([*result.categories, *result.programs], rulebook):
            explanation.to_json()
        if result.score is not None:
            for section in explain_sections(result.score.sections, rulebook):
                section.to_json()

    return {"categories_ms": per_call(categories, runs) * 1000,
            "with_programs_and_crs_ms": per_call(everything, runs) * 1000,
            "with_explanations_ms": per_call(everything_explained, runs) * 1000}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    results = {name: measure(name, arguments.runs) for name in [*RAW_PROFILES, GIVEN_PROFILE]}
    print(f"{'profile':40} {'categories':>12} {'+programs+CRS':>14} {'+explanations':>14}   (ms per profile)")
    for name, numbers in results.items():
        print(f"{name:40} {numbers['categories_ms']:12.3f} {numbers['with_programs_and_crs_ms']:14.3f} "
              f"{numbers['with_explanations_ms']:14.3f}")
    raw = [results[name] for name in RAW_PROFILES]
    added = statistics.median(n["with_programs_and_crs_ms"] - results[GIVEN_PROFILE]["categories_ms"] for n in raw)
    print(f"\nadded by programs + CRS (raw profiles, median, verdicts and score): {added:.3f} ms; "
          f"budget {BUDGET_MS} ms per profile: {'within' if added <= BUDGET_MS else 'OVER'}")
    if arguments.json:
        arguments.json.write_text(json.dumps({"results": results, "added_ms": added, "budget_ms": BUDGET_MS},
                                             indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
