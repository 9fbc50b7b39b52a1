"""The conversation service: the one place that does I/O around the dialogue.

Order matters: the inbound message is committed to the inbox first (nothing a person sent is
ever lost, and a redelivery is recognised by its provider id), then state, replies and the inbox
status are committed together in one unit of work.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import metrics
from bot.dialogue import Effect, respond
from bot.i18n import N_
from bot.messages import Button, InboundMessage, OutboundMessage
from bot.render import Resources, say
from bot.state import StateStore
from referral.crypto import lookup_hash
from referral.models import InboxMessage, OutboxMessage, utcnow

log = logging.getLogger("prottasha.conversation")


class Parser(Protocol):
    async def aparse(self, text: str) -> dict[str, Any]: ...


@dataclass
class Handled:
    replies: list[OutboundMessage]
    duplicate: bool = False
    effects: list[Effect] = field(default_factory=list)
    inbox_id: int | None = None


def person_key(user_id: str) -> str:
    """The keyed hash that stands for a person's address everywhere in the database."""
    return lookup_hash(user_id.strip())


class Conversations:
    """Receives one inbound message and returns the replies to send."""

    def __init__(self, *, sessionmaker: async_sessionmaker, nlu: Parser, resources: Resources,
                 store: StateStore) -> None:
        self.sessionmaker = sessionmaker
        self.nlu = nlu
        self.resources = resources
        self.store = store
        # Messages from one person are handled one at a time, so two quick messages cannot
        # both read the same old state.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    async def handle(self, message: InboundMessage, *, inline: bool = True) -> Handled:
        """Handle one message; `inline` replies are delivered by the caller (HTTP response)."""
        started = time.perf_counter()
        user_hash = person_key(message.user_id)
        inbox_id = await self._store_inbound(message, user_hash)
        if inbox_id is None:
            metrics.DUPLICATES.labels(message.channel).inc()
            log.info("duplicate", extra={"channel": message.channel})
            return Handled(replies=[], duplicate=True)
        metrics.MESSAGES_IN.labels(message.channel).inc()
        async with self._lock(f"{message.channel}:{user_hash}"):
            try:
                handled = await self._respond(message, user_hash, inbox_id, inline=inline)
            except Exception:
                metrics.ERRORS.labels("dialogue").inc()
                log.exception("handle_failed", extra={"channel": message.channel})
                await self._mark(inbox_id, "failed")
                lang = "bn" if any("\u0980" <= c <= "\u09ff" for c in message.text) else "en"
                sorry = say(self.resources, lang, N_("Sorry, something went wrong. Please try again."))
                return Handled(replies=[sorry], inbox_id=inbox_id)
        metrics.REPLY_LATENCY.labels(message.channel).observe(time.perf_counter() - started)
        metrics.MESSAGES_OUT.labels(message.channel).inc(len(handled.replies))
        return handled

    def _lock(self, name: str) -> asyncio.Lock:
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        return lock

    async def _store_inbound(self, message: InboundMessage, user_hash: str) -> int | None:
        async with self.sessionmaker() as session:
            row = InboxMessage(channel=message.channel, provider_id=message.provider_id,
                               user_hash=user_hash, text=message.text)
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                return None
            return row.id

    async def _respond(self, message: InboundMessage, user_hash: str, inbox_id: int, *,
                       inline: bool) -> Handled:
        parse = await self.nlu.aparse(message.text)
        intent = parse.get("intent") or {}
        key = (message.channel, user_hash)
        async with self.sessionmaker() as session:
            state = await self.store.load(session, key)
            turn = respond(state=state, message=message, parse=parse, res=self.resources)
            await self.store.save(session, key, turn.state)
            await session.execute(
                update(InboxMessage).where(InboxMessage.id == inbox_id).values(
                    status="handled", language=parse.get("language"),
                    intent=intent.get("name"), confidence=intent.get("confidence")))
            for reply in turn.replies:
                session.add(_outbox(message, user_hash, inbox_id, reply, inline=inline))
            await session.commit()
        await self.store.after_commit(key, turn.state)
        metrics.INTENTS.labels(intent.get("name") or "none", parse.get("language") or "?").inc()
        log.info("handled", extra={"channel": message.channel, "intent": intent.get("name"),
                                   "confidence": intent.get("confidence"),
                                   "language": parse.get("language"),
                                   "replies": len(turn.replies)})
        return Handled(replies=turn.replies, effects=turn.effects, inbox_id=inbox_id)

    async def _mark(self, inbox_id: int, status: str) -> None:
        async with self.sessionmaker() as session:
            await session.execute(
                update(InboxMessage).where(InboxMessage.id == inbox_id).values(status=status))
            await session.commit()

    async def replies_to(self, channel: str, provider_id: str) -> list[OutboundMessage]:
        """What we answered to an earlier message (for a client that retries)."""
        async with self.sessionmaker() as session:
            rows = await session.scalars(
                select(OutboxMessage).join(InboxMessage, OutboxMessage.in_reply_to == InboxMessage.id)
                .where(InboxMessage.channel == channel, InboxMessage.provider_id == provider_id)
                .order_by(OutboxMessage.id))
            return [OutboundMessage(r.text, r.language,
                                    tuple(Button(b["title"], b["payload"]) for b in r.buttons))
                    for r in rows]


def _outbox(message: InboundMessage, user_hash: str, inbox_id: int, reply: OutboundMessage, *,
            inline: bool) -> OutboxMessage:
    return OutboxMessage(
        channel=message.channel, user_hash=user_hash, address=message.user_id, text=reply.text,
        buttons=[{"title": b.title, "payload": b.payload} for b in reply.buttons],
        language=reply.language, kind="reply", priority=0,
        status="sent" if inline else "pending", in_reply_to=inbox_id,
        sent_at=utcnow() if inline else None,
    )
