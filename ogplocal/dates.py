"""Dates of the rules (docs/rules.md §3.0): months, calendar quarters and a jurisdiction's today.

Pure helpers shared by every layer: nothing here touches the database or imports an app.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Protocol

from dateutil.relativedelta import relativedelta
from django.utils import timezone

ONE_DAY = timedelta(days=1)
QUARTER_PATTERN = r"^[0-9]{4}Q[1-4]$"


class HasTimeZone(Protocol):
    time_zone: str


def local_today(zone: str | HasTimeZone, *, now: datetime | None = None) -> date:
    """Today in a jurisdiction's time zone (docs/rules.md §2: every "today" of the rules is local).

    `zone` is a jurisdiction (anything with a `time_zone`) or a zone's name; an unknown name counts
    as UTC.
    """
    name = zone if isinstance(zone, str) else zone.time_zone
    moment = now or timezone.now()
    try:
        tz = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(tz).date()


@lru_cache(maxsize=1 << 16)
def add_months(day: date, months: int) -> date:
    """N months after ``day`` (§3.0): same day of the month, clamped to a shorter month's last
    day, as ``dateutil.relativedelta`` computes it. Cached: a daily run asks for the same few
    thousand dates hundreds of thousands of times."""
    return day + relativedelta(months=months)


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A calendar quarter, written ``2027Q2``."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1 to 4, not {self.number}")

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def starts_on(self) -> date:
        return _quarter_dates(self.year, self.number)[0]

    @property
    def ends_on(self) -> date:
        return _quarter_dates(self.year, self.number)[1]

    @property
    def deadline(self) -> date:
        """The tracker deadline: the last day of the month after the quarter (§3.2)."""
        return _quarter_dates(self.year, self.number)[2]

    def following(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def preceding(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)


@cache
def _quarter_dates(year: int, number: int) -> tuple[date, date, date]:
    """First day, last day and tracker deadline of a quarter."""
    starts_on = date(year, 3 * number - 2, 1)
    following = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    deadline = add_months(following, 1) - ONE_DAY
    return starts_on, following - ONE_DAY, deadline


@cache
def parse_quarter(text: str) -> Quarter:
    """``"2027Q2"`` -> ``Quarter(2027, 2)``; raises ValueError on anything else."""
    year, separator, number = text.strip().upper().partition("Q")
    if not separator or not year.isdigit() or len(year) != 4 or number not in {"1", "2", "3", "4"}:
        raise ValueError(f"not a quarter like 2027Q2: {text!r}")
    return Quarter(int(year), int(number))


def format_quarter(quarter: Quarter) -> str:
    return str(quarter)


def quarter_of(day: date) -> Quarter:
    """The calendar quarter containing ``day``."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_deadline(quarter: Quarter | str) -> date:
    """Tracker deadline of a quarter: 2027Q1 is due 2027-04-30 (§3.2)."""
    if isinstance(quarter, str):
        quarter = parse_quarter(quarter)
    return quarter.deadline
