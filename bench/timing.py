"""How the benchmarks here time things, in one place: a command in a fresh process (wall time, the process's own peak
resident memory from `wait4`, so the benchmark's own memory never counts, CPU time and standard output), and a
function in process (the best of five batches: the machine is shared, and the fastest batch is the least disturbed)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Measure:
    seconds: float
    peak_mib: float
    cpu_seconds: float
    output: str


def run(command: list[str], cwd: Path, what: str | None = None) -> Measure:
    """Run `command` in `cwd`; a failure stops the benchmark with the command's own error output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if status != 0:
            raise SystemExit(f"{what or ' '.join(command)} failed:\n{err.read().decode()}")
        return Measure(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.read().decode())


def best_of(function: Callable[[], object], runs: int) -> float:
    """Seconds per call of `function`: the fastest of five batches of `runs` calls."""
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(runs):
            function()
        samples.append((time.perf_counter() - start) / runs)
    return min(samples)
