"""Content due for review (admins): every figure with its value, source and dates, overdue first,
and the pages whose prose carries dated facts (market status)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.dashboard.session import CurrentUser
from api.dashboard.web import DHAKA, render
from bot.content import Library
from bot.figures import Figure, by_review
from bot.i18n import N_
from referral.casework import StaffUser

router = APIRouter()
FORBIDDEN = N_("Only admins can see the content due for review.")
SOON = 30  # days: due this soon is marked


@dataclass(frozen=True)
class Due:
    """One line of the page: a figure, or a page of dated facts (`figure` is None)."""

    key: str
    title: str
    review_by: date | None
    state: str  # "overdue", "soon", "later", "never" or "missing"
    figure: Figure | None = None


def state(review_by: date | None, today: date, *, never: bool = False) -> str:
    if never:
        return "never"
    if review_by is None:
        return "missing"
    if review_by < today:
        return "overdue"
    return "soon" if (review_by - today).days <= SOON else "later"


def due(library: Library, today: date) -> tuple[list[Due], list[Due]]:
    """Figures (no usable date, then overdue, then by date, `never` last) and dated pages."""
    figures = [Due(f.key, f.label, f.review_by, state(f.review_by, today, never=f.never), f)
               for f in by_review(library.figures.values())]
    pages = sorted((Due(t.id, t.title, t.review_by, state(t.review_by, today))
                    for (_id, lang), t in library.topics.items() if lang == "en" and t.review_by),
                   key=lambda d: (d.review_by or date.min, d.key))
    return figures, pages


@router.get("/content")
async def content_review(request: Request, user: StaffUser = CurrentUser) -> Response:
    if user.role != "admin":
        return render(request, "error.html", user=user, status=403, message=FORBIDDEN)
    today = datetime.now(DHAKA).date()
    figures, pages = due(request.app.state.services.resources.library, today)
    return render(request, "content_review.html", user=user, figures=figures, pages=pages,
                  today=today, overdue=sum(d.state in ("overdue", "missing") for d in figures))
