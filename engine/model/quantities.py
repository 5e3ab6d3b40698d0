"""Runtime values with units: durations on the calendar, periods, and language levels.

A duration measured from work history is a calendar span (whole months, then days), so that "6 months" means six
calendar months from the first day worked, whatever the length of the months in between.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True, slots=True, order=True)
class Duration:
    """Whole calendar months, then days. Ordered by months first: exact for spans measured on the calendar."""

    months: int
    days: int = 0

    @staticmethod
    def of(amount: int, unit: str) -> Duration:
        if unit == "years":
            return Duration(amount * 12)
        if unit == "months":
            return Duration(amount)
        if unit == "weeks":
            return Duration(0, amount * 7)
        return Duration(0, amount)

    @staticmethod
    def between(first: date, after_last: date) -> Duration:
        """The calendar span from `first` up to (not including) `after_last`."""
        if after_last <= first:
            return Duration(0)
        months = (after_last.year - first.year) * 12 + after_last.month - first.month
        while months > 0 and add_months(first, months) > after_last:
            months -= 1
        return Duration(months, (after_last - add_months(first, months)).days)

    def before(self, day: date) -> date:
        """The first day of the period of this length that ends on (and includes) `day`; a period reaching back past
        the calendar's first day starts on that day."""
        try:
            return add_months(day, -self.months) - timedelta(days=self.days) + timedelta(days=1)
        except (OverflowError, ValueError):
            return date.min

    def __add__(self, other: Duration) -> Duration:
        return Duration(self.months + other.months, self.days + other.days)

    def __sub__(self, other: Duration) -> Duration:
        return Duration(self.months - other.months, self.days - other.days)

    def __str__(self) -> str:
        parts = []
        if self.months >= 12 and self.months % 12 == 0 and not self.days:
            years = self.months // 12
            return f"{years} year" + ("s" if years != 1 else "")
        if self.months:
            parts.append(f"{self.months} month" + ("s" if self.months != 1 else ""))
        if self.days or not parts:
            parts.append(f"{self.days} day" + ("s" if self.days != 1 else ""))
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Period:
    """Days from `first` to `last`, both included."""

    first: date
    last: date

    def __str__(self) -> str:
        return f"{self.first} to {self.last}"


@dataclass(frozen=True, slots=True, order=True)
class Hours:
    """A number of hours; kept apart from counts so they cannot be mixed by mistake."""

    amount: float

    def __add__(self, other: Hours) -> Hours:
        return Hours(self.amount + other.amount)

    def __sub__(self, other: Hours) -> Hours:
        return Hours(self.amount - other.amount)

    def __str__(self) -> str:
        rounded = round(self.amount, 1)
        text = f"{rounded:,.1f}".removesuffix(".0")
        return "1 hour" if rounded == 1 else f"{text} hours"


@dataclass(frozen=True, slots=True, order=True)
class Points:
    amount: int

    def __add__(self, other: Points) -> Points:
        return Points(self.amount + other.amount)

    def __sub__(self, other: Points) -> Points:
        return Points(self.amount - other.amount)

    def __str__(self) -> str:
        return "1 point" if self.amount == 1 else f"{self.amount} points"


@dataclass(frozen=True, slots=True, order=True)
class Score:
    """A language test score (an IELTS band, a CELPIP level, TEF points): ordered, never mixed with levels."""

    amount: float

    def __str__(self) -> str:
        return f"{self.amount:g}"


@dataclass(frozen=True, slots=True, order=True)
class LanguageLevel:
    """A CLB or NCLC level. The two scales are equivalent benchmarks; the scale is kept for display only."""

    value: int
    scale: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.scale.upper()} {self.value}"
