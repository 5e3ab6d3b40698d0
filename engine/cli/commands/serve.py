"""`rules serve`: the web API and the eligibility page, on uvicorn.

Every rulebook of the rules tree is compiled before the server listens, so a rule-file error stops it at once (with
the diagnostics, exit 1) rather than on some later request, and no request pays for compiling. A folder with no
rulebook is a usage error (exit 2); an address it cannot listen on stops uvicorn (exit 3, its startup failure).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from engine.cli.common import EXIT_RULE_ERRORS, EXIT_USAGE


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. 127.0.0.1 serves this machine only; put a reverse proxy in front "
                   "rather than listening on a public address.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port.")
@click.option("--rules", "tree", type=click.Path(path_type=Path, file_okay=False, exists=True), metavar="DIR",
              help="A rules tree (a folder per year, as rules/) instead of the shipped one.")
@click.option("--root-path", default="", metavar="PATH",
              help="The path prefix a reverse proxy serves the application under (such as /eligibility).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes, each with its own compiled rulebooks: evaluation is CPU work and one process "
                   "uses one core, so up to one per core.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True)
def serve_command(host: str, port: int, tree: Path | None, root_path: str, workers: int, log_level: str) -> None:
    """Serve the JSON API (/v1/eval, /v1/rulebooks, /v1/diff, /openapi.json) and the eligibility page (/)."""
    import uvicorn

    from dsl.diagnostics import RuleErrors
    from engine.lower.rulebook import default_rules_tree
    from engine.serve.app import create_app
    from engine.serve.library import EmptyTree, load_library

    root = tree or default_rules_tree()
    try:
        library = load_library(root)
    except RuleErrors as errors:
        click.echo(errors.render(), err=True)
        sys.exit(EXIT_RULE_ERRORS)
    except EmptyTree as empty:
        click.echo(f"error: {empty}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"Rulebooks {', '.join(library.years)} compiled; listening on http://{_shown(host)}:{port}/ "
               f"(the API is described at /openapi.json). Ctrl-C stops.", err=True)
    settings = {"host": host, "port": port, "root_path": root_path, "log_level": log_level, "server_header": False}
    if workers == 1:
        uvicorn.run(create_app(library), **settings)  # type: ignore[arg-type]
        return
    # Worker processes import the application by name and compile the rules tree that RULES_PATH names (from the
    # parse cache this process has just filled); compiling here first stopped on any error before they start.
    os.environ["RULES_PATH"] = str(root.resolve())
    uvicorn.run("engine.serve.app:app_from_environment", factory=True, workers=workers,
                **settings)  # type: ignore[arg-type]


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
