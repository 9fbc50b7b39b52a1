"""The inbox: every message a person sends, stored before anything else is done with it, and
claimed once by whoever answers it (the turn, a redelivery or the recovery sweep)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import metrics
from bot.messages import Button, InboundMessage, OutboundMessage
from referral import contacts
from referral.crypto import EncryptedText, inbox_key
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


# The message stored and its sender linked in one statement, on PostgreSQL (SQLite has no
# INSERT or UPDATE inside WITH): one round trip instead of four to six with BEGIN and COMMIT,
# the most frequent statements of the hot path (issue 13). It does what `insert` and
# `contacts.link` do together, and is atomic as they are in one transaction. When another
# process links the same person at the same moment, the link comes back empty and the turn
# links them the usual way (bot/service.py).
_ARRIVE = text("""
WITH msg AS (
    INSERT INTO inbox_messages (channel, provider_id, user_hash, text, address, status,
                                received_at)
    VALUES (:channel, :provider_id, :user_hash, :text, :address, 'received', :now)
    ON CONFLICT (channel, provider_id) DO NOTHING
    RETURNING id),
seen AS (
    UPDATE contact_channels SET last_seen_at = :now, address = COALESCE(address, :address)
    WHERE channel = :channel AND user_hash = :user_hash AND EXISTS (SELECT FROM msg)
    RETURNING contact_id, opted_out),
born AS (
    INSERT INTO contacts (phone_hash, phone, created_at)
    SELECT :phone_hash, :phone, :now
    WHERE EXISTS (SELECT FROM msg) AND NOT EXISTS (SELECT FROM seen)
    ON CONFLICT (phone_hash) DO NOTHING
    RETURNING id),
linked AS (
    INSERT INTO contact_channels (channel, user_hash, contact_id, opted_out, last_seen_at,
                                  address)
    SELECT :channel, :user_hash, c.id, false, :now, :address
    FROM (SELECT COALESCE((SELECT id FROM born),
                          (SELECT id FROM contacts WHERE phone_hash = :phone_hash)) AS id) c
    WHERE c.id IS NOT NULL AND EXISTS (SELECT FROM msg) AND NOT EXISTS (SELECT FROM seen)
    ON CONFLICT (channel, user_hash) DO NOTHING
    RETURNING contact_id)
SELECT (SELECT id FROM msg) AS inbox_id, (SELECT contact_id FROM seen) AS seen,
       (SELECT opted_out FROM seen) AS opted_out, (SELECT contact_id FROM linked) AS linked,
       EXISTS (SELECT FROM born) AS born
""").bindparams(bindparam("text", type_=EncryptedText()),
                bindparam("address", type_=EncryptedText()),
                bindparam("phone", type_=EncryptedText()),
                bindparam("now", type_=InboxMessage.__table__.c.received_at.type))


async def arrive(sessionmaker: async_sessionmaker, message: InboundMessage, user_hash: str,
                 phone: str | None) -> tuple[int, contacts.Link | None] | None:
    """Store a message and link its sender, in one statement (PostgreSQL): (inbox id, link or
    None when it must be made the usual way), or None when this provider id is stored."""
    number = contacts.e164(phone) if phone else None
    async with sessionmaker() as session:
        # One statement is atomic on its own: no BEGIN and COMMIT round trips around it.
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        row = (await session.execute(_ARRIVE, {
            "channel": message.channel,
            "provider_id": inbox_key(message.channel, message.provider_id),
            # One address bound once: the inbox row and the link keep the same ciphertext.
            "user_hash": user_hash, "text": message.text, "address": message.user_id,
            "now": utcnow(),
            "phone_hash": contacts.phone_hash(number) if number else None,
            "phone": number})).one()
    if row.inbox_id is None:
        return None
    if row.seen is not None:
        return row.inbox_id, contacts.Link(row.seen, bool(row.opted_out), new=False)
    if row.linked is not None:
        return row.inbox_id, contacts.Link(row.linked, False, new=bool(row.born))
    return row.inbox_id, None


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


async def hand_back(sessionmaker: async_sessionmaker, inbox_id: int) -> int:
    """The replies to a message that were to go back in the HTTP answer, given to the outbox
    instead: the provider hung up while the turn ran, so that answer reaches nobody. Recorded
    "sent" a moment ago, they become pending again (an erasure's confirmation, whose address
    is gone, cannot be). How many."""
    async with sessionmaker() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.in_reply_to == inbox_id, OutboxMessage.status == "sent",
                   OutboxMessage.provider_id.is_(None), OutboxMessage.kind == "reply")
            .values(status="pending", sent_at=None)
            .execution_options(synchronize_session=False))
        await session.commit()
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        metrics.HANDED_BACK.inc(count)
    return count


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
