"""The hostile rule files and profile of issue 18, timed: each answered in well under the 10 s a file may take.

Each case is written to a scratch folder and run as its own `rules` command in a fresh interpreter, with the parse
cache off (so every file is read for the first time). `--baseline DIR` runs the same cases against another checkout of
the project (its `dsl/` and `engine/` first on the module path), so the numbers stand side by side; a case still
running after `--timeout` seconds is reported as such.

    python bench/rule_file_limits.py                       # this checkout
    python bench/rule_file_limits.py --baseline ../main    # and another, side by side
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ('rulebook 2025 "Bench" in force 2025-01-01 until 2025-12-31 cite src\n'
          'source src "A source" "https://example.org"\n')


def one_unknown_name_in_20_kb() -> str:
    filler = "".join(f'constant c{i} "c" cite src = {i}\n' for i in range(600))
    return HEADER + filler + 'category c "C" cite src { eligible when minimum_experiense >= 1 }\n'


def a_500_kb_name() -> str:
    return HEADER + f'category c "C" cite src {{ eligible when {"n" * 500_000} }}\n'


def a_long_line_of_unknown_names() -> str:
    return HEADER + "define d cite src = " + " and ".join(f"unknown_{i}" for i in range(9_000)) + "\n"


def definitions_that_double(levels: int) -> Callable[[], str]:
    def text() -> str:
        lines = ['define d0 "d" cite src = count(work_history) >= 1']
        lines += [f'define d{i} "d" cite src = d{i - 1} and d{i - 1}' for i in range(1, levels + 1)]
        return HEADER + "\n".join(lines) + f'\ncategory c "C" cite src {{ eligible when d{levels} }}\n'
    return text


def a_chain_of_definitions(length: int) -> Callable[[], str]:
    def text() -> str:
        lines = ['define d0(x: count) "d" cite src = x >= 1']
        lines += [f'define d{i}(x: count) "d" cite src = d{i - 1}(x)' for i in range(1, length + 1)]
        return HEADER + "\n".join(lines) + f'\ncategory c "C" cite src {{ eligible when d{length}(1) }}\n'
    return text


CASES: list[tuple[str, Callable[[], str], str]] = [
    ("20 KB rule file, one unknown name", one_unknown_name_in_20_kb, "check"),
    ("a 500 KB unknown name", a_500_kb_name, "check"),
    ("one line of 9,000 unknown names (80 KB)", a_long_line_of_unknown_names, "check"),
    ("definitions that double, 20 levels", definitions_that_double(20), "eval"),
    ("a chain of 300 definitions", a_chain_of_definitions(300), "eval"),
]


def run_case(text: str, command: str, code: Path, timeout: float) -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "rules" / "bench"
        folder.mkdir(parents=True)
        (folder / "main.rules").write_text(text, encoding="utf-8")
        arguments = ["check", str(folder)] if command == "check" else \
            ["eval", str(ROOT / "examples" / "profiles" / "amara-software-engineer.yaml"), "--rules", str(folder),
             "--as-of", "2025-06-01", "--explain", "summary"]
        environment = {**os.environ, "PYTHONPATH": str(code), "RULES_CACHE_DIR": "off",
                       "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-c", "from engine.cli.main import main; main()", *arguments],
                                  capture_output=True, text=True, timeout=timeout, env=environment, cwd=scratch)
        except subprocess.TimeoutExpired:
            return f"still running after {timeout:.0f} s", timeout
        elapsed = time.perf_counter() - started
        last = (done.stdout.strip().splitlines() or [""])[-1][:60]
        traceback = "Traceback" in done.stderr
        outcome = "traceback" if traceback else f"exit {done.returncode}: {last}"
        return outcome, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="another checkout to run the same cases against")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    options = parser.parse_args()
    checkouts = [("this checkout", ROOT)] + ([("baseline", options.baseline.resolve())] if options.baseline else [])
    results: dict[str, dict[str, tuple[str, float]]] = {}
    for name, text, command in CASES:
        written = text()
        results[name] = {label: run_case(written, command, code, options.timeout) for label, code in checkouts}
    print("| case | " + " | ".join(label for label, _ in checkouts) + " |")
    print("|---|" + "---|" * len(checkouts))
    for name, by_checkout in results.items():
        cells = [f"{seconds:.1f} s ({outcome})" for outcome, seconds in by_checkout.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if options.json:
        options.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
