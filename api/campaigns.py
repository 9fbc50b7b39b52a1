"""`/api/v1/campaigns`: awareness broadcasts (shared/spec/contracts.md, "Campaigns")."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session, staff
from api.errors import ApiError
from bot.campaigns import Composer
from referral.campaigns import drafts, sending
from referral.campaigns.models import Campaign
from referral.casework import StaffUser
from referral.models import utcnow

router = APIRouter(prefix="/api/v1", tags=["campaigns"])


class Segment(BaseModel):
    languages: list[str] | None = None
    districts: list[str] | None = None
    channels: list[str] | None = None
    registered: bool | None = None
    topics: list[str] | None = Field(None, description="intents the person asked about")
    countries: list[str] | None = Field(None, description="ISO regions of the phone")
    seen_after: datetime | None = None
    seen_before: datetime | None = None


class Messages(BaseModel):
    bn: str
    en: str
    banglish: str | None = None


class CampaignIn(BaseModel):
    name: str
    segment: Segment = Field(default_factory=Segment)
    messages: Messages
    send_at: datetime | None = Field(None, description="ISO-8601; without a zone: Bangladesh")
    quiet_hours: bool = True
    kind: Literal["broadcast", "drip", "quiz"] = "broadcast"
    steps: list[dict[str, Any]] | None = Field(
        None, description='drip: [{"day": 3, "messages": {"bn", "en", "banglish"?}}]; quiz: '
                          '[{"bn", "en", "banglish"?, "options": 3, "answer": "2"}]')
    topic: str | None = Field(None, description='a content topic: "reply 1 for more" shows it')
    whatsapp_template: str | None = Field(
        None, description="an approved template's Twilio Content SID, for WhatsApp contacts "
                          "outside the 24-hour window (without one they are left out)")


def composer(request: Request, campaign: Campaign) -> Composer:
    return Composer.for_campaign(campaign, request.app.state.services.resources.catalogs)


def known_topics(request: Request) -> set[str]:
    return {topic_id for topic_id, _ in request.app.state.services.resources.library.topics}


async def to_json(db: AsyncSession, request: Request, campaign: Campaign) -> dict[str, Any]:
    """The contract's `Campaign`: a draft's recipients and estimate are what starting now
    would queue (the dry run); a started one's are what was queued."""
    compose = composer(request, campaign)
    counts = await sending.progress(db, campaign.id)
    if campaign.state == "draft":
        plan = await sending.plan(db, campaign, compose)
        recipients, estimate = plan.recipients, plan.estimate
        breakdown = {"languages": dict(plan.by_language), "channels": dict(plan.by_channel),
                     "left_out": dict(plan.excluded)}
    else:
        recipients, estimate = campaign.recipients or 0, campaign.estimate or {}
        breakdown = None
    progress = {k: counts[k] for k in ("sent", "failed", "skipped", "pending", "cancelled")}
    return {"id": campaign.id, "name": campaign.name,
            "status": sending.status(campaign, counts, utcnow()),
            "kind": campaign.kind, "segment": campaign.segment,
            "messages": campaign.messages, "steps": campaign.steps, "topic": campaign.topic,
            "whatsapp_template": campaign.whatsapp_template,
            "send_at": campaign.send_at, "quiet_hours": campaign.quiet_hours,
            "recipients": recipients, "estimate": estimate, "breakdown": breakdown,
            "progress": progress, "delivered": counts["delivered"],
            "opted_out": counts["opted_out"],
            "previews": compose.previews(), "created_at": campaign.created_at,
            "quiz": await sending.quiz_results(db, campaign) if campaign.kind == "quiz" else None,
            "started_at": campaign.started_at, "cancelled_at": campaign.cancelled_at}


@router.post("/campaigns", status_code=201)
async def create_campaign(body: CampaignIn, request: Request, user: StaffUser = Depends(staff),
                          db: AsyncSession = Depends(session)) -> dict[str, Any]:
    campaign = await drafts.create(
        db, user, name=body.name, segment=body.segment.model_dump(exclude_none=True),
        messages=body.messages.model_dump(exclude_none=True), send_at=body.send_at,
        quiet_hours=body.quiet_hours, kind=body.kind, steps=body.steps, topic=body.topic,
        topics=known_topics(request), whatsapp_template=body.whatsapp_template)
    await db.commit()
    return await to_json(db, request, campaign)


@router.get("/campaigns/{campaign_id}")
async def get_campaign(campaign_id: int, request: Request, user: StaffUser = Depends(staff),
                       db: AsyncSession = Depends(session)) -> dict[str, Any]:
    return await to_json(db, request, await drafts.get(db, user, campaign_id))


@router.post("/campaigns/{campaign_id}/start")
async def start_campaign(campaign_id: int, request: Request, user: StaffUser = Depends(staff),
                         db: AsyncSession = Depends(session)) -> dict[str, Any]:
    campaign = await drafts.get(db, user, campaign_id)  # also who may address whom
    try:
        await sending.start(db, campaign, composer(request, campaign))
    except sending.AlreadyStarted as exc:
        raise ApiError("the campaign has already been started", status=409,
                       code="already_started") from exc
    request.app.state.services.wake_outbox()
    await db.refresh(campaign)
    return await to_json(db, request, campaign)


@router.post("/campaigns/{campaign_id}/cancel")
async def cancel_campaign(campaign_id: int, request: Request, user: StaffUser = Depends(staff),
                          db: AsyncSession = Depends(session)) -> dict[str, Any]:
    campaign = await drafts.get(db, user, campaign_id)  # also who may address whom
    await sending.cancel(db, campaign)
    await db.refresh(campaign)
    return await to_json(db, request, campaign)
