"""The inbox: every message a person sends, stored before anything else is done with it, and
claimed once by whoever answers it (the turn, a redelivery or the recovery sweep)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import metrics
from bot.messages import Button, InboundMessage, OutboundMessage
from referral.crypto import inbox_key
from referral.db import dialect_insert
from referral.models import InboxMessage, OutboxMessage, utcnow

log = logging.getLogger("prottasha.service")


async def insert(session: Any, message: InboundMessage, user_hash: str, *,
                 status: str = "received") -> int | None:
    """Store an inbound message: its id, or None when one with its provider id is stored."""
    return await session.scalar(
        dialect_insert(session, InboxMessage)
        .values(channel=message.channel,
                provider_id=inbox_key(message.channel, message.provider_id),
                user_hash=user_hash, text=message.text, address=message.user_id, status=status)
        .on_conflict_do_nothing(index_elements=["channel", "provider_id"])
        .returning(InboxMessage.id))


async def store_alone(sessionmaker: async_sessionmaker, message: InboundMessage,
                      user_hash: str) -> tuple[int | None, None] | None:
    """The message alone, when storing it with its sender's link failed."""
    async with sessionmaker() as session:
        row = InboxMessage(channel=message.channel,
                           provider_id=inbox_key(message.channel, message.provider_id),
                           user_hash=user_hash, text=message.text, address=message.user_id)
        session.add(row)
        try:
            await session.commit()
        except IntegrityError:
            return None
        return row.id, None


async def claim(sessionmaker: async_sessionmaker, channel: str, *which: Any,
                abandoned: timedelta) -> int | None:
    """Take a waiting message past its lease, once: the one UPDATE that both a redelivery
    and the recovery sweep go through, so only one of them answers it."""
    now = utcnow()
    async with sessionmaker() as session:
        claimed = await session.scalar(
            update(InboxMessage)
            .where(*which, InboxMessage.status == "received",
                   InboxMessage.received_at < now - abandoned)
            .values(received_at=now).returning(InboxMessage.id))
        await session.commit()
    if claimed is not None:
        metrics.RECOVERED.labels(channel).inc()
        log.warning("recovered", extra={"channel": channel})
    return claimed


async def mark(sessionmaker: async_sessionmaker, inbox_id: int, status: str) -> None:
    async with sessionmaker() as session:
        await session.execute(
            update(InboxMessage).where(InboxMessage.id == inbox_id)
            .values(status=status, address=None))
        await session.commit()


async def replies_to(sessionmaker: async_sessionmaker, channel: str, provider_id: str, *,
                     inline_only: bool = False,
                     since: datetime | None = None) -> list[OutboundMessage]:
    """What we answered to an earlier message (for a client that retries): `inline_only`,
    the replies that went back in the HTTP answer (not those the outbox sent), and only
    for a message received `since`."""
    # Two steps, each by an index (the inbound message by its provider id, then the replies
    # to it), so a burst of redeliveries stays cheap however large the outbox grows.
    which = select(InboxMessage.id).where(
        InboxMessage.channel == channel,
        InboxMessage.provider_id == inbox_key(channel, provider_id))
    if since is not None:
        which = which.where(InboxMessage.received_at >= since)
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if inline_only:  # an inline reply is recorded "sent" with no provider id of its own
        query = query.where(OutboxMessage.status == "sent",
                            OutboxMessage.provider_id.is_(None))
    async with sessionmaker() as session:
        inbox_id = await session.scalar(which)
        if inbox_id is None:
            return []
        rows = await session.scalars(query.where(OutboxMessage.in_reply_to == inbox_id))
        return [OutboundMessage(r.text, r.language,
                                tuple(Button(b["title"], b["payload"]) for b in r.buttons))
                for r in rows]
