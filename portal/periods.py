"""Calendar rules every screen shares: today, quarters, reporting windows and report due dates.

One module owns them, so that the entry form, the approval queue, the workspace, the dashboard,
the demo data and the benchmarks can never disagree about which quarter is open or when a
window closes. Pure: no ORM, no I/O; ``today()`` is the only clock (tests patch it here).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


def today() -> date:
    """The portal's today, in its time zone (Asia/Shanghai)."""
    return timezone.localdate()


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: the period figures are reported for and progress is counted in."""

    year: int
    quarter: int

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, label: str) -> "Quarter | None":
        """``2026Q1`` → Quarter(2026, 1); None for anything else."""
        year, sep, quarter = (label or "").partition("Q")
        if not (sep and year.isdigit() and quarter in {"1", "2", "3", "4"}):
            return None
        return cls(int(year), int(quarter))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.quarter == 1), (self.quarter - 2) % 4 + 1)

    def due(self, days_after: int) -> date:
        return self.end + timedelta(days=days_after)

    def __str__(self) -> str:
        return _("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.quarter}


def completed_quarters(on: date, count: int) -> list[Quarter]:
    """The ``count`` quarters before the one ``on`` falls in, oldest first."""
    quarter = Quarter.of(on)
    result = []
    for _step in range(count):
        quarter = quarter.previous()
        result.append(quarter)
    return list(reversed(result))


def default_window(year: int, quarter: int) -> tuple[date, date]:
    """Entry of a quarter's figures opens the first day after the quarter and closes on the 15th
    (20 January for Q4)."""
    if quarter == 4:
        return date(year + 1, 1, 1), date(year + 1, 1, 20)
    month = quarter * 3 + 1
    return date(year, month, 1), date(year, month, 15)


def open_quarter(on: date, due_days: int) -> Quarter:
    """The quarter whose progress report is being written on ``on``: the earliest not yet past
    its due date (on 5 April with a due date 10 days after, the first quarter; on 11 April, the
    second)."""
    quarter = Quarter.of(on).previous().previous().previous()
    while quarter.due(due_days) < on:
        quarter = quarter.next()
    return quarter


def allowed_quarters(on: date, due_days: int) -> tuple[Quarter, Quarter]:
    """The quarters a report made on ``on`` may count for: the open one, and the one before it
    (a late report fills the gap)."""
    current = open_quarter(on, due_days)
    return current, current.previous()


def reminder_quarters(on: date, due_days: int, ahead: int) -> list[Quarter]:
    """The quarters reminders go out for on ``on``: the one before the open quarter (overdue)
    and the open one once its due date is ``ahead`` days away or less."""
    current = open_quarter(on, due_days)
    return [q for q in (current.previous(), current) if q.due(due_days) <= on + timedelta(ahead)]


def parse_year(text, default: int | None = None) -> int | None:
    """A year typed in a request ("2026"); ``default`` when it is blank, None when it is not a
    plausible year (the caller answers 400 with a message, never a 500)."""
    if text in (None, ""):
        return default
    text = str(text).strip()
    if not text.isascii() or not text.isdigit():
        return None
    year = int(text)
    return year if 1900 <= year <= 2999 else None
