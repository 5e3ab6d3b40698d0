"""One profile's analysis: why not, for each category it does not meet; what raises its score; where it stands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from engine.model.quantities import Points
from engine.whynot.categories import ELIGIBLE, advise_categories
from engine.whynot.context import Analyser, Session
from engine.whynot.model import Advice
from engine.whynot.score import advise_score
from engine.whynot.standing import standing


def analyse(analyser: Analyser, profile: Mapping[str, Any], as_of: date, as_of_note: str | None = None,
            category: str | None = None) -> Advice:
    """Suggestions for every category the profile does not meet (or only `category`), the score what-ifs, and the
    rounds of the categories it meets. `profile` is the profile as read (validated), not its facts: suggestions are
    edits of it."""
    session = Session(analyser, profile, as_of)
    baseline = session.oracle.verdicts((), as_of, score=True)
    if not isinstance(baseline.score_total, Points):
        session.with_score = False  # an undetermined score has no what-ifs to share evaluations with
    categories = advise_categories(session, baseline, category)
    score = advise_score(session, baseline)
    total = baseline.score_total.amount if isinstance(baseline.score_total, Points) else None
    eligible = [c for c, verdict in baseline.categories if verdict.value == ELIGIBLE
                and (category is None or c.id == category)]
    rulebooks = [analyser.rulebook, *([analyser.earlier] if analyser.earlier is not None else [])]
    submitted = session.facts.values.get("submitted_at")
    places = standing(rulebooks, eligible, total, submitted if isinstance(submitted, datetime) else None)
    return Advice(str(profile["id"]), analyser.rulebook, as_of, as_of_note, categories, score, places)
