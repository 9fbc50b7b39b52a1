"""Figures that can change (fees, ceilings, rates, phone numbers): a value with its source, the
date the source gives (`as_of`) and the date by which staff must check it again (`review_by`).

`content/figures.yml` documents the fields; `bot.content_check` holds the rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import N_, format_month

MONEY_KINDS = frozenset({"taka", "percent"})  # prices, ceilings, rates, grants, loan limits
NEVER = "never"
AS_OF = N_("as of {date}")  # what `{key_as_of}` says, around the figure's month and year
AS_OF_SUFFIX = "_as_of"
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Figure:
    key: str
    value: str
    label: str
    source: str
    as_of: str  # as written: "2016-08", "2022", or a sentence such as "undated in source"
    kind: str = ""
    review_by: date | None = None  # None when `never`, missing or not a date (see review_text)
    review_text: str = ""
    why_never: str = ""
    current: bool = True  # the texts state the value as what holds today
    note: str = ""

    @property
    def dated(self) -> tuple[date, bool] | None:
        """as_of as (first day, whether a month is known), or None when it gives no date."""
        found = _ISO.match(self.as_of.strip())
        if not found:
            return None
        year, month, day = (int(g) if g else 0 for g in found.groups())
        try:
            return date(year, month or 1, day or 1), bool(month)
        except ValueError:
            return None

    @property
    def money(self) -> bool:
        return self.kind in MONEY_KINDS

    @property
    def never(self) -> bool:
        return self.review_text == NEVER

    def overdue(self, today: date) -> bool:
        return self.review_by is not None and self.review_by < today

    def date_text(self, lang: str) -> str | None:
        """The date users see ("August 2016", "আগস্ট ২০১৬", or a year), None when undated."""
        dated = self.dated
        return format_month(dated[0], lang, with_month=dated[1]) if dated else None


def parse_day(value: Any) -> date | None:
    """An ISO day ("2027-05-28") as a date; None when absent or not one (the check names it)."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def parse_figure(key: str, raw: dict[str, Any]) -> Figure:
    """One entry of figures.yml; a bad date is kept as text for the content check to name."""
    review_text = str(raw.get("review_by", "")).strip()
    current = raw.get("current", True) is not False  # anything but an explicit `false` is true
    review_by = parse_day(review_text) if review_text != NEVER else None
    return Figure(key=key, value=str(raw["value"]), label=str(raw.get("label", key)),
                  source=str(raw.get("source", "")), as_of=str(raw.get("as_of", "")),
                  kind=str(raw.get("kind", "")), review_by=review_by, review_text=review_text,
                  why_never=str(raw.get("why_never", "")), current=current,
                  note=str(raw.get("note", "")))


def by_review(figures: Iterable[Figure]) -> list[Figure]:
    """Soonest review first, so the overdue lead; no usable date first of all, `never` last."""
    def key(f: Figure) -> tuple[int, date, str]:
        if f.never:
            return 2, date.max, f.key
        return (1, f.review_by, f.key) if f.review_by else (0, date.min, f.key)

    return sorted(figures, key=key)
