"""Why-not analysis of one profile, in process: every category not met, the score what-ifs and the standing.

Target: under 50 ms per profile. Side by side, the baseline: one evaluation of the same profile (categories, programs
and the CRS, without a trace), which is what each of the analysis's questions to the evaluator costs. The rulebook's
footprints are found once (as the evaluators' closures are built once per rulebook), so the first profile is shown
apart. Figures are the best of repeated runs, in milliseconds: wall-clock time, and the process's own processor time,
which is what the target is judged on (on a machine other work shares, the wall clock also counts the time the
process waited for a processor; alone on the machine, the two agree).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from engine.eval.verdicts import evaluate_verdicts
from engine.lower.rulebook import Compiler
from engine.model.facts import facts_from_profile
from engine.model.profile import read_profiles
from engine.whynot.analyse import analyse
from engine.whynot.context import Analyser, Session

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 6, 1)
RUNS = 15
TARGET_MS = 50.0


def best(function: Callable[[], object], runs: int = RUNS, clock: Callable[[], float] = time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        function()
        times.append(clock() - start)
    return min(times) * 1000


def main() -> int:
    compiler = Compiler()
    rulebook = compiler.compile_year("2025")[0]
    analyser = Analyser(rulebook, compiler.compile_year("2023")[0])
    profiles = [p.data for path in sorted((ROOT / "examples" / "profiles").iterdir()) for p in read_profiles(path)]
    first = profiles[0]
    assert first is not None
    start = time.perf_counter()
    analyse(Analyser(rulebook), first, AS_OF)
    cold = (time.perf_counter() - start) * 1000
    print(f"{'profile':40} {'evaluations':>11} {'one evaluation':>15} {'why-not':>9} {'processor':>10}")
    figures = []
    for profile in profiles:
        assert profile is not None
        facts = facts_from_profile(profile)
        evaluation = best(lambda: evaluate_verdicts(rulebook, facts, AS_OF))  # noqa: B023
        analysis = best(lambda: analyse(analyser, profile, AS_OF))  # noqa: B023
        processor = best(lambda: analyse(analyser, profile, AS_OF), clock=time.process_time)  # noqa: B023
        session = Session(analyser, profile, AS_OF)
        asked = _questions(session)
        figures.append(processor)
        print(f"{profile['id']:40} {asked:>11} {evaluation:>12.3f} ms {analysis:>6.1f} ms {processor:>7.1f} ms")
    print(f"\nfirst profile with a fresh analyser (footprints found): {cold:.1f} ms")
    print(f"processor time: median {statistics.median(figures):.1f} ms, worst {max(figures):.1f} ms; "
          f"target {TARGET_MS:.0f} ms: "
          f"{'meets' if max(figures) < TARGET_MS else 'MISSES'}")
    return 0


def _questions(session: Session) -> int:
    """How many evaluations the analysis asks for (each distinct edit and day once)."""
    from engine.whynot.categories import advise_categories
    from engine.whynot.score import advise_score

    baseline = session.oracle.verdicts((), AS_OF, score=True)
    advise_categories(session, baseline)
    advise_score(session, baseline)
    return session.oracle.asked


if __name__ == "__main__":
    sys.exit(main())
