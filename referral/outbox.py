"""The outbox: messages waiting to be sent, claimed by one worker at a time.

A claim is one conditional UPDATE: on PostgreSQL its row choice is `FOR UPDATE SKIP LOCKED`, so
concurrent workers take different rows without waiting; on SQLite the write lock makes the same
statement atomic. A claim whose worker died is taken over once its lease runs out.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral.models import OutboxMessage, utcnow

# Twilio's "Attempt to send to unsubscribed recipient": the person sent STOP to our number. The
# REST sender reads it from a refused send, the status callback from a report; the reason a
# message was not delivered is recorded as PROVIDER_OPTED_OUT (campaign progress counts it).
TWILIO_OPTED_OUT = 21610
PROVIDER_OPTED_OUT = f"twilio {TWILIO_OPTED_OUT}"
PRIORITY = {"reply": 0, "alert": 0, "proactive": 5, "bulk": 9}  # lower goes first


class SendError(Exception):
    """A provider refused or failed a send; `retryable` says whether trying later may help."""

    def __init__(self, code: str, *, retryable: bool, opt_out: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(code)
        self.code = code[:200]
        self.retryable = retryable
        self.opt_out = opt_out  # the provider says this person has stopped messages
        self.retry_after = retry_after


def values(*, channel: str, user_hash: str, address: str, text: str, language: str,
           kind: str = "proactive", buttons: list[dict[str, str]] | None = None,
           priority: int | None = None, in_reply_to: int | None = None, sent: bool = False,
           **extra: Any) -> dict[str, Any]:
    """The one description of an outbound message, as its row's column values: every message
    to a person or a staff member is made here (the ORM row of `enqueue`, a campaign's bulk
    insert). `sent` records a reply that already went back in the HTTP answer."""
    now = utcnow()
    return {"channel": channel, "user_hash": user_hash, "address": address, "text": text,
            "buttons": list(buttons or []), "language": language, "kind": kind,
            "priority": PRIORITY.get(kind, 5) if priority is None else priority,
            "status": "sent" if sent else "pending", "attempts": 0, "in_reply_to": in_reply_to,
            "sent_at": now if sent else None, "created_at": now, **extra}


def enqueue(session: AsyncSession, **message: Any) -> OutboxMessage:
    """Queue a message for the worker, or record one sent inline (the caller commits, with
    whatever caused it). Takes the arguments of `values`."""
    row = OutboxMessage(**values(**message))
    session.add(row)
    return row


def add(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Queue rows made by `values` (the caller commits)."""
    session.add_all(OutboxMessage(**row) for row in rows)


# Channels the person's own client fetches from (the web chat page polls): never pushed.
PULL_CHANNELS = ("webchat", "cli")


def _pending(now: datetime) -> Any:
    return and_(OutboxMessage.status == "pending",
                OutboxMessage.channel.notin_(PULL_CHANNELS),
                or_(OutboxMessage.available_at.is_(None), OutboxMessage.available_at <= now))


def _abandoned(now: datetime, lease: timedelta) -> Any:
    return and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease)


def _ready(now: datetime, lease: timedelta) -> Any:
    return or_(_pending(now), _abandoned(now, lease))


async def claim(session: AsyncSession, *, limit: int = 20, lease_seconds: float = 120,
                now: datetime | None = None) -> list[OutboxMessage]:
    """Claim up to `limit` ready messages, best priority first, and commit the claim (and up
    to `limit` more taken over from dead workers, which are rare)."""
    now = now or utcnow()
    lease = timedelta(seconds=lease_seconds)
    ready = _ready(now, lease)
    token = uuid.uuid4().hex
    # Two choices, not one with OR: the pending one walks ix_outbox_pending in queue order
    # and stops after `limit` rows; with OR, every claim read and sorted the whole queue
    # (300 ms at 100,000 campaign messages; docs/performance.md, "Campaigns").
    choices = [select(OutboxMessage.id).where(which)
               .order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
               for which in (_pending(now), _abandoned(now, lease))]
    if session.get_bind().dialect.name == "postgresql":
        # In CTEs, run once. As a plain `IN (subquery)` PostgreSQL may rescan the subquery for
        # each row it updates, and every rescan, no longer seeing the rows just claimed, locks
        # the next ones: one claim took the whole queue, not `limit` rows.
        picked = [c.with_for_update(skip_locked=True).cte(f"picked{i}")
                  for i, c in enumerate(choices)]
        chosen = or_(*(OutboxMessage.id.in_(select(p.c.id)) for p in picked))
    else:
        chosen = or_(*(OutboxMessage.id.in_(c.scalar_subquery()) for c in choices))
    # `ready` again in the outer WHERE: on SQLite a row claimed meanwhile no longer matches.
    await session.execute(
        update(OutboxMessage)
        .where(chosen, ready)
        .values(status="sending", claim_token=token, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    await session.commit()
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.priority, OutboxMessage.id))
    return list(rows)


