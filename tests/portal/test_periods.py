"""portal.periods: quarters, windows and due dates (pure, no database)."""

from datetime import date

import pytest

from portal import periods
from portal.periods import Quarter


def test_quarters_step_and_fall_due_after_they_end():
    assert Quarter.of(date(2026, 3, 31)) == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert (Quarter(2026, 2).start, Quarter(2026, 2).end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert Quarter(2026, 1).due(10) == date(2026, 4, 10)
    assert Quarter(2025, 4).due(10) == date(2026, 1, 10)
    assert Quarter.parse("2026Q3") == Quarter(2026, 3)
    assert Quarter.parse("2026Q5") is None and Quarter.parse("x") is None


@pytest.mark.parametrize(
    "on, open_, reminded",
    [
        (date(2026, 4, 2), Quarter(2026, 1), [Quarter(2025, 4)]),
        (date(2026, 4, 3), Quarter(2026, 1), [Quarter(2025, 4), Quarter(2026, 1)]),
        (date(2026, 4, 10), Quarter(2026, 1), [Quarter(2025, 4), Quarter(2026, 1)]),
        (date(2026, 4, 11), Quarter(2026, 2), [Quarter(2026, 1)]),
        (date(2026, 1, 2), Quarter(2025, 4), [Quarter(2025, 3)]),
        (date(2026, 1, 3), Quarter(2025, 4), [Quarter(2025, 3), Quarter(2025, 4)]),
    ],
)
def test_the_open_quarter_and_the_quarters_reminded(on, open_, reminded):
    assert periods.open_quarter(on, 10) == open_
    assert periods.reminder_quarters(on, 10, 7) == reminded
    assert periods.allowed_quarters(on, 10) == (open_, open_.previous())


def test_the_default_window_opens_after_the_quarter_and_closes_mid_month():
    assert periods.default_window(2026, 1) == (date(2026, 4, 1), date(2026, 4, 15))
    assert periods.default_window(2026, 3) == (date(2026, 10, 1), date(2026, 10, 15))
    # Q4 closes on 20 January of the next year (the Spring Festival rush).
    assert periods.default_window(2026, 4) == (date(2027, 1, 1), date(2027, 1, 20))


def test_completed_quarters_are_those_before_today_oldest_first():
    assert periods.completed_quarters(date(2026, 2, 10), 3) == [
        Quarter(2025, 2),
        Quarter(2025, 3),
        Quarter(2025, 4),
    ]
