"""`rules diff` says what changed in policy terms, read off the rules: 2025 to 2026 (6 months to 12, continuity no
longer required, the categories added with what they ask and where the work counts, Agriculture dropped and its
butchers moved to Trades, Trades' cooks out), 2024 to 2025 (Education added, Transport dropped, Healthcare renamed)
and 2023 to 2024 (the lists renewed unchanged)."""

from __future__ import annotations

import json
from fractions import Fraction

from click.testing import CliRunner

from engine import ir
from engine.cli.main import main
from engine.diff.policy import policy_changes
from engine.diff.rulebook_diff import compare
from engine.diff.work import WorkRequirement, work_requirement


def _texts(old: ir.Rulebook, new: ir.Rulebook) -> list[str]:
    return [change.text for change in policy_changes(compare(old, new))]


def _category(rulebook: ir.Rulebook, category_id: str) -> ir.Category:
    return next(c for c in rulebook.categories if c.id == category_id)


def test_the_work_asked_is_read_off_each_rule(rulebook_2025: ir.Rulebook, rulebook_2026: ir.Rulebook) -> None:
    assert work_requirement(_category(rulebook_2025, "stem")) == WorkRequirement(Fraction(6), 780, True, False)
    assert work_requirement(_category(rulebook_2026, "stem")) == WorkRequirement(Fraction(12), 1560, False, False)
    assert work_requirement(_category(rulebook_2026, "physicians")) == WorkRequirement(Fraction(12), 1560, False, True)
    # French asks a language result, the military category conditions of its own: no work requirement to compare.
    assert work_requirement(_category(rulebook_2026, "french")) is None
    assert work_requirement(_category(rulebook_2026, "skilled_military_recruits")) is None


def test_2025_to_2026_in_policy_terms(rulebook_2025: ir.Rulebook, rulebook_2026: ir.Rulebook) -> None:
    assert _texts(rulebook_2025, rulebook_2026) == [
        "Work experience in one listed occupation (healthcare, stem, trades, education): 6 months → 12 months of "
        "full-time work (780 → 1,560 hours at 30 hours a week); continuous: required → not required; part-time work "
        "counts by its hours",
        "Category added: Transport occupations (transport), 4 occupations; asks 12 months of full-time work (1,560 "
        "hours), not necessarily continuous, in Canada or abroad",
        "Category added: Physicians with Canadian work experience (physicians), 3 occupations; asks 12 months of "
        "full-time work (1,560 hours), not necessarily continuous, in Canada only",
        "Category added: Researchers with Canadian work experience (researchers), 2 occupations; asks 12 months of "
        "full-time work (1,560 hours), not necessarily continuous, in Canada only",
        "Category added: Senior managers with Canadian work experience (senior_managers), 4 occupations; asks 12 "
        "months of full-time work (1,560 hours), not necessarily continuous, in Canada only",
        "Category added: Skilled military recruits (skilled_military_recruits), 3 occupations; conditions of its own "
        "(see its rule)",
        "Category dropped: Agriculture and agri-food occupations (agriculture); moved: 63201 Butchers - retail and "
        "wholesale to trades",
        "Trade occupations (trades), 25 → 25 occupations: −63200 Cooks, +63201 Butchers - retail and wholesale",
    ]


def test_a_category_an_earlier_rulebook_had_is_said_to_come_back(rulebook_2023: ir.Rulebook,
                                                                 rulebook_2024: ir.Rulebook, rulebook_2025: ir.Rulebook,
                                                                 rulebook_2026: ir.Rulebook) -> None:
    """Transport, dropped in 2025, returns in 2026 with a list of 4 where 2024's had 10: given the earlier rulebooks
    (in any order), the diff says it comes back and from when, instead of calling it new."""
    diff = compare(rulebook_2025, rulebook_2026, [rulebook_2024, rulebook_2023])
    texts = [change.text for change in policy_changes(diff)]
    assert "Category back: Transport occupations (transport), last in the 2024 rulebook (until 2025-02-26, 10 " \
        "occupations then); now 4 occupations; asks 12 months of full-time work (1,560 hours), not necessarily " \
        "continuous, in Canada or abroad" in texts
    transport = next(c for c in diff.categories if c.id == "transport")
    assert transport.to_json()["last_seen"] == {"year": "2024", "label": "2024", "name": "Transport occupations",
                                                "in_force_until": "2025-02-26", "occupations": 10}
    # Categories no earlier rulebook had are still new.
    assert all(c.last_seen is None for c in diff.categories if c.id != "transport")


def test_only_rulebooks_in_force_before_the_older_one_count_as_earlier(rulebook_2025: ir.Rulebook,
                                                                      rulebook_2026: ir.Rulebook) -> None:
    """A later rulebook given as 'earlier' (2026 for a 2025 diff) is not history: nothing comes back."""
    diff = compare(rulebook_2025, rulebook_2026, [rulebook_2026])
    assert all(c.last_seen is None for c in diff.categories)
    assert "Category back" not in " ".join(change.text for change in policy_changes(diff))


def test_2024_to_2025_names_the_category_added_dropped_and_renamed(rulebook_2024: ir.Rulebook,
                                                                    rulebook_2025: ir.Rulebook) -> None:
    texts = _texts(rulebook_2024, rulebook_2025)
    assert "Category dropped: Transport occupations (transport)" in texts
    assert "Category renamed: Healthcare occupations → Healthcare and social services occupations (healthcare)" \
        in texts
    assert texts[0].startswith("Category added: Education occupations (education), 5 occupations; asks 6 months")
    stem = next(t for t in texts if t.startswith("Science, Technology"))
    assert stem.startswith("Science, Technology, Engineering and Math (STEM) occupations (stem), 24 → 11 occupations: ")
    assert "+63100" in stem and "−21211" in stem


def test_2023_to_2024_the_renewal_changed_nothing_in_policy_terms(rulebook_2023: ir.Rulebook,
                                                                  rulebook_2024: ir.Rulebook) -> None:
    assert _texts(rulebook_2023, rulebook_2024) == [
        "No change in policy terms: the same categories, occupation lists and work experience asked"]


def test_every_format_of_the_command_leads_with_the_policy_terms() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["diff", "2025", "2026"], catch_exceptions=False).stdout
    assert text.splitlines()[4:6] == [
        "In policy terms",
        "  - Work experience in one listed occupation (healthcare, stem, trades, education): 6 months → 12 months of "
        "full-time work (780 → 1,560 hours at 30 hours a week); continuous: required → not required; part-time work "
        "counts by its hours"]
    document = json.loads(runner.invoke(main, ["diff", "2025", "2026", "--format", "json"]).stdout)
    assert [c["kind"] for c in document["diff"]["policy"]] == ["experience", "returned", "added", "added", "added",
                                                               "added", "removed", "occupations"]
    markdown = runner.invoke(main, ["diff", "2025", "2026", "--format", "markdown"]).stdout
    assert "## In policy terms\n\n- Work experience in one listed occupation" in markdown
    sources = [line for line in text.splitlines() if line.startswith("  + [bearing_ai_catalogue]")]
    assert sources and sources[0].endswith("(code, not official) (third-party, confidence medium-high)")
