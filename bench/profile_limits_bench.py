"""What the profile limits buy: the time and output of one `rules eval` on profiles at and past every limit.

A profile at every cap of the schema (10 test results with raw scores, a spouse with 10, 50 jobs) is evaluated and
explained; profiles past a limit (50 results, 200 jobs, a million-character field name, a YAML file of nested
aliases, JSON nested 100,000 deep) are refused with their JSON paths. Each is one `rules eval` from the shell, as a
user runs it, in every format; the table gives the wall time and the size of the output.

Run with `python bench/profile_limits_bench.py` (the worktree's interpreter).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RULES_COMMAND = Path(sys.executable).parent / "rules"
BASE = ROOT / "examples" / "profiles" / "meera-data-analyst-raw-scores.yaml"


def at_every_cap() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import yaml

    from engine.model.profile import fact_loader

    profile: dict[str, Any] = yaml.load(BASE.read_text(encoding="utf-8"), Loader=fact_loader())  # noqa: S506
    tef = [{"test": "tef_canada", "date": f"2024-0{m}-1{m}",
            "scores": {"listening": 400 + m, "reading": 410 + m, "writing": 420, "speaking": 430}} for m in range(1, 6)]
    ielts = [{"test": "ielts_general", "date": f"2024-0{m}-2{m}",
              "scores": {"listening": 7.5, "reading": 7, "writing": 6.5, "speaking": 7}} for m in range(1, 6)]
    profile["language_tests"] = tef + ielts
    profile["spouse"]["language_tests"] = copy.deepcopy(tef + ielts)
    profile["work_history"] = [
        {"noc": ("21223", "31301", "72010", "21231", "41220")[i % 5], "title": "x", "country": "Canada",
         "start": f"{2000 + i % 25}-0{1 + i % 9}-01", "end": f"{2000 + i % 25}-12-31", "hours_per_week": 20 + i % 25}
        for i in range(50)]
    return profile


def inputs(folder: Path) -> dict[str, Path]:
    capped = at_every_cap()
    laughs = "id: lol\na: &a [" + ", ".join(['"lol"'] * 9) + "]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    texts = {
        "at every cap.json": json.dumps(capped),
        "50 results.json": json.dumps({**capped, "language_tests": capped["language_tests"] * 5}),
        "200 jobs.json": json.dumps({**capped, "work_history": capped["work_history"] * 4}),
        "1 MB field name.json": json.dumps({**capped, "x" * 1_000_000: 1}),
        "nested aliases.yaml": laughs,
        "nested 100,000 deep.json": '{"id": "x", "education": ' + "[" * 100_000 + "]" * 100_000 + "}",
    }
    paths = {}
    for name, text in texts.items():
        path = folder / name.replace(" ", "-").replace(",", "")
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'profile':<26} {'format':<9} {'exit':>4} {'seconds':>8} {'output bytes':>13}")
        for name, path in inputs(Path(scratch)).items():
            for output_format, detail in (("text", "brief"), ("text", "full"), ("json", "full")):
                started = time.perf_counter()
                done = subprocess.run([str(RULES_COMMAND), "eval", str(path), "--year", "2025", "--as-of",
                                       "2025-06-01", "--format", output_format, "--explain", detail],
                                      capture_output=True, check=False, timeout=600)
                elapsed = time.perf_counter() - started
                size = len(done.stdout) + len(done.stderr)
                label = f"{output_format}/{detail}"
                print(f"{name:<26} {label:<9} {done.returncode:>4} {elapsed:>8.2f} {size:>13,}")


if __name__ == "__main__":
    main()
