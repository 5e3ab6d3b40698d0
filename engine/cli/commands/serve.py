"""`rules serve`: the web API and the eligibility page, on uvicorn.

Every rulebook of the rules tree is compiled before the server listens, so a rule-file error stops it at once (with
the diagnostics, exit 1) rather than on some later request, and no request pays for compiling.
"""

from __future__ import annotations

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
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True)
def serve_command(host: str, port: int, tree: Path | None, root_path: str, log_level: str) -> None:
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
    click.echo(f"Rulebooks {', '.join(library.years)} compiled; serving http://{_shown(host)}:{port}/ "
               f"(the API is described at /openapi.json). Ctrl-C stops.", err=True)
    uvicorn.run(create_app(library), host=host, port=port, root_path=root_path, log_level=log_level,
                server_header=False)


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
