from datetime import date

import pytest

from bot.flows.dates import FutureDate, months_between, parse_month

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(("text", "expected"), [
    ("03/2026", (2026, 3)),
    ("3/26", (2026, 3)),
    ("০৩/২০২৬", (2026, 3)),
    ("2025-12", (2025, 12)),
    ("March 2026", (2026, 3)),
    ("mar 2025", (2025, 3)),
    ("মার্চ ২০২৬", (2026, 3)),
    ("2024 marche", (2024, 3)),  # "in March 2024": the locative ending, not "beating"
    ("মার্চে ২০২৪", (2024, 3)),
    ("aprile 2025", (2025, 4)),
    ("ফেব্রুয়ারি ২০২৫", (2025, 2)),
    ("৩ মাস আগে", (2026, 8)),
    ("3 mash age", (2026, 8)),
    ("3 months ago", (2026, 8)),
    ("2 bochor age", (2024, 11)),
    ("last month", (2026, 10)),
    ("গত মাসে", (2026, 10)),
    ("this month", (2026, 11)),
    ("december", (2025, 12)),
    ("june", (2026, 6)),
])
def test_readable_dates(text: str, expected: tuple[int, int]) -> None:
    assert parse_month(text, TODAY) == expected


@pytest.mark.parametrize("text", ["banana", "", "13/2025", "sometime"])
def test_unreadable(text: str) -> None:
    assert parse_month(text, TODAY) is None


def test_future_is_refused() -> None:
    with pytest.raises(FutureDate):
        parse_month("05/2027", TODAY)


def test_months_between() -> None:
    assert months_between((2023, 11), TODAY) == 36
    assert months_between((2026, 11), TODAY) == 0
