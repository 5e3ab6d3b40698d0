"""A pool row read from Arrow becomes the same facts directly as through its profile document.

`rules batch --engine python` builds each profile's facts from the row's Arrow values (`facts_from_row`); the
document round trip (`profile_from_row`, then `facts_from_profile`) is what every other path reads, so the two must
give equal facts for every row a pool can hold: the example profiles (military service, spouses, raw scores, jobs
without hours) and synthetic pools with and without stated conclusions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pytest

from engine import ir
from engine.model.facts import MISSING, facts_from_profile
from engine.model.pool_columns import arrow_schema, profile_from_row, row_from_profile
from engine.model.profile import read_profiles
from engine.model.row_facts import facts_from_row
from engine.pool.synth import rows, settings_for
from tests.conftest import EXAMPLES


def arrow_rows(documents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows as a Parquet pool holds them and Arrow gives them back to Python."""
    return pa.Table.from_pylist([row_from_profile(d) for d in documents], schema=arrow_schema()).to_pylist()


def example_documents() -> list[dict[str, Any]]:
    return [p.data for path in sorted(EXAMPLES.iterdir()) for p in read_profiles(path)]


def test_every_example_profile_gives_the_same_facts_from_its_row() -> None:
    for row in arrow_rows(example_documents()):
        assert facts_from_row(row) == facts_from_profile(profile_from_row(row)), row["id"]


@pytest.mark.parametrize("stated", [True, False], ids=["stated-conclusions", "raw-facts"])
def test_a_synthetic_pool_gives_the_same_facts_from_its_rows(rulebook_2025: ir.Rulebook, stated: bool) -> None:
    settings = settings_for(500, 3, date(2025, 6, 1), [rulebook_2025], stated_conclusions=stated)
    documents = [profile_from_row(row) for row in rows(settings)]
    for row in arrow_rows(documents):
        assert facts_from_row(row) == facts_from_profile(profile_from_row(row)), row["id"]


def test_null_fields_are_missing_or_the_models_defaults() -> None:
    """A spouse without education or tests, a job without hours or end, a military record without an offer."""
    document = {
        "id": "sparse", "submitted_at": "2025-03-01T09:30:00Z",
        "spouse": {"accompanying": True},
        "education": {"level": "bachelors_or_3yr"},
        "work_history": [{"noc": "31301", "start": "2024-01-01", "end": None}],
        "military": {"serving": False},
    }
    [row] = arrow_rows([document])
    facts = facts_from_row(row).values
    assert facts["submitted_at"] == datetime.fromisoformat("2025-03-01T09:30:00+00:00")
    assert facts["spouse"].fields["education"] is MISSING
    assert facts["spouse"].fields["language_tests"] == ()
    assert facts["spouse"].fields["canadian_work_years"] == 0
    assert facts["education"].fields == {"level": "bachelors_or_3yr", "canadian": False, "completed": True}
    job = facts["work_history"][0].fields
    assert (job["hours_per_week"], job["end"], job["noc_teer"]) == (MISSING, None, 1)
    assert facts["military"].fields["has_caf_offer"] is False
    assert facts["crs"] is MISSING and facts["provincial_nomination"] is False
    assert facts == facts_from_profile(profile_from_row(row)).values
