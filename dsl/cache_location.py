"""Where the caches of rule files live: the parse cache (`dsl.ast_cache`) and the compiled rulebooks
(`engine.lower.rulebook_cache`).

Location: `$RULES_CACHE_DIR`, else `$XDG_CACHE_HOME/express-entry-rules`, else `~/.cache/express-entry-rules`.
`RULES_CACHE_DIR=off` turns both off.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder() -> Path | None:
    configured = os.environ.get("RULES_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "express-entry-rules"
