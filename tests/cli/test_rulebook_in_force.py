"""With no `--year`, a command applies the rulebook in force on the as-of date, which defaults to today."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.cli.main import main
from tests.conftest import EXAMPLES

PROFILE = str(EXAMPLES / "julien-nurse-francophone.json")


def rulebook_applied(*arguments: str, today: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["eval", PROFILE, "--format", "json", *arguments],
                                env={"RULES_TODAY": today}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["results"][0]
    return report["rulebook"], report["as_of"]


def test_the_as_of_date_chooses_the_rulebook() -> None:
    assert rulebook_applied("--as-of", "2023-11-30", today="2025-11-30") == ("2023", "2023-11-30")
    assert rulebook_applied("--as-of", "2025-06-01", today="2023-11-30") == ("2025", "2025-06-01")


def test_today_chooses_the_rulebook_when_no_date_is_given() -> None:
    assert rulebook_applied(today="2023-11-30") == ("2023", "2023-11-30")
    assert rulebook_applied(today="2025-11-30") == ("2025", "2025-11-30")


def test_a_year_given_wins_over_the_date() -> None:
    assert rulebook_applied("--year", "2023", "--as-of", "2025-06-01", today="2025-11-30") == \
        ("2023", "2025-06-01")


def test_a_day_before_every_rulebook_takes_the_earliest() -> None:
    assert rulebook_applied("--as-of", "2020-01-01", today="2025-11-30")[0] == "2023"


def as_of_note(*arguments: str, today: str) -> str | None:
    result = CliRunner().invoke(main, ["eval", PROFILE, "--format", "json", *arguments],
                                env={"RULES_TODAY": today}, catch_exceptions=False)
    note: str | None = json.loads(result.output)["results"][0].get("as_of_note")
    return note


def test_past_the_last_checked_day_of_a_rulebook_with_no_known_end_today_is_the_day() -> None:
    # rules/2026 is in force "until 2026-12-02 or later": its end is not known, and instructions stay in force until
    # new ones replace them, so the law applied on a later day is the 2026 rulebook on that very day.
    assert rulebook_applied(today="2026-12-20") == ("2026", "2026-12-20")
    assert as_of_note(today="2026-12-20") == (
        "2026-12-20 is past 2026-12-02, the last day this rulebook's facts were checked: no later instructions are "
        "known, so it is applied on the assumption that it is still in force")
    assert as_of_note(today="2026-11-20") is None


def test_a_rulebook_that_was_replaced_is_applied_on_its_last_day() -> None:
    assert rulebook_applied("--year", "2025", today="2026-12-20") == ("2025", "2026-02-17")
    assert "past the rulebook's in-force period" in (as_of_note("--year", "2025", today="2026-12-20") or "")
