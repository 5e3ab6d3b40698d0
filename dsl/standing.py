"""The words a source may use to say how far it can be trusted, and how readers see them.

A rule resting on a third-party source (a transcription, a news report, someone else's code) is law as others
report it, not as the government published it: every view of a verdict says so, and these are the words it uses.
"""

from __future__ import annotations

OFFICIAL = "official"
THIRD_PARTY = "third_party"
STANDINGS = (OFFICIAL, THIRD_PARTY)
CONFIDENCES = ("high", "medium_high", "medium", "low")


def shown(word: str) -> str:
    """`third_party` reads `third-party`, `medium_high` reads `medium-high`."""
    return word.replace("_", "-")
