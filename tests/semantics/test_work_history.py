"""The work-experience semantics of the occupation categories, pinned at their edges.

- The window is the 3 years up to and including the as-of date.
- Full-time means at least 30 hours a week; hours beyond 30 a week never count.
- Continuity belongs to the occupation: back-to-back periods in one code merge, a gap breaks the run, work in
  another code does not extend it.
- The part-time route needs 780 counted hours in one code inside the window.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import ir
from engine.eval.traced import Verdict, evaluate
from engine.model.facts import facts_from_profile
from engine.model.profile import validate
from engine.model.quantities import Duration, Hours, Period
from engine.model.work import Stint, in_window

AS_OF = date(2025, 6, 1)
WINDOW = Period(date(2022, 6, 2), AS_OF)


def job(noc: str, start: str, end: str | None, hours: float = 40) -> dict[str, Any]:
    return {"noc": noc, "title": "a job", "country": "Canada", "start": start, "end": end,
            "hours_per_week": hours, "self_employed": False}


def verdicts(rulebook: ir.Rulebook, jobs: list[dict[str, Any]], as_of: date = AS_OF) -> dict[str, Verdict]:
    profile = validate({"id": "case", "eligible_programs": ["cec"], "work_history": jobs}, "case")
    assert profile.data is not None, profile.problems
    return {r.category.id: r.verdict for r in evaluate(rulebook, facts_from_profile(profile.data), as_of)}


class TestWindow:
    def test_the_window_starts_the_day_after_the_same_date_three_years_earlier(self) -> None:
        assert Duration(36).before(AS_OF) == date(2022, 6, 2)

    def test_a_job_that_ended_the_day_before_the_window_counts_for_nothing(self) -> None:
        time = in_window([Stint(date(2021, 1, 1), date(2022, 6, 1), 40)], WINDOW)
        assert time.counted_hours == Hours(0)
        assert time.longest_run == Duration(0)

    def test_the_first_day_of_the_window_counts(self) -> None:
        time = in_window([Stint(date(2021, 1, 1), date(2022, 6, 2), 35)], WINDOW)
        assert time.longest_run == Duration(0, 1)
        assert time.counted_hours == Hours(30 / 7)

    def test_the_as_of_date_itself_counts(self) -> None:
        time = in_window([Stint(date(2025, 6, 1), date(2025, 6, 30), 35)], WINDOW)
        assert time.longest_run == Duration(0, 1)

    def test_work_after_the_as_of_date_does_not_count(self, rulebook_2025: ir.Rulebook) -> None:
        result = verdicts(rulebook_2025, [job("21300", "2025-06-02", None)])
        assert result["stem"] is Verdict.NOT_ELIGIBLE

    def test_old_experience_outside_the_window_does_not_qualify(self, rulebook_2025: ir.Rulebook) -> None:
        result = verdicts(rulebook_2025, [job("21300", "2015-01-01", "2022-06-01")])
        assert result["stem"] is Verdict.NOT_ELIGIBLE


class TestFullTime:
    def test_thirty_hours_a_week_is_full_time(self) -> None:
        time = in_window([Stint(date(2024, 12, 2), AS_OF, 30)], WINDOW)
        assert time.longest_run == Duration(6)

    def test_just_under_thirty_hours_a_week_is_not_full_time(self) -> None:
        time = in_window([Stint(date(2023, 1, 1), AS_OF, 29.5)], WINDOW)
        assert time.longest_run == Duration(0)

    def test_hours_beyond_thirty_a_week_never_count(self) -> None:
        time = in_window([Stint(date(2024, 12, 2), date(2025, 6, 1), 60)], WINDOW)
        assert time.counted_hours == Hours(30 * 182 / 7)

    def test_two_part_time_jobs_in_one_occupation_make_full_time_together(self) -> None:
        time = in_window([Stint(date(2024, 1, 1), AS_OF, 18), Stint(date(2024, 1, 1), AS_OF, 12)], WINDOW)
        assert time.longest_run == Duration(17, 1)

    def test_concurrent_jobs_in_one_occupation_still_count_at_most_thirty_hours_a_week(self) -> None:
        time = in_window([Stint(date(2025, 5, 19), AS_OF, 30), Stint(date(2025, 5, 19), AS_OF, 30)], WINDOW)
        assert time.counted_hours == Hours(30 * 14 / 7)


class TestContinuity:
    def test_back_to_back_jobs_in_one_occupation_merge(self) -> None:
        stints = [Stint(date(2024, 1, 1), date(2024, 3, 31), 40), Stint(date(2024, 4, 1), date(2024, 6, 30), 35)]
        assert in_window(stints, WINDOW).longest_run == Duration(6)

    def test_a_one_day_gap_breaks_the_run(self) -> None:
        stints = [Stint(date(2024, 1, 1), date(2024, 3, 31), 40), Stint(date(2024, 4, 2), date(2024, 6, 30), 35)]
        assert in_window(stints, WINDOW).longest_run == Duration(3)

    def test_work_in_another_occupation_does_not_extend_the_run(self, rulebook_2025: ir.Rulebook) -> None:
        jobs = [job("21300", "2024-10-01", "2025-01-31"), job("21301", "2025-02-01", None)]
        result = verdicts(rulebook_2025, jobs)
        assert result["stem"] is Verdict.NOT_ELIGIBLE

    def test_back_to_back_jobs_in_one_listed_occupation_qualify(self, rulebook_2025: ir.Rulebook) -> None:
        jobs = [job("21300", "2024-10-01", "2025-01-31"), job("21300", "2025-02-01", None)]
        assert verdicts(rulebook_2025, jobs)["stem"] is Verdict.ELIGIBLE


class TestSixMonths:
    def test_exactly_six_calendar_months_qualifies(self, rulebook_2025: ir.Rulebook) -> None:
        assert verdicts(rulebook_2025, [job("41221", "2024-12-02", None, 30)])["education"] is Verdict.ELIGIBLE

    def test_one_day_short_of_six_months_does_not(self, rulebook_2025: ir.Rulebook) -> None:
        # 2024-12-03 to 2025-06-01 is 5 months 30 days, and 781 hours... at 30 h/week it is 25.9 weeks: 777 hours.
        assert verdicts(rulebook_2025, [job("41221", "2024-12-03", None, 30)])["education"] is Verdict.NOT_ELIGIBLE

    def test_a_shorter_run_gives_its_length(self) -> None:
        time = in_window([Stint(date(2024, 12, 3), AS_OF, 30)], WINDOW)
        assert time.longest_run == Duration(5, 30)
        assert str(time.longest_run) == "5 months 30 days"


class TestPartTime:
    @pytest.mark.parametrize(("weeks", "verdict"), [(52, Verdict.ELIGIBLE), (51, Verdict.NOT_ELIGIBLE)])
    def test_780_hours_in_one_occupation_qualify(self, rulebook_2025: ir.Rulebook, weeks: int,
                                                 verdict: Verdict) -> None:
        start = date.fromordinal(AS_OF.toordinal() - weeks * 7 + 1).isoformat()
        assert verdicts(rulebook_2025, [job("63201", start, None, 15)])["agriculture"] is verdict

    def test_hours_in_two_occupations_do_not_add_up(self, rulebook_2025: ir.Rulebook) -> None:
        jobs = [job("72200", "2024-06-02", None, 10), job("72300", "2024-06-02", None, 10)]
        assert verdicts(rulebook_2025, jobs)["trades"] is Verdict.NOT_ELIGIBLE

    def test_part_time_hours_outside_the_window_do_not_count(self, rulebook_2025: ir.Rulebook) -> None:
        assert verdicts(rulebook_2025, [job("63201", "2019-01-01", "2022-06-01", 20)])["agriculture"] \
            is Verdict.NOT_ELIGIBLE


class TestCalendar:
    def test_month_arithmetic_clamps_to_the_end_of_short_months(self) -> None:
        # Six months from 31 August end on the last day of February (as with relativedelta).
        assert Duration.between(date(2024, 8, 31), date(2025, 2, 28)) == Duration(6)
        assert Duration.between(date(2024, 8, 31), date(2025, 2, 27)) == Duration(5, 27)
        assert Duration.between(date(2024, 1, 1), date(2024, 7, 1)) == Duration(6)

    def test_a_leap_day_is_a_day_like_any_other(self) -> None:
        time = in_window([Stint(date(2024, 2, 29), date(2024, 2, 29), 40)], WINDOW)
        assert time.longest_run == Duration(0, 1)
