"""A campaign's life in the database: its plan, the start that queues it, cancel, progress.

Starting is one transaction: the campaign moves from draft to started only if it was a draft
(so a second start is refused), and every recipient gets one `campaign_recipients` row (its key
makes a second message to one contact impossible) and one outbox row, which the worker sends
within the channel's cap and outside the recipient's night.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral.campaigns import quiet
from referral.campaigns.models import Campaign, CampaignRecipient
from referral.campaigns.segments import Member, Segment, members
from referral.models import OutboxMessage, utcnow
from referral.outbox import PRIORITY

KIND = "bulk"
CHUNK = 1000


@dataclass(frozen=True)
class Piece:
    """What one recipient gets: the language version and its text, and its SMS parts (0 when
    the channel is not SMS)."""

    language: str
    text: str
    sms_parts: int


Compose = Callable[[Member], Piece]


@dataclass
class Plan:
    recipients: int = 0
    sms_segments: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    def add(self, member: Member, piece: Piece) -> None:
        self.recipients += 1
        self.sms_segments += piece.sms_parts
        self.by_language[piece.language] += 1
        self.by_channel[member.channel] += 1

    @property
    def estimate(self) -> dict[str, int]:
        return {"messages": self.recipients, "sms_segments": self.sms_segments}


class AlreadyStarted(Exception):
    """The campaign is not a draft any more."""


async def plan(session: AsyncSession, campaign: Campaign, compose: Compose) -> Plan:
    """Who would get what if the campaign started now (the dry run); nothing is written."""
    result = Plan()
    async for member in members(session, Segment.from_dict(campaign.segment)):
        result.add(member, compose(member))
    return result


async def start(session: AsyncSession, campaign: Campaign, compose: Compose, *,
                now: datetime | None = None,
                progress: Callable[[int], None] | None = None) -> Plan:
    """Queue the campaign (commits). Raises `AlreadyStarted` when it was not a draft."""
    now, campaign_id = now or utcnow(), campaign.id
    taken = await session.execute(
        update(Campaign).where(Campaign.id == campaign_id, Campaign.state == "draft")
        .values(state="started", started_at=now).execution_options(synchronize_session=False))
    if not taken.rowcount:  # type: ignore[attr-defined]
        await session.rollback()
        raise AlreadyStarted(campaign_id)
    send_at = campaign.send_at
    if send_at is not None and send_at.tzinfo is None:  # SQLite: written in UTC
        send_at = send_at.replace(tzinfo=UTC)
    begin = max(now, send_at) if send_at else now
    result = Plan()
    outbox: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []

    async def flush() -> None:
        if recipients:
            await session.execute(insert(CampaignRecipient), recipients)
            await session.execute(insert(OutboxMessage), outbox)
            if progress:
                progress(len(recipients))
            recipients.clear()
            outbox.clear()

    async for member in members(session, Segment.from_dict(campaign.segment)):
        piece = compose(member)
        result.add(member, piece)
        tz = member.tz if campaign.quiet_hours else None
        at = (quiet.next_allowed(begin, tz) if tz else None) or begin
        recipients.append({"campaign_id": campaign.id, "contact_id": member.contact_id,
                           "channel": member.channel, "language": piece.language,
                           "district": member.district})
        outbox.append({"channel": member.channel, "user_hash": member.user_hash,
                       "address": member.address, "text": piece.text, "buttons": [],
                       "language": piece.language, "kind": KIND, "priority": PRIORITY[KIND],
                       "status": "pending", "attempts": 0, "available_at": at,
                       "created_at": now, "campaign_id": campaign.id, "quiet_tz": tz})
        if len(recipients) >= CHUNK:
            await flush()
    await flush()
    await session.execute(
        update(Campaign).where(Campaign.id == campaign.id)
        .values(recipients=result.recipients, estimate=result.estimate)
        .execution_options(synchronize_session=False))
    await session.commit()
    return result


async def cancel(session: AsyncSession, campaign: Campaign, *, now: datetime | None = None) -> int:
    """Nothing more goes out (commits): the messages not yet handed to a provider are
    cancelled, claimed ones too (the worker re-checks just before sending). The number
    cancelled."""
    now = now or utcnow()
    await session.execute(
        update(Campaign).where(Campaign.id == campaign.id, Campaign.state != "cancelled")
        .values(state="cancelled", cancelled_at=now)
        .execution_options(synchronize_session=False))
    stopped = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.campaign_id == campaign.id,
               OutboxMessage.status.in_(("pending", "sending")))
        .values(status="cancelled", claim_token=None)
        .execution_options(synchronize_session=False))
    await session.commit()
    return int(stopped.rowcount)  # type: ignore[attr-defined]


# Outbox statuses as a campaign's progress counts them; a provider's delivery reports move a
# sent message on to delivered or read (still sent) or undelivered (failed).
_PROGRESS = {"pending": "pending", "sending": "pending", "dispatching": "pending",
             "sent": "sent", "delivered": "sent", "read": "sent",
             "failed": "failed", "undelivered": "failed", "unknown": "failed",
             "skipped": "skipped", "cancelled": "cancelled"}


async def progress(session: AsyncSession, campaign_id: int) -> dict[str, int]:
    """Messages by outcome: sent, failed, skipped (opted out meanwhile), pending, cancelled;
    and of the sent, those the provider reported delivered."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.campaign_id == campaign_id).group_by(OutboxMessage.status))
    counts = dict.fromkeys(("sent", "failed", "skipped", "pending", "cancelled", "delivered"), 0)
    for status, n in rows:
        counts[_PROGRESS.get(status, "failed")] += n
        if status in ("delivered", "read"):
            counts["delivered"] += n
    return counts


def status(campaign: Campaign, counts: dict[str, int], now: datetime) -> str:
    """draft, scheduled, sending, done or cancelled."""
    if campaign.state in ("draft", "cancelled"):
        return campaign.state
    if counts["pending"]:
        send_at = campaign.send_at
        if send_at is not None and send_at.tzinfo is None:  # SQLite: written in UTC
            send_at = send_at.replace(tzinfo=now.tzinfo)
        return "scheduled" if send_at and send_at > now else "sending"
    return "done"
