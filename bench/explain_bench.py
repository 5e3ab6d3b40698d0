"""What a full explanation costs: one profile of raw facts (meera-data-analyst-raw-scores.yaml: two results in raw
scores, a spouse with a result, two jobs), the shipped 2025 rules as of 2025-06-01, categories, programs and the CRS.

In process (ms a profile, best of 5 batches):
- verdicts only (`evaluate_verdicts`, no trace), and with the trace explanations are built from;
- the reports (`evaluate_inputs` with the full explanation tree), their JSON document, and that document encoded
  (the text `rules eval --format json` prints);
- the size of that text, and of the document without indentation (what `rules serve` answers by default).
Through the shell: what one more profile adds to `rules eval --format json` (the same profile given 1 time and
41 times, median of --runs runs of each, interleaved; the difference divided by 40), in wall and in CPU time.

Usage: python bench/explain_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from timing import best_of

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROFILE = ROOT / "examples" / "profiles" / "meera-data-analyst-raw-scores.yaml"
AS_OF = date(2025, 6, 1)
EXTRA = 40


def best_ms(function: Callable[[], object], runs: int) -> float:
    return round(best_of(function, runs) * 1000, 3)


def in_process(runs: int) -> dict[str, float]:
    import orjson

    from engine.eval.traced import evaluate_profile
    from engine.eval.verdicts import evaluate_verdicts
    from engine.explain.evaluation import evaluate_inputs
    from engine.explain.report import report_document, to_json
    from engine.lower.rulebook import Compiler
    from engine.model.facts import facts_from_profile
    from engine.model.profile import read_profiles

    rulebook = Compiler().compile_year("2025")[0]
    inputs = read_profiles(PROFILE)
    assert inputs[0].data is not None
    facts = facts_from_profile(inputs[0].data)
    reports = evaluate_inputs(inputs, [rulebook], AS_OF, "full").reports
    text = to_json(reports, [])
    return {
        "verdicts only, ms": best_ms(lambda: evaluate_verdicts(rulebook, facts, AS_OF), runs),
        "with the trace, ms": best_ms(lambda: evaluate_profile(rulebook, facts, AS_OF), runs),
        "reports with full explanations, ms": best_ms(lambda: evaluate_inputs(inputs, [rulebook], AS_OF, "full"),
                                                      runs),
        "JSON document from the reports, ms": best_ms(lambda: report_document(reports, []), runs),
        "JSON text from the reports (document and encoding), ms": best_ms(lambda: to_json(reports, []), runs),
        "JSON document size, KiB": round(len(text.encode()) / 1024, 1),
        "JSON document size, compact (as `rules serve` answers), KiB":
            round(len(orjson.dumps(report_document(reports, []))) / 1024, 1),
    }


def through_shell(runs: int) -> dict[str, float]:
    """Wall and CPU time (user and system, of the child process) of `rules eval`, median of `runs`."""
    rules = str(Path(sys.executable).with_name("rules"))
    base = [rules, "eval", "--year", "2025", "--as-of", AS_OF.isoformat(), "--format", "json"]
    measured: dict[int, tuple[list[float], list[float]]] = {1: ([], []), EXTRA + 1: ([], [])}
    for _ in range(runs):
        for count, (walls, cpus) in measured.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([*base, *[str(PROFILE)] * count], capture_output=True, check=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    results: dict[str, float] = {}
    for kind, index in (("wall", 0), ("CPU", 1)):
        one = statistics.median(measured[1][index])
        many = statistics.median(measured[EXTRA + 1][index])
        results[f"rules eval, 1 profile, median {kind} ms"] = round(one * 1000, 1)
        results[f"rules eval, {EXTRA + 1} profiles, median {kind} ms"] = round(many * 1000, 1)
        results[f"one more profile through rules eval, {kind} ms"] = round((many - one) / EXTRA * 1000, 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each shell measure")
    parser.add_argument("--batch", type=int, default=50, help="profiles per in-process batch")
    arguments = parser.parse_args()
    print(json.dumps({**in_process(arguments.batch), **through_shell(arguments.runs)}, indent=2))


if __name__ == "__main__":
    main()
