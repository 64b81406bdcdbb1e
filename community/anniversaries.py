"""Anniversaries: one rule for age and for length of residence.

An anniversary is the same calendar day `n` years later; a date with no such day in the target year
(29 February in a common year) has its anniversary on the last day of that month, 28 February. This
follows the month-end rule for periods counted in years (Civil Code art. 201: 没有对应日的，月末日为
期间的最后一日), and it is decided here once so that a person born on 29 February turns 18 on the same
day a migrant who moved in on 29 February completes a year of residence (shared/PITFALLS.md).
"""
from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """The anniversary of `day` after `years` years (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def whole_years(since: date, day: date) -> int:
    """Completed years from `since` to `day`: n once the n-th anniversary (add_years) has been reached."""
    years = day.year - since.year
    return years - 1 if add_years(since, years) > day else years
