"""Awareness campaigns for managers (their centre's districts) and admins: the list, a form for
a draft, and a campaign's page with its estimate, previews, start, cancel and progress.

The rules live in `referral.campaigns` (who may address whom, what a valid campaign is); this
module only turns forms into calls and answers into pages, as `api/campaigns.py` does for JSON.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.campaigns import composer, to_json
from api.dashboard.campaign_form import CampaignForm
from api.dashboard.session import PATH, CurrentUser, FormUser
from api.dashboard.web import render
from bot import labels
from bot.i18n import N_
from referral.campaigns import drafts, sending
from referral.campaigns.models import Campaign, CampaignRecipient
from referral.campaigns.segments import LANGUAGES, PUSH_CHANNELS, Segment
from referral.casework import District, StaffUser
from referral.errors import Forbidden, Invalid, NotFound
from referral.models import utcnow

router = APIRouter()
FORBIDDEN = N_("Only managers and admins run campaigns.")
MISSING = N_("There is no such campaign, or it is not one your centre may see.")
NOT_YOURS = N_("You can address only people in your own centre's districts: choose one or "
               "more of them.")
NOT_SAVED = N_("The campaign could not be saved:")
ALREADY = N_("This campaign has already been started: nothing was sent twice.")
NOTHING_LEFT = N_("This campaign has nothing left to cancel.")
LIVE = ("scheduled", "sending")  # the statuses whose page refreshes itself
LIST_MAX = 200


def _runs_campaigns(user: StaffUser) -> bool:
    return user.role in ("admin", "manager")


def _denied(request: Request, user: StaffUser) -> Response:
    return render(request, "error.html", user=user, status=403, message=FORBIDDEN)


async def _may_see(db: AsyncSession, user: StaffUser, campaign: Campaign) -> bool:
    try:
        await drafts.check_may_address(db, user, Segment.from_dict(campaign.segment))
    except Forbidden:
        return False
    return True


def bar(counts: dict[str, int]) -> list[dict[str, Any]]:
    """The progress bar's pieces: each outcome's count and its share of the whole, in percent."""
    total = sum(counts.get(k, 0) for k in labels.PROGRESS) or 1
    pieces, x = [], 0.0
    for key in labels.PROGRESS:
        width = round(100 * counts.get(key, 0) / total, 2)
        pieces.append({"key": key, "count": counts.get(key, 0), "x": x, "width": width})
        x = round(x + width, 2)
    return pieces


async def _choices(db: AsyncSession, user: StaffUser) -> list[str]:
    """The districts the form offers: a manager's centre's, an admin's all."""
    if user.role == "admin":
        return sorted(await db.scalars(select(District.name)))
    return sorted(await drafts.centre_districts(db, user.centre_id))


async def _queued(db: AsyncSession, campaign_id: int) -> dict[str, dict[str, int]]:
    """A started campaign's breakdown: who it was queued for, by language and channel."""
    rows = await db.execute(
        select(CampaignRecipient.language, CampaignRecipient.channel, func.count())
        .where(CampaignRecipient.campaign_id == campaign_id)
        .group_by(CampaignRecipient.language, CampaignRecipient.channel))
    languages: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for language, channel, n in rows:
        languages[language] += n
        channels[channel] += n
    return {"languages": dict(languages), "channels": dict(channels)}


@router.get("/campaigns")
async def campaign_list(request: Request, user: StaffUser = CurrentUser,
                        db: AsyncSession = Depends(session)) -> Response:
    if not _runs_campaigns(user):
        return _denied(request, user)
    now, rows = utcnow(), list[dict[str, Any]]()
    newest = await db.scalars(select(Campaign).order_by(Campaign.id.desc()))
    for campaign in newest.all():
        if len(rows) >= LIST_MAX:
            break
        if not await _may_see(db, user, campaign):
            continue
        counts = await sending.progress(db, campaign.id)
        rows.append({"campaign": campaign, "counts": counts, "bar": bar(counts),
                     "status": sending.status(campaign, counts, now)})
    return render(request, "campaigns.html", user=user, rows=rows)


