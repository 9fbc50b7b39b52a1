"""The M&E page: counts as bar charts drawn in inline SVG, and the unanswered questions."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.dashboard.session import CurrentUser
from api.dashboard.web import language, render
from api.settings import Settings
from bot import labels
from bot.i18n import N_
from nlu import review as review_export
from nlu.engine import load_or_train
from nlu.rasa_yaml import read_nlu
from referral import reports
from referral.casework import Centre, District, StaffUser

router = APIRouter()


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # percent of the longest bar


@dataclass(frozen=True)
class Chart:
    title: str  # a msgid
    bars: list[Bar]
    translate: bool  # labels are msgids (statuses, needs), not names


def bars(counts: dict[str, int], names: dict[str, str] | None = None, *, top: int = 16,
         keep_order: bool = False) -> list[Bar]:
    """The largest `top` counts (or all, in their order) as bars scaled to the longest."""
    items = list(counts.items()) if keep_order else \
        sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    longest = max((v for _, v in items), default=0) or 1
    return [Bar((names or {}).get(k, k), v, round(100 * v / longest, 1)) for k, v in items]


@router.get("/stats")
async def stats(request: Request, user: StaffUser = CurrentUser,
                db: AsyncSession = Depends(session)) -> Response:
    lang = language(request, user)
    f = await reports.figures(db, user)
    centres = {c.id: (c.name_bn if lang == "bn" else c.name_en)
               for c in (await db.scalars(select(Centre))).all()}
    districts = {d.name: (d.name_bn if lang == "bn" else d.name)
                 for d in (await db.scalars(select(District))).all()}
    status = {k: f.by_status.get(k, 0) for k in labels.STATUS}
    charts = [
        Chart(N_("Tickets by status"), bars(status, labels.STATUS, keep_order=True), True),
        Chart(N_("New tickets per week"), bars(f.by_week, keep_order=True), False),
        Chart(N_("Tickets by district (top 16)"), bars(f.by_district, districts), False),
        Chart(N_("Tickets by centre"), bars(f.by_centre, centres), False),
        Chart(N_("Tickets by gender"), bars(f.by_gender, labels.GENDER), True),
        Chart(N_("Tickets by need"), bars(f.by_need, labels.NEED), True),
    ]
    questions = await reports.unanswered(db) if user.role == "admin" else []
    # Admins see no personal data: the questions are shown masked as the review export is.
    shown = await asyncio.to_thread(_masked, request.app.state.services.nlu, questions)
    return render(request, "stats.html", user=user, figures=f, charts=charts,
                  questions=list(zip(questions, shown, strict=True)))


def _builtin(nlu: Any) -> Any:
    """The built-in model that masking needs: the service's, or the one behind Rasa."""
    return nlu if hasattr(nlu, "intents") else getattr(nlu, "fallback", None)


def _masked(nlu: Any, questions: list[Any]) -> list[str]:
    model = _builtin(nlu)
    if model is None:
        return ["<...>" for _ in questions]
    common = review_export.common_words(review_export.Stored.of(q) for q in questions)
    return [review_export.mask(q.text, model, common) for q in questions]


@router.get("/stats/review.yml")
async def review(request: Request, user: StaffUser = CurrentUser,
                 db: AsyncSession = Depends(session)) -> Response:
    """`prottasha nlu review` as a download for admins: masked, most useful first."""
    if user.role != "admin":
        return JSONResponse({"error": "only an admin may export messages for labelling"}, 403)
    rows = await reports.unsure(db, below=review_export.BELOW, days=review_export.DAYS)
    stored = [review_export.Stored.of(r) for r in rows]
    services = request.app.state.services
    body = await asyncio.to_thread(_export, services.nlu, services.settings, stored)
    return Response(body, media_type="application/yaml; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="nlu-review.yml"',
        "Cache-Control": "no-store"})


def _export(nlu: Any, settings: Settings, stored: list[review_export.Stored]) -> str:
    data_dir = settings.nlu_data_dir
    nlu = _builtin(nlu)
    if nlu is None:  # no built-in vocabulary at hand to mask with: train it (once, on disk)
        assert settings.nlu_artifact_dir is not None
        nlu = load_or_train(data_dir, settings.nlu_artifact_dir)
    known = [ex.text for ex in read_nlu(data_dir).examples]
    items = review_export.collect(stored, nlu, known=known)
    return review_export.to_yaml(items)
