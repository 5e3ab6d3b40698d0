"""JSON documents written as text: the same bytes as `json.dumps(document, indent=2, ensure_ascii=False)`, encoded by
orjson.

Python's encoder falls back to pure Python whenever it indents, which made encoding most of the cost of a full
explanation (a raw-fact profile's 270 KiB document took about 10 ms). orjson writes the same layout (two spaces a
level, `", "` never, `": "` after keys, `[]` and `{}` when empty, non-ASCII text as UTF-8) and the same shortest
round-trip digits for every float, but writes floats from 1e-9 to 1e-4 in magnitude in another notation: `0.00001`
and `2e-7` where Python writes `1e-05` and `2e-07`. Its output is therefore checked for those two shapes (`0.0000`, an
exponent of one digit), and a document where one appears, even inside a text, is written by Python's encoder instead,
as is one orjson refuses (an integer beyond 64 bits, a key that is not text, a lone surrogate). The documents never
hold a NaN or an infinity: profiles refuse them (Python would write `NaN`, orjson `null`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# The shapes in which orjson's numbers may differ from Python's, found in the encoded bytes. Each is looked for as a
# literal first (a fast byte search; a regular expression with alternatives scans the text 10 times slower).
_SHORT_EXPONENT = re.compile(rb"e-[0-9](?![0-9])")


def document_text(document: Any) -> str:
    """The document as indented JSON text, byte for byte what Python's `json.dumps(document, indent=2,
    ensure_ascii=False)` gives."""
    try:
        encoded = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError: a value or key orjson does not write as Python does
        return json.dumps(document, indent=2, ensure_ascii=False)
    if b"0.0000" in encoded or (b"e-" in encoded and _SHORT_EXPONENT.search(encoded)):
        return json.dumps(document, indent=2, ensure_ascii=False)
    return encoded.decode()
