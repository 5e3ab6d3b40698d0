"""Benchmarks against the targets of the design (2-core machine):

| what                                                              | target                    |
|-------------------------------------------------------------------|---------------------------|
| parse + check + compile one year's rulebook                        | < 100 ms warm, 300 ms cold |
| `rules eval` of one profile from the shell, both years             | < 0.5 s wall               |
| one profile, all categories of a year, with explanation, in process | < 0.3 ms                  |

Also measured: a profile of raw facts (test scores, no programs, no CRS) whose programs and CRS the rules compute,
with and without the trace.

Run with `make bench` (or `python bench/run.py`). Prints a table; `--json FILE` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from timing import best_of

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "examples" / "profiles" / "julien-nurse-francophone.json"
RAW_PROFILE = ROOT / "examples" / "profiles" / "meera-data-analyst-raw-scores.yaml"  # test scores, 2024
RULES_COMMAND = Path(sys.executable).parent / "rules"

COLD_SNIPPET = """
import time
start = time.perf_counter()
from engine.lower.rulebook import Compiler
Compiler(stored=False).compile_year({year!r})
print(time.perf_counter() - start)
"""


def compile_cold(year: str, runs: int) -> float:
    """A fresh interpreter each time: imports and the first compile from the parse cache, the compiled-rulebook
    cache left out (what a changed rule file costs; interpreter start excluded)."""
    times = []
    for _ in range(runs):
        output = subprocess.run([sys.executable, "-c", COLD_SNIPPET.format(year=year)], capture_output=True,
                                text=True, check=True, cwd=ROOT).stdout
        times.append(float(output))
    return statistics.median(times)


def compile_warm(year: str, runs: int) -> float:
    """Parser already built, compiled-rulebook cache empty: the cost of re-reading changed rule files."""
    from engine.lower.rulebook import Compiler

    Compiler(stored=False).compile_year(year)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        Compiler(stored=False).compile_year(year)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def evaluate_in_process(year: str, runs: int) -> tuple[float, float]:
    """Seconds per profile for all categories: evaluation (which always records the trace an explanation is built
    from), and evaluation plus the readable explanation tree rendered to JSON (as a graph, the way reports are)."""
    from engine.eval.traced import evaluate
    from engine.explain.explanation import explain_results
    from engine.explain.graph import GraphWriter, RulesTable
    from engine.lower.rulebook import Compiler
    from engine.model.facts import facts_from_profile
    from engine.model.profile import read_profiles

    rulebook = Compiler().compile_year(year)[0]
    (profile,) = read_profiles(PROFILE)
    assert profile.data is not None
    facts = facts_from_profile(profile.data)
    as_of = rulebook.in_force_until

    def verdicts_only() -> None:
        evaluate(rulebook, facts, as_of)

    def with_explanation() -> None:
        graph = GraphWriter(RulesTable())  # one profile's document: its own table of rules
        for explanation in explain_results(evaluate(rulebook, facts, as_of), rulebook):
            graph.write(explanation)

    return best_of(verdicts_only, runs), best_of(with_explanation, runs)


def evaluate_raw_in_process(year: str, runs: int) -> tuple[float, float]:
    """Seconds per profile for a profile of raw facts (test scores, no programs, no CRS): categories, programs and the
    CRS, without a trace (`engine.eval.verdicts`: pools, rounds, diffs) and with the trace explanations are
    built from."""
    from engine.eval.traced import evaluate_profile
    from engine.eval.verdicts import evaluate_verdicts
    from engine.lower.rulebook import Compiler
    from engine.model.facts import facts_from_profile
    from engine.model.profile import read_profiles

    rulebook = Compiler().compile_year(year)[0]
    (profile,) = read_profiles(RAW_PROFILE)
    assert profile.data is not None
    facts = facts_from_profile(profile.data)
    as_of = rulebook.in_force_until
    return (best_of(lambda: evaluate_verdicts(rulebook, facts, as_of), runs),
            best_of(lambda: evaluate_profile(rulebook, facts, as_of), runs))


def eval_from_shell(runs: int) -> float:
    times = []
    command = [str(RULES_COMMAND), "eval", str(PROFILE), "--year", "2023", "--year", "2025", "--format", "json"]
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    arguments = parser.parse_args()
    runs = 3 if arguments.quick else 7
    rows: list[tuple[str, float, float, str]] = []
    for year in ("2023", "2025"):
        rows.append((f"compile {year}, cold (fresh process)", compile_cold(year, runs), 0.300, "s"))
        rows.append((f"compile {year}, warm", compile_warm(year, runs * 3), 0.100, "s"))
        verdicts, explained = evaluate_in_process(year, 200 if arguments.quick else 1000)
        rows.append((f"one profile, all {year} categories, verdicts and recorded trace", verdicts, 0.0003, "s"))
        rows.append((f"one profile, all {year} categories, + explanation tree and JSON", explained, 0.0003, "s"))
    bare, traced = evaluate_raw_in_process("2025", 200 if arguments.quick else 1000)
    rows.append(("raw-fact profile, 2025 categories + programs + CRS, verdicts", bare, 0.0003, "s"))
    rows.append(("raw-fact profile, 2025 categories + programs + CRS, traced", traced, 0.0003, "s"))
    rows.append(("`rules eval` one profile, both years, wall", eval_from_shell(runs), 0.5, "s"))
    print(f"{'measure':<58} {'result':>12} {'target':>10}  verdict")
    for name, value, target, _ in rows:
        verdict = "meets" if value <= target else "MISSES"
        print(f"{name:<58} {value * 1000:>9.3f} ms {target * 1000:>7.1f} ms  {verdict}")
    if arguments.json:
        arguments.json.write_text(json.dumps({n: v for n, v, _, _ in rows}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
