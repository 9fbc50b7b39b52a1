"""When did you come back? Month and year from what people write: "03/2026", "March 2026",
"৩ মাস আগে", "last month", "2 bochor age"."""

from __future__ import annotations

import re
from datetime import date

from bot.i18n import ascii_digits

_MONTHS = {
    1: ("jan", "january", "জানুয়ারি", "জানুয়ারী", "januari"),
    2: ("feb", "february", "ফেব্রুয়ারি", "ফেব্রুয়ারী", "februari", "feburary"),
    3: ("mar", "march", "মার্চ", "march"),
    4: ("apr", "april", "এপ্রিল", "epril"),
    5: ("may", "মে", "me"),
    6: ("jun", "june", "জুন"),
    7: ("jul", "july", "জুলাই", "julai"),
    8: ("aug", "august", "আগস্ট", "অগাস্ট", "agust", "agost"),
    9: ("sep", "sept", "september", "সেপ্টেম্বর", "septembor"),
    10: ("oct", "october", "অক্টোবর", "oktober"),
    11: ("nov", "november", "নভেম্বর", "nobember"),
    12: ("dec", "december", "ডিসেম্বর", "disember"),
}
_MONTH_WORD = {w: n for n, words in _MONTHS.items() for w in words}
_AGO = r"(?:ago|age|আগে|agey|aage)"
_MONTHS_AGO = re.compile(rf"(\d+)\s*(?:months?|mas|mash|maas|মাস)\s*{_AGO}")
_YEARS_AGO = re.compile(rf"(\d+)\s*(?:years?|yrs?|bochor|bosor|bachar|বছর)\s*{_AGO}")
_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/\-.]\s*(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})\s*[/\-.]\s*(\d{1,2})\b")
_YEAR = re.compile(r"\b(20\d{2}|19\d{2}|\d{2})\b")
_LAST_MONTH = ("last month", "গত মাসে", "গত মাস", "goto mashe", "goto mase", "gato mase",
               "gotomase", "previous month")
_THIS_MONTH = ("this month", "এই মাসে", "ei mashe", "ei mase", "recently", "just now",
               "কিছুদিন আগে", "kichudin age", "few days ago", "last week", "গত সপ্তাহে")
_LAST_YEAR = ("last year", "গত বছর", "goto bochor", "gato bochor", "goto bosor")


class FutureDate(ValueError):
    """A return date after today."""


def parse_month(text: str, today: date) -> tuple[int, int] | None:
    """(year, month) or None when unreadable; raises FutureDate for a date after today."""
    t = ascii_digits(text.lower()).strip()
    found = _parse(t, today)
    if found is None:
        return None
    year, month = found
    if not 1 <= month <= 12 or year < 1950:
        return None
    if (year, month) > (today.year, today.month):
        raise FutureDate(text)
    return year, month


def months_between(then: tuple[int, int], today: date) -> int:
    return (today.year - then[0]) * 12 + today.month - then[1]


def _shift(today: date, months: int) -> tuple[int, int]:
    total = today.year * 12 + today.month - 1 - months
    return total // 12, total % 12 + 1


def _parse(t: str, today: date) -> tuple[int, int] | None:
    if any(p in t for p in _LAST_MONTH):
        return _shift(today, 1)
    if any(p in t for p in _THIS_MONTH):
        return _shift(today, 0)
    if any(p in t for p in _LAST_YEAR):
        return _shift(today, 12)
    if m := _MONTHS_AGO.search(t):
        return _shift(today, int(m.group(1)))
    if m := _YEARS_AGO.search(t):
        return _shift(today, 12 * int(m.group(1)))
    if m := _ISO.search(t):
        return int(m.group(1)), int(m.group(2))
    if m := _NUMERIC.search(t):
        return _year(m.group(2)), int(m.group(1))
    # A month with the locative ending people add ("marche", "aprile", "julaite"): in March.
    month = next((n for w, n in _MONTH_WORD.items()
                  if len(w) > 2 and re.search(rf"(?<!\w){re.escape(w)}(?:e|te|ey|er|ে|তে)?(?!\w)", t)),
                 None)
    if month is None:
        return None
    if m := _YEAR.search(t):
        return _year(m.group(1)), month
    # A month alone: the most recent one that is not in the future.
    return (today.year if month <= today.month else today.year - 1), month


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year
