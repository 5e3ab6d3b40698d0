"""The hash that names a rulebook's files: equal hashes, equal files (each file's display path and text)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping


def content_hash(texts: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(texts):
        digest.update(path.encode() + b"\0" + texts[path].encode() + b"\0")
    return digest.hexdigest()
