"""Values written into Markdown stay values: a profile id, a field name, a title or a message cannot open a code
span, a link, an HTML element or a new block in the document it is written into.

A profile may come from anyone, and Markdown reports are rendered to HTML (a site, a code review, a chat), so every
value is escaped where it is written: in running text, `<`, `>` and `&` become entities (no element, no autolink),
a backslash and a backtick are escaped, `](` cannot close a link text, and a line break becomes a space (no new
heading, list or HTML block); in a table cell, `|` cannot end the cell; in a code span, the fence is longer than any
run of backticks inside, and line breaks become spaces.
"""

from __future__ import annotations

import re

# Every character CommonMark or Python treats as ending a line.
_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_ESCAPES = {"\\": "\\\\", "`": "\\`", "<": "&lt;", ">": "&gt;", "&": "&amp;"}


def text(value: object) -> str:
    """A value as running Markdown text (a heading, a list item, a table cell) that reads as itself."""
    flat = _LINE_BREAKS.sub(" ", str(value))
    escaped = "".join(_ESCAPES.get(character, character) for character in flat)
    return escaped.replace("](", "]\\(").replace("![", "!\\[")


def cell(value: object) -> str:
    """A value as the text of a table cell: running text in which `|` does not end the cell."""
    return text(value).replace("|", "\\|")


def code(value: object) -> str:
    """A value as an inline code span, whatever backticks it holds."""
    flat = _LINE_BREAKS.sub(" ", str(value))
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {flat} " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else flat
    return f"{fence}{padded}{fence}"


def link(label: object, url: str) -> str:
    """A link to a source's address: the label escaped, the address written between angle brackets so that no
    character of it ends the link (spaces, parentheses and angle brackets in it percent-encoded)."""
    safe = url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    safe = _LINE_BREAKS.sub("", safe)
    return f"[{text(label)}]({safe})" if not re.search(r"[()]", safe) else f"[{text(label)}](<{safe}>)"
