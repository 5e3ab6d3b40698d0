"""Cost per profile of programs (FSW, CEC, FST) and the CRS, in process, against the design's 0.3 ms budget.

Three raw-fact profiles from examples/profiles (no `eligible_programs`, no `crs`) and one that gives both. Each is
timed:
- categories only, on the same profile with its programs and CRS given (what it cost before programs and the CRS
  were rules): the baseline;
- categories, programs and CRS, verdicts and score only (`engine.eval.verdicts`, no trace: pools, rounds, diffs);
- the same with the trace explanations are built from (`engine.evaluate.evaluate_profile`);
- the same with every explanation built and turned into JSON.
"Added" is the second (and third) minus the baseline: what computing programs and the CRS costs a profile.

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
    from engine.eval.traced import evaluate_profile
    from engine.eval.verdicts import evaluate_verdicts
    from engine.explain.explanation import explain_results, explain_sections
    from engine.lower.rulebook import Compiler
    from engine.model.facts import facts_from_profile
    from engine.model.profile import read_profiles

    rulebook = Compiler().compile_year("2025")[0]
    (profile,) = read_profiles(EXAMPLES / name)
    assert profile.data is not None, profile.problems
    facts = facts_from_profile(profile.data)
    computed = evaluate_verdicts(rulebook, facts, AS_OF)
    given_facts = facts_from_profile({
        **profile.data, "crs": int(computed.score_total.amount),
        "eligible_programs": [p.id for p, verdict in computed.programs if verdict == "eligible"]})

    def baseline() -> None:
        evaluate_verdicts(rulebook, given_facts, AS_OF, with_programs_and_score=False)

    def verdicts() -> None:
        evaluate_verdicts(rulebook, facts, AS_OF)

    def traced() -> None:
        evaluate_profile(rulebook, facts, AS_OF)

    def explained() -> None:
        result = evaluate_profile(rulebook, facts, AS_OF)
        for explanation in explain_results([*result.categories, *result.programs], rulebook):
            explanation.to_json()
        if result.score is not None:
            for section in explain_sections(result.score.sections, rulebook):
                section.to_json()

    return {"baseline_ms": per_call(baseline, runs) * 1000,
            "verdicts_ms": per_call(verdicts, runs) * 1000,
            "traced_ms": per_call(traced, runs) * 1000,
            "explained_ms": per_call(explained, runs) * 1000}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    arguments = parser.parse_args(argv)
    results = {name: measure(name, arguments.runs) for name in [*RAW_PROFILES, GIVEN_PROFILE]}
    print(f"{'profile':38} {'baseline':>9} {'verdicts':>9} {'traced':>9} {'explained':>10}   (ms per profile)")
    for name, numbers in results.items():
        print(f"{name:38} {numbers['baseline_ms']:9.3f} {numbers['verdicts_ms']:9.3f} {numbers['traced_ms']:9.3f} "
              f"{numbers['explained_ms']:10.3f}")
    raw = [results[name] for name in RAW_PROFILES]
    added = statistics.median(n["verdicts_ms"] - n["baseline_ms"] for n in raw)
    added_traced = statistics.median(n["traced_ms"] - n["baseline_ms"] for n in raw)
    worst = max(n["verdicts_ms"] - n["baseline_ms"] for n in raw)
    print(f"\nadded by programs + CRS to a raw profile, verdicts and score: median {added:.3f} ms, "
          f"worst {worst:.3f} ms; "
          f"budget {BUDGET_MS} ms: {'within' if worst <= BUDGET_MS else 'OVER'}")
    print(f"added with the trace recorded for explanations: median {added_traced:.3f} ms")
    if arguments.json:
        arguments.json.write_text(json.dumps({"results": results, "added_ms": added, "added_worst_ms": worst,
                                              "added_traced_ms": added_traced, "budget_ms": BUDGET_MS},
                                             indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