def _form_page(request: Request, user: StaffUser, form: CampaignForm, choices: list[str], *,
               status: int = 200, problem: str | None = None, detail: str = "") -> Response:
    return render(request, "campaign_new.html", user=user, status=status, form=form,
                  choices=choices, languages=LANGUAGES, channels=PUSH_CHANNELS,
                  problem=problem, detail=detail)


@router.get("/campaigns/new")
async def new_campaign(request: Request, user: StaffUser = CurrentUser,
                       db: AsyncSession = Depends(session)) -> Response:
    if not _runs_campaigns(user):
        return _denied(request, user)
    return _form_page(request, user, CampaignForm(), await _choices(db, user))


@router.post("/campaigns")
async def create_campaign(request: Request, user: StaffUser = FormUser,
                          db: AsyncSession = Depends(session)) -> Response:
    if not _runs_campaigns(user):
        return _denied(request, user)
    choices = await _choices(db, user)
    known = list(await db.scalars(select(District.name)))
    form = CampaignForm.parse(await request.form(), known)
    if form.problems:
        return _form_page(request, user, form, choices, status=422)
    try:
        campaign = await drafts.create(db, user, **form.create_args())
    except Forbidden as exc:
        return _form_page(request, user, form, choices, status=403, problem=NOT_YOURS,
                          detail=exc.message)
    except Invalid as exc:  # what the form cannot know; the core's own words follow
        return _form_page(request, user, form, choices, status=422, problem=NOT_SAVED,
                          detail=exc.message)
    await db.commit()
    return RedirectResponse(f"{PATH}/campaigns/{campaign.id}", status_code=303)


async def _campaign(request: Request, db: AsyncSession, user: StaffUser,
                    campaign_id: int) -> Campaign | Response:
    """The campaign a manager or admin may see, or the page that says why not."""
    if not _runs_campaigns(user):
        return _denied(request, user)
    try:
        return await drafts.get(db, user, campaign_id)
    except NotFound:
        return render(request, "error.html", user=user, status=404, message=MISSING)


async def _page(request: Request, db: AsyncSession, user: StaffUser, campaign: Campaign, *,
                status: int = 200, problem: str | None = None) -> Response:
    view = await to_json(db, request, campaign)
    if view["breakdown"] is None:
        view["breakdown"] = await _queued(db, campaign.id)
    counts = {**view["progress"], "delivered": view["delivered"]}
    return render(request, "campaign.html", user=user, status=status, c=view,
                  bar=bar(counts), counts=counts, problem=problem,
                  done=request.query_params.get("done"), live=view["status"] in LIVE)


@router.get("/campaigns/{campaign_id}")
async def campaign_page(campaign_id: int, request: Request, user: StaffUser = CurrentUser,
                        db: AsyncSession = Depends(session)) -> Response:
    campaign = await _campaign(request, db, user, campaign_id)
    if isinstance(campaign, Response):
        return campaign
    return await _page(request, db, user, campaign)


@router.post("/campaigns/{campaign_id}/start")
async def start_campaign(campaign_id: int, request: Request, user: StaffUser = FormUser,
                         db: AsyncSession = Depends(session)) -> Response:
    campaign = await _campaign(request, db, user, campaign_id)
    if isinstance(campaign, Response):
        return campaign
    try:
        await sending.start(db, campaign, composer(request, campaign))
    except sending.AlreadyStarted:
        # The core rolled back, which expires what the session had loaded.
        await db.refresh(user)
        await db.refresh(campaign)
        return await _page(request, db, user, campaign, status=409, problem=ALREADY)
    request.app.state.services.wake_outbox()
    return RedirectResponse(f"{PATH}/campaigns/{campaign_id}?done=started", status_code=303)


@router.post("/campaigns/{campaign_id}/cancel")
async def cancel_campaign(campaign_id: int, request: Request, user: StaffUser = FormUser,
                          db: AsyncSession = Depends(session)) -> Response:
    campaign = await _campaign(request, db, user, campaign_id)
    if isinstance(campaign, Response):
        return campaign
    counts = await sending.progress(db, campaign.id)
    if sending.status(campaign, counts, utcnow()) not in ("draft", *LIVE):
        return await _page(request, db, user, campaign, status=409, problem=NOTHING_LEFT)
    await sending.cancel(db, campaign)
    return RedirectResponse(f"{PATH}/campaigns/{campaign_id}?done=cancelled", status_code=303)
