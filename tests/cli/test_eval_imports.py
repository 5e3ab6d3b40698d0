"""`rules eval` imports only what evaluating a profile uses: with the compiled rulebook stored, a fresh process reads
neither the language's parser nor its checker, nor the pool, SQL, diff, site or web modules, nor the libraries only
they need (DuckDB, Arrow, Lark), nor the slower schema library kept for naming a bad profile's problems. Each costs
every command its import: start-up is most of what one evaluation from the shell takes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT

NOT_NEEDED = ("dsl.parser", "dsl.checker", "lark", "engine.lower.from_ast", "engine.sql", "engine.pool",
              "engine.diff", "engine.docs", "engine.serve", "engine.whynot", "duckdb", "pyarrow", "jsonschema",
              "yaml", "importlib.resources", "tempfile")

SCRIPT = """
import sys
from engine.cli.main import main
sys.argv = ["rules", "eval", sys.argv[1], "--year", "2025", "--as-of", "2025-06-01", "--format", "json"]
try:
    main()
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def modules_imported_by_eval(profile: Path, cache: Path) -> set[str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(profile)], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"RULES_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"})
    assert '"verdict"' in done.stdout
    return set(done.stderr.split())


def test_evaluating_a_json_profile_with_the_rulebook_stored_imports_only_what_it_uses(tmp_path: Path) -> None:
    profile = EXAMPLES / "julien-nurse-francophone.json"
    first = modules_imported_by_eval(profile, tmp_path)  # compiles the rulebook and stores it
    assert "dsl.checker" in first
    imported = modules_imported_by_eval(profile, tmp_path)
    assert "engine.eval.traced" in imported and "engine.explain.graph" in imported
    assert [name for name in NOT_NEEDED if name in imported] == []
