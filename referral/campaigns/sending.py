"""A campaign's life in the database: its plan, the start that queues it, cancel, progress.

Starting is one transaction: the campaign moves from draft to started only if it was a draft
(so a second start is refused), and every recipient gets one `campaign_recipients` row (its key
makes a second message to one contact impossible) and one outbox row, which the worker sends
within the channel's cap and outside the recipient's night.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral import crypto
from referral.campaigns import quiet
from referral.campaigns.models import Campaign, CampaignRecipient
from referral.campaigns.segments import Member, Segment, members
from referral.models import OutboxMessage, utcnow
from referral.outbox import PROVIDER_OPTED_OUT
from referral.outbox import values as message_values

KIND = "bulk"
CHUNK = 1000
# The columns that `start` writes, in the order PostgreSQL's COPY gets them.
RECIPIENT_COLUMNS = ("campaign_id", "contact_id", "channel", "language", "district",
                     "joined_at", "awaiting", "step", "score", "answers")
OUTBOX_COLUMNS = ("channel", "user_hash", "address", "text", "buttons", "language", "kind",
                  "priority", "status", "attempts", "available_at", "created_at", "campaign_id",
                  "quiet_tz", "template")
_JSON = ("buttons", "answers")  # COPY takes JSON columns as text


@dataclass(frozen=True)
class Piece:
    """What one recipient gets: the language version and its text, and its SMS parts (0 when
    the channel is not SMS)."""

    language: str
    text: str
    sms_parts: int


@dataclass(frozen=True)
class Timed:
    """A piece sent `day` days after the contact joined the campaign (0: at once)."""

    day: int
    piece: Piece


# A recipient's messages; `awaiting` (an attribute of the composer) says what a reply means.
Compose = Callable[[Member], list[Timed]]


@dataclass
class Plan:
    recipients: int = 0
    sms_segments: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    by_channel: Counter[str] = field(default_factory=Counter)

    messages: int = 0
    excluded: Counter[str] = field(default_factory=Counter)  # in the segment, not reachable

    def add(self, member: Member, pieces: list[Timed]) -> None:
        self.recipients += 1
        self.messages += len(pieces)
        self.sms_segments += sum(t.piece.sms_parts for t in pieces)
        self.by_language[pieces[0].piece.language] += 1
        self.by_channel[member.channel] += 1

    def exclude(self, reason: str) -> None:
        self.excluded[reason] += 1

    @property
    def estimate(self) -> dict[str, int]:
        return {"messages": self.messages, "sms_segments": self.sms_segments}


class AlreadyStarted(Exception):
    """The campaign is not a draft any more."""


WHATSAPP_WINDOW = timedelta(hours=24)


def deliverable(campaign: Campaign, member: Member, pieces: list[Timed],
                now: datetime) -> list[tuple[Timed, str | None]]:
    """The pieces that may go, each with the WhatsApp template it must go as (or None: free
    text). WhatsApp takes free text only within 24 hours of the person's last message; beyond,
    only an approved template; a piece that can be neither is left out."""
    if member.channel != "whatsapp":
        return [(t, None) for t in pieces]
    open_until = _aware(member.last_seen_at, now) + WHATSAPP_WINDOW
    out: list[tuple[Timed, str | None]] = []
    for timed in pieces:
        if now + timedelta(days=timed.day) < open_until:
            out.append((timed, None))
        elif campaign.whatsapp_template:
            out.append((timed, campaign.whatsapp_template))
    return out


async def plan(session: AsyncSession, campaign: Campaign, compose: Compose, *,
               now: datetime | None = None) -> Plan:
    """Who would get what if the campaign started now (the dry run); nothing is written."""
    now = now or utcnow()
    begin = max(now, _aware(campaign.send_at, now)) if campaign.send_at else now
    result = Plan()
    async for member in members(session, Segment.from_dict(campaign.segment)):
        if sendable := deliverable(campaign, member, compose(member), begin):
            result.add(member, [t for t, _ in sendable])
        else:
            result.exclude("whatsapp_window")
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
    result = await enrol(session, campaign, compose, now=now, progress=progress)
    await session.execute(
        update(Campaign).where(Campaign.id == campaign_id)
        .values(recipients=result.recipients, estimate=result.estimate)
        .execution_options(synchronize_session=False))
    await session.commit()
    return result


async def enrol(session: AsyncSession, campaign: Campaign, compose: Compose, *, now: datetime,
                progress: Callable[[int], None] | None = None) -> Plan:
    """Queue the campaign for everyone in its segment who is not a recipient yet (flushes;
    the caller commits): all of them at the start, those who joined since for a drip."""
    begin = max(now, _aware(campaign.send_at, now)) if campaign.send_at else now
    awaiting = getattr(compose, "awaiting", None)
    result = Plan()
    outbox: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []

    copy = session.get_bind().dialect.name == "postgresql"
    sealed: dict[str, bytes] = {}  # a version's text, encrypted once (see `_copy_rows`)

    async def flush() -> None:
        if recipients and copy:
            await _copy_rows(session, recipients, outbox, sealed)
        elif recipients:
            await session.execute(insert(CampaignRecipient), recipients)
            await session.execute(insert(OutboxMessage), outbox)
        if recipients:
            if progress:
                progress(len(recipients))
            recipients.clear()
            outbox.clear()

    segment = Segment.from_dict(campaign.segment)
    async for member in members(session, segment, not_in_campaign=campaign.id):
        sendable = deliverable(campaign, member, compose(member), begin)
        if not sendable:
            result.exclude("whatsapp_window")
            continue
        pieces = [t for t, _ in sendable]
        result.add(member, pieces)
        tz = member.tz if campaign.quiet_hours else None
        recipients.append({"campaign_id": campaign.id, "contact_id": member.contact_id,
                           "channel": member.channel, "language": pieces[0].piece.language,
                           "district": member.district, "joined_at": now,
                           "awaiting": awaiting, "step": 0, "score": 0, "answers": []})
        for timed, template in sendable:
            due = begin + timedelta(days=timed.day)
            at = (quiet.next_allowed(due, tz) if tz else None) or due
            piece = timed.piece
            outbox.append(message_values(
                channel=member.channel, user_hash=member.user_hash, address=member.address,
                text=piece.text, language=piece.language, kind=KIND, available_at=at,
                created_at=now, campaign_id=campaign.id, quiet_tz=tz, template=template))
        if len(recipients) >= CHUNK:
            await flush()
    await flush()
    return result


def _aware(moment: datetime, now: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


async def _copy_rows(session: AsyncSession, recipients: list[dict[str, Any]],
                     outbox: list[dict[str, Any]], sealed: dict[str, bytes]) -> None:
    """The rows of `start` by COPY on the session's own connection, in its transaction: the
    ORM's multi-row INSERT spent most of a 100,000-recipient start building statements and
    binding parameters (docs/performance.md, "Campaigns"). What is written is what the ORM
    writes: addresses encrypted one by one; a version's text, the same for everyone who gets
    it and kept in clear in the campaign itself, encrypted once per version."""
    connection = await (await session.connection()).get_raw_connection()
    driver: Any = connection.driver_connection
    await driver.copy_records_to_table(
        CampaignRecipient.__tablename__, columns=RECIPIENT_COLUMNS,
        records=[tuple(json.dumps(r[c]) if c in _JSON else r[c] for c in RECIPIENT_COLUMNS)
                 for r in recipients])
    records = []
    for row in outbox:
        text = sealed.get(row["text"])
        if text is None:
            text = sealed[row["text"]] = crypto.encrypt(row["text"])
        records.append(tuple(
            crypto.encrypt(row["address"]) if c == "address" else text if c == "text"
            else json.dumps(row[c]) if c in _JSON else row[c] for c in OUTBOX_COLUMNS))
    await driver.copy_records_to_table(OutboxMessage.__tablename__, columns=OUTBOX_COLUMNS,
                                       records=records)


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
# Opted out before the send (skipped) or, by the provider's report, at it.
STOPPED = ("opted out", PROVIDER_OPTED_OUT)
_PROGRESS = {"pending": "pending", "sending": "pending", "dispatching": "pending",
             "sent": "sent", "delivered": "sent", "read": "sent",
             "failed": "failed", "undelivered": "failed", "unknown": "failed",
             "skipped": "skipped", "cancelled": "cancelled"}


async def progress(session: AsyncSession, campaign_id: int) -> dict[str, int]:
    """Messages by outcome: sent, failed, skipped (opted out meanwhile), pending, cancelled;
    of the sent, those the provider reported delivered; and all those who had opted out."""
    said_stop = OutboxMessage.last_error.in_(STOPPED)
    rows = await session.execute(
        select(OutboxMessage.status, said_stop, func.count())
        .where(OutboxMessage.campaign_id == campaign_id)
        .group_by(OutboxMessage.status, said_stop))
    counts = dict.fromkeys(("sent", "failed", "skipped", "pending", "cancelled", "delivered",
                            "opted_out"), 0)
    for status, stopped, n in rows:
        counts[_PROGRESS.get(status, "failed")] += n
        if status in ("delivered", "read"):
            counts["delivered"] += n
        if stopped:
            counts["opted_out"] += n
    return counts


def status(campaign: Campaign, counts: dict[str, int], now: datetime) -> str:
    """draft, scheduled, sending, done or cancelled."""
    if campaign.state in ("draft", "cancelled"):
        return campaign.state
    if campaign.send_at and _aware(campaign.send_at, now) > now:
        return "scheduled"
    # A drip series goes on for everyone who joins its segment until it is cancelled.
    return "sending" if counts["pending"] or campaign.kind == "drip" else "done"


async def quiz_results(session: AsyncSession, campaign: Campaign) -> dict[str, Any]:
    """A quiz as an M&E figure: per district (and overall), how many were asked, answered,
    finished, and the share of answers that were right, question by question."""
    questions = len(campaign.steps or [])
    correct = [str(q.get("answer")) for q in campaign.steps or []]
    rows = await session.execute(
        select(CampaignRecipient.district, CampaignRecipient.answers)
        .where(CampaignRecipient.campaign_id == campaign.id))
    table: dict[str, dict[str, Any]] = {}
    for district, answers in rows:
        for key in (district or "unknown", "all"):
            t = table.setdefault(key, {"asked": 0, "answered": 0, "finished": 0, "answers": 0,
                                       "right": 0, "right_by_question": [0] * questions})
            t["asked"] += 1
            given = list(answers or [])
            t["answered"] += bool(given)
            t["finished"] += len(given) >= questions
            t["answers"] += len(given)
            for i, answer in enumerate(given[:questions]):
                if answer == correct[i]:
                    t["right"] += 1
                    t["right_by_question"][i] += 1
    for t in table.values():
        t["right_share"] = round(t["right"] / t["answers"], 3) if t["answers"] else None
    overall = table.pop("all", None)
    return {"questions": questions, "overall": overall, "by_district": dict(sorted(table.items()))}


async def record_reply(session: AsyncSession, campaign_id: int, contact_id: int, *,
                       step: int | None, answer: str | None, now: datetime) -> bool:
    """A recipient's reply in the campaign's context (flushes): a quiz answer to question
    `step`, kept only if that question was the one waiting (a repeated answer is not counted
    twice), or "1 for more". False when it was not waiting any more."""
    row = await session.get(CampaignRecipient, (campaign_id, contact_id),
                            with_for_update=True)
    if row is None or row.awaiting is None:
        return False
    row.replied_at = now
    if step is None:  # "1 for more": read once
        row.awaiting = None
        await session.flush()
        return True
    if row.awaiting != "quiz" or row.step != step:
        return False
    campaign = await session.get(Campaign, campaign_id)
    questions = campaign.steps if campaign else []
    row.answers = [*row.answers, answer or ""]
    if questions and step < len(questions) and answer == str(questions[step].get("answer")):
        row.score += 1
    row.step = step + 1
    if row.step >= len(questions):
        row.awaiting = None
    await session.flush()
    return True


SENT = ("sent", "delivered", "read")


async def waiting_reply(session: AsyncSession, contact_id: int,
                        user_hash: str) -> tuple[Campaign, CampaignRecipient] | None:
    """The latest campaign that reached this address and waits for a reply, if it still
    runs (a "1" typed before the campaign arrived is not an answer to it)."""
    reached = exists().where(OutboxMessage.campaign_id == Campaign.id,
                             OutboxMessage.user_hash == user_hash,
                             OutboxMessage.status.in_(SENT))
    found = (await session.execute(
        select(Campaign, CampaignRecipient)
        .join(CampaignRecipient, CampaignRecipient.campaign_id == Campaign.id)
        .where(CampaignRecipient.contact_id == contact_id,
               CampaignRecipient.awaiting.is_not(None), Campaign.state == "started", reached)
        .order_by(CampaignRecipient.joined_at.desc(), Campaign.id.desc()).limit(1))).first()
    return (found[0], found[1]) if found else None