async def finish(session: AsyncSession, row: OutboxMessage, *, status: str,
                 provider_id: str | None = None, error: str | None = None,
                 retry_at: datetime | None = None) -> bool:
    """Record a send's outcome, only if our claim still holds; False when it was taken over."""
    values: dict[str, Any] = {"status": status, "claim_token": None, "last_error": error}
    if status == "sent":
        values.update(provider_id=provider_id, sent_at=utcnow())
    if row.kind == ERASURE and status != "pending":
        # The last message to an erased person: once it is out (or never will be), nothing
        # of theirs stays, not even where it went.
        values.update(address="", provider_id=None)
    if retry_at is not None:
        values["available_at"] = retry_at
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token)
        .values(**values).execution_options(synchronize_session=False))
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def dispatch(session: AsyncSession, row: OutboxMessage) -> bool:
    """Mark a bulk message as being handed to the provider, just before it is (commits).

    False when it was cancelled or taken over meanwhile: then it must not go. A worker killed
    after this mark leaves the row `dispatching`, which is never claimed again as it is: the
    provider may or may not have it, and a campaign message must go once, never twice.
    `stranded` hands such rows to a worker that asks the provider before anything else;
    `sent_at` keeps when it was handed over (the provider made it after that), until sent."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token,
               OutboxMessage.status == "sending")
        .values(status="dispatching", sent_at=utcnow())
        .execution_options(synchronize_session=False))
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def stranded(session: AsyncSession, *, now: datetime, lease_seconds: float,
                   limit: int = 50) -> list[OutboxMessage]:
    """Bulk messages whose worker died while handing them over, claimed for settling by this
    worker alone (commits). They stay `dispatching`: a settler that dies too leaves them to
    the next one after another lease, and `sent_at` still says when they were handed over."""
    lost = and_(OutboxMessage.status == "dispatching",
                OutboxMessage.claimed_at < now - timedelta(seconds=lease_seconds))
    token = uuid.uuid4().hex
    chosen = select(OutboxMessage.id).where(lost).order_by(OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":  # once, as in `claim`
        chosen = select(chosen.with_for_update(skip_locked=True).cte("stranded").c.id)
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(chosen), lost)
        .values(claim_token=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    await session.commit()
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)))


async def release(session: AsyncSession, rows: list[OutboxMessage], *,
                  until: datetime | None = None) -> None:
    """Give claimed rows back unsent, without counting the claim as an attempt (commits):
    a campaign message held for the recipient's morning, or left for a reply to overtake."""
    for row in rows:
        values: dict[str, Any] = {"status": "pending", "claim_token": None,
                                  "attempts": OutboxMessage.attempts - 1}
        if until is not None:
            values["available_at"] = until
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.claim_token == row.claim_token,
                   OutboxMessage.status == "sending")
            .values(**values).execution_options(synchronize_session=False))
    await session.commit()


async def more_urgent_waiting(session: AsyncSession, priority: int, now: datetime) -> bool:
    """Is a message of better priority than `priority` ready (a reply behind a campaign)?"""
    found = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.priority < priority,
                                       _ready(now, timedelta(days=3650))).limit(1))
    return found is not None


ERASURE = "erasure"  # the kind of the reply that confirms an erasure

# Delivery reports can arrive out of order: a late "sent" must not undo "delivered".
DELIVERY_RANK = {"queued": 0, "accepted": 0, "sending": 0, "sent": 1, "delivered": 2,
                 "undelivered": 2, "failed": 2, "read": 3}


async def record_delivery(session: AsyncSession, *, provider_id: str, status: str,
                          error: str | None = None) -> OutboxMessage | None:
    """A provider's delivery report for a message we sent (the caller commits)."""
    row = await session.scalar(select(OutboxMessage).where(OutboxMessage.provider_id == provider_id))
    if row is None or status not in DELIVERY_RANK:
        return row
    if DELIVERY_RANK[status] >= DELIVERY_RANK.get(row.status, 0) and DELIVERY_RANK[status] > 0:
        row.status = status
    if error:
        row.last_error = error[:200]
    return row


async def pick_up(session: AsyncSession, *, channel: str, user_hash: str) -> list[OutboxMessage]:
    """Messages waiting for a pull channel's client (a staff reply to a web chat user),
    marked sent as they are handed over (flushes; the caller commits)."""
    # One UPDATE that only takes rows still pending: of several polls at once (two tabs, a
    # retry), each message goes to exactly one; PostgreSQL re-checks the WHERE after a
    # concurrent update's lock, SQLite serialises the writes.
    token, now = uuid.uuid4().hex, utcnow()
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.user_hash == user_hash,
               OutboxMessage.status == "pending")
        .values(status="sent", sent_at=now, claim_token=token)
        .execution_options(synchronize_session=False))
    rows = list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.claim_token == token)
        .order_by(OutboxMessage.id).execution_options(populate_existing=True)))
    for row in rows:
        row.claim_token = None
    await session.flush()
    return rows
