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
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import casework, inbox, metrics, record
from bot.delivery import Piece, Plan
from bot.dialogue import respond
from bot.effects import Effect, Erase, OptOut
from bot.flood import Flood
from bot.i18n import N_
from bot.messages import PHONE_CHANNELS, InboundMessage, OutboundMessage
from bot.profile import profile_of
from bot.render import Resources, say
from bot.state import DbStateStore, State
from referral import contacts, lookup, outbox
from referral.crypto import inbox_key, lookup_hash
from referral.models import InboxMessage, utcnow
from referral.outbox import ERASURE

log = logging.getLogger("prottasha.conversation")
ADVISORY_SPACE = 7421  # the first key of our advisory locks, so they meet no one else's
# A turn takes milliseconds and Twilio gives up after 15 s: a message still "received" after
# this long was being handled by a process that died (kill -9, a crash, a deploy).
ABANDONED = timedelta(seconds=30)


class Parser(Protocol):
    async def aparse(self, text: str) -> dict[str, Any]: ...


@dataclass
class Handled:
    replies: list[OutboundMessage]
    duplicate: bool = False
    effects: list[Effect] = field(default_factory=list)
    inbox_id: int | None = None
    inline: list[OutboundMessage] = field(default_factory=list)  # for the caller's own answer
    queued: int = 0  # pieces left to the outbox worker
    deferred: bool = False  # stored, to be answered through the outbox (`drain_deferred`)


def state_key(contact_id: int) -> tuple[str, str]:
    """Conversation state belongs to the person (the contact), not to one channel address."""
    return ("contact", str(contact_id))


def person_key(user_id: str) -> str:
    """The keyed hash that stands for a person's address everywhere in the database."""
    return lookup_hash(user_id.strip())


class Conversations:
    """Receives one inbound message and returns the replies to send."""

    def __init__(self, *, sessionmaker: async_sessionmaker, nlu: Parser, resources: Resources,
                 flood: Flood | None = None,
                 abandoned: timedelta = ABANDONED, backlog_limit: int | None = None) -> None:
        self.sessionmaker = sessionmaker
        bind = sessionmaker.kw.get("bind")
        self._postgres = bind is not None and bind.dialect.name == "postgresql"
        self.abandoned = abandoned
        self.backlog_limit = backlog_limit  # None: never defer
        self.in_flight = 0
        self.flood = flood
        self.nlu = nlu
        self.resources = resources
        # Messages from one person are handled one at a time, so two quick messages cannot
        # both read the same old state.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    async def handle(self, message: InboundMessage, *, inline: bool = True,
                     plan: Plan | None = None, may_defer: bool = False) -> Handled:
        """Handle one message; `inline` replies are delivered by the caller (HTTP response).

        A channel's `plan` decides per turn what goes back inline and what the outbox sends.
        A channel whose provider times out (Twilio) `may_defer` the turn in a backlog.
        """
        if may_defer and self._backlogged(message):
            return await self._defer(message, person_key(message.user_id))
        # Counted from arrival: under load most of a message's time is spent waiting for a
        # database connection, before its turn proper.
        self.in_flight += 1
        metrics.IN_FLIGHT.inc()
        try:
            return await self._handle(message, plan or _everything(inline))
        finally:
            self.in_flight -= 1
            metrics.IN_FLIGHT.dec()

    async def _handle(self, message: InboundMessage, plan: Plan) -> Handled:
        started = time.perf_counter()
        user_hash = person_key(message.user_id)
        link: contacts.Link | None = None
        try:
            arrived = await self._arrive(message, user_hash)
        except Exception:
            # Whatever failed, what the person sent is kept: stored on its own, it is answered
            # now if the rest works, or by the recovery sweep. This is also how a connection
            # the database dropped (a restart) is survived without a ping on every checkout:
            # SQLAlchemy renews the pool when a statement finds one dead.
            log.exception("arrive_failed", extra={"channel": message.channel})
            arrived = await inbox.store_alone(self.sessionmaker, message, user_hash)
        if arrived is None:
            inbox_id = await self._take_over(message)
        else:
            inbox_id, link = arrived
        if inbox_id is None:
            metrics.DUPLICATES.labels(message.channel).inc()
            log.info("duplicate", extra={"channel": message.channel})
            return Handled(replies=[], duplicate=True)
        metrics.MESSAGES_IN.labels(message.channel).inc()
        return await self._turn(message, user_hash, inbox_id, plan, started, link)

    def _backlogged(self, message: InboundMessage) -> bool:
        """Too many turns in hand to answer this one in time, and it is not from a person in
        danger (whose answer never waits: the detector costs a fraction of a millisecond)."""
        return (self.backlog_limit is not None and self.in_flight >= self.backlog_limit
                and not self.resources.danger.assess(message.text).urgent)

    async def _defer(self, message: InboundMessage, user_hash: str) -> Handled:
        """Store the message to be answered shortly through the outbox (a redelivery of it is
        a duplicate, as for any stored message)."""
        async with self.sessionmaker() as session:
            inbox_id = await inbox.insert(session, message, user_hash, status="deferred")
            await session.commit()
        if inbox_id is None:
            metrics.DUPLICATES.labels(message.channel).inc()
            return Handled(replies=[], duplicate=True)
        metrics.MESSAGES_IN.labels(message.channel).inc()
        metrics.DEFERRED.labels(message.channel).inc()
        log.info("deferred", extra={"channel": message.channel})
        return Handled(replies=[], inbox_id=inbox_id, deferred=True)

    async def drain_deferred(self, limit: int = 20) -> int:
        """Take the turns of deferred messages, oldest first, replies through the outbox.
        Each is claimed by one UPDATE (several processes drain at once) that makes it an
        ordinary waiting message: should this process die mid-turn, the recovery sweep
        answers it. One at a time, so one person's messages keep their order."""
        now = utcnow()
        async with self.sessionmaker() as session:
            oldest = (select(InboxMessage.id).where(InboxMessage.status == "deferred")
                      .order_by(InboxMessage.id).limit(limit))
            if session.get_bind().dialect.name == "postgresql":
                oldest = oldest.with_for_update(skip_locked=True)
            claimed = list(await session.execute(
                update(InboxMessage)
                .where(InboxMessage.id.in_(oldest.scalar_subquery()),
                       InboxMessage.status == "deferred")
                .values(status="received", received_at=now)
                .returning(InboxMessage.id, InboxMessage.channel, InboxMessage.address,
                           InboxMessage.text, InboxMessage.user_hash)
                .execution_options(synchronize_session=False)))
            await session.commit()
        for row in sorted(claimed, key=lambda r: r.id):
            message = InboundMessage(row.channel, row.address or "", row.text,
                                     f"deferred-{row.id}")
            await self._turn(message, row.user_hash, row.id, _everything(False),
                             time.perf_counter())
        return len(claimed)

    async def deferred_waiting(self) -> int:
        async with self.sessionmaker() as session:
            return int(await session.scalar(
                select(func.count()).select_from(InboxMessage)
                .where(InboxMessage.status == "deferred")) or 0)

    async def recover(self, limit: int = 50) -> int:
        """Answer messages that were stored but never answered because the process handling
        them died (kill -9, a crash, a deploy) and that no provider redelivered: the replies go
        through the outbox. Each is claimed as a redelivery would claim it, so a redelivery
        arriving meanwhile and this sweep answer it once between them. Returns how many."""
        now = utcnow()
        async with self.sessionmaker() as session:
            waiting = list(await session.scalars(
                select(InboxMessage).where(InboxMessage.status == "received",
                                           InboxMessage.received_at < now - self.abandoned,
                                           InboxMessage.address.is_not(None))
                .order_by(InboxMessage.id).limit(limit)))
        recovered = 0
        for row in waiting:
            if await inbox.claim(self.sessionmaker, row.channel, InboxMessage.id == row.id,
                                   abandoned=self.abandoned) is None:
                continue  # a redelivery (or another sweeper) took it meanwhile
            message = InboundMessage(row.channel, row.address or "", row.text,
                                     f"recovered-{row.id}")
            await self._turn(message, row.user_hash, row.id, _everything(False),
                             time.perf_counter())
            recovered += 1
        return recovered

    async def _turn(self, message: InboundMessage, user_hash: str, inbox_id: int, plan: Plan,
                    started: float, link: contacts.Link | None = None) -> Handled:
        if link is None:  # a message taken over or recovered: its sender was linked, or not
            link = await self._link(message, user_hash)
        contact_id = link.contact_id
        key = state_key(contact_id)
        if self.flood is not None:
            verdict = await self.flood.check(message.channel, user_hash, message.text)
            # A flood limit must not silence a person in danger: such a message is answered.
            if verdict in ("notice", "throttled") and self.resources.danger.assess(
                    message.text).urgent:
                verdict = "ok"
            if verdict != "ok":
                return await self._held_back(message, user_hash, inbox_id, verdict, plan, key)
        # One person at a time, whichever channel they write on: SMS and WhatsApp from the same
        # phone share one conversation, so a questionnaire started on one resumes on the other.
        async with self._lock(f"{key[0]}:{key[1]}"):
            try:
                handled = await self._respond(message, user_hash, inbox_id, plan, link)
                if self.flood is not None:
                    await self.flood.answered(message.channel, user_hash, message.text)
            except Exception:
                metrics.ERRORS.labels("dialogue").inc()
                log.exception("handle_failed", extra={"channel": message.channel})
                await inbox.mark(self.sessionmaker, inbox_id, "failed")
                lang = "bn" if any("\u0980" <= c <= "\u09ff" for c in message.text) else "en"
                sorry = say(self.resources, lang, N_("Sorry, something went wrong. Please try again."))
                return Handled(replies=[sorry], inbox_id=inbox_id, inline=[sorry])
        metrics.REPLY_LATENCY.labels(message.channel).observe(time.perf_counter() - started)
        metrics.MESSAGES_OUT.labels(message.channel).inc(len(handled.replies))
        return handled

    def _lock(self, name: str) -> asyncio.Lock:
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        return lock

    async def _arrive(self, message: InboundMessage,
                      user_hash: str) -> tuple[int | None, contacts.Link | None] | None:
        """Store the message and link its sender to a contact, in one transaction: (inbox id,
        link), or None when a message with this provider id is stored already."""
        if self._postgres:
            return await inbox.arrive(self.sessionmaker, message, user_hash, _phone(message))
        async with self.sessionmaker() as session:
            inbox_id = await inbox.insert(session, message, user_hash)
            if inbox_id is None:
                return None
            link = await contacts.link(session, channel=message.channel, user_hash=user_hash,
                                       phone=_phone(message), address=message.user_id)
            await session.commit()
            return inbox_id, link

    async def _take_over(self, message: InboundMessage) -> int | None:
        """A redelivery of a message stored but never answered (the process died mid-turn):
        its id, to answer it now. Fresher than ABANDONED it may still be in hand elsewhere, so
        it counts as a duplicate. Claiming renews `received_at`, so one redelivery wins."""
        return await inbox.claim(
            self.sessionmaker, message.channel, InboxMessage.channel == message.channel,
            InboxMessage.provider_id == inbox_key(message.channel, message.provider_id),
            abandoned=self.abandoned)

    async def _link(self, message: InboundMessage, user_hash: str) -> contacts.Link:
        """Make sure the person has a contact (for a message stored earlier)."""
        async with self.sessionmaker() as session:
            link = await contacts.link(session, channel=message.channel, user_hash=user_hash,
                                       phone=_phone(message), address=message.user_id)
            await session.commit()
            return link

    async def _respond(self, message: InboundMessage, user_hash: str, inbox_id: int,
                       plan: Plan, link: contacts.Link) -> Handled:
        contact_id, was_opted_out = link.contact_id, link.opted_out
        parse = await self.nlu.aparse(message.text)
        intent = parse.get("intent") or {}
        key = state_key(contact_id)
        async with self.sessionmaker() as session:
            if session.get_bind().dialect.name == "postgresql":
                # Several API processes: one turn per person at a time across all of them
                # (the asyncio lock only covers this process). Released at commit.
                await session.execute(text("SELECT pg_advisory_xact_lock(:space, :person)"),
                                      {"space": ADVISORY_SPACE, "person": contact_id})
            reads = await lookup.turn_reads(session, contact_id, key)
            state = State.from_dict(reads.state)
            facts = await casework.facts_for(session, message, contact_id, date.today(),
                                             user_hash, reads)
            turn = respond(state=state, message=message, parse=parse, res=self.resources,
                           facts=facts)
            # Tickets, alerts and erasure commit together with the state and the replies.
            await casework.apply(session, turn.effects, message=message, contact_id=contact_id,
                                 user_hash=user_hash, res=self.resources, facts=facts,
                                 inbox_id=inbox_id)
            if facts.open_ticket is not None and not turn.state.flow:
                await casework.relay(session, message, contact_id, inbox_id, self.resources)
            profile = profile_of(turn.state, parse)
            changed = None
            if profile != turn.state.profile:
                changed = record.Profile(*profile)
                turn.state.profile = profile
            replies = turn.replies
            stopping = any(isinstance(e, OptOut) for e in turn.effects)
            if stopping and was_opted_out:
                replies = []  # the opt-out was confirmed once already
            if stopping or was_opted_out:  # any other message resubscribes
                await contacts.set_opted_out(session, channel=message.channel,
                                             user_hash=user_hash, opted_out=stopping)
            pieces = plan(replies)
            erasing = any(isinstance(e, Erase) for e in turn.effects)
            await record.write(
                session, key=key, state=turn.state, inbox_id=inbox_id,
                handled={"status": "handled", "address": None,
                         "language": parse.get("language"), "intent": intent.get("name"),
                         "confidence": intent.get("confidence"),
                         "flow": state.flow if state.flow and not state.flow_paused else None},
                outbox=_rows(message, user_hash, inbox_id, pieces, erasing=erasing),
                contact_id=contact_id, profile=changed)
            await session.commit()
        metrics.INTENTS.labels(intent.get("name") or "none", parse.get("language") or "?").inc()
        log.info("handled", extra={"channel": message.channel, "intent": intent.get("name"),
                                   "confidence": intent.get("confidence"),
                                   "language": parse.get("language"),
                                   "replies": len(turn.replies)})
        return Handled(replies=replies, effects=turn.effects, inbox_id=inbox_id,
                       inline=[p.message for p in pieces if p.inline],
                       queued=sum(1 for p in pieces if not p.inline))

    async def _held_back(self, message: InboundMessage, user_hash: str, inbox_id: int,
                         verdict: str, plan: Plan, key: tuple[str, str]) -> Handled:
        """A burst copy or a flooding sender: stored, not answered (once, a polite notice)."""
        log.info("held_back", extra={"channel": message.channel, "status": verdict})
        if verdict == "burst":
            metrics.DUPLICATES.labels(message.channel).inc()
        async with self.sessionmaker() as session:
            await session.execute(update(InboxMessage).where(InboxMessage.id == inbox_id)
                                  .values(status=verdict, address=None))
            replies: list[OutboundMessage] = []
            if verdict == "notice":
                state = await DbStateStore().load(session, key)
                replies = [say(self.resources, _language(state, message.text),
                               N_("You are sending messages very fast. Please wait a minute, "
                                  "then write again."))]
            pieces = plan(replies)
            outbox.add(session, _rows(message, user_hash, inbox_id, pieces))
            await session.commit()
        return Handled(replies=replies, duplicate=verdict == "burst", inbox_id=inbox_id,
                       inline=[p.message for p in pieces if p.inline],
                       queued=sum(1 for p in pieces if not p.inline))

    async def hand_back(self, inbox_id: int) -> int:
        """The caller could not give the inline replies (bot.inbox.hand_back)."""
        return await inbox.hand_back(self.sessionmaker, inbox_id)

    async def replies_to(self, channel: str, provider_id: str, *, inline_only: bool = False,
                         since: datetime | None = None) -> list[OutboundMessage]:
        """What we answered to an earlier message (bot.inbox.replies_to)."""
        return await inbox.replies_to(self.sessionmaker, channel, provider_id,
                                      inline_only=inline_only, since=since)


def _everything(inline: bool) -> Plan:
    return lambda replies: [Piece(r, inline) for r in replies]


def _phone(message: InboundMessage) -> str | None:
    return message.user_id if message.channel in PHONE_CHANNELS else None


def _language(state: State, text: str) -> str:
    if state.lang:
        return state.lang
    return "bn" if any("\u0980" <= c <= "\u09ff" for c in text) else "en"


def _rows(message: InboundMessage, user_hash: str, inbox_id: int, pieces: list[Piece], *,
          erasing: bool = False) -> list[dict[str, Any]]:
    """Every piece goes in the outbox: inline ones as sent, the rest for the worker. The
    confirmation of an erasure keeps the address only until it is sent."""
    rows = []
    for piece in pieces:
        reply = piece.message
        row = outbox.values(
            channel=message.channel, user_hash=user_hash, address=message.user_id,
            text=reply.text, buttons=[{"title": b.title, "payload": b.payload}
                                      for b in reply.buttons],
            language=reply.language, kind="reply", in_reply_to=inbox_id, sent=piece.inline)
        if erasing:
            row["kind"] = ERASURE  # a reply's priority, kept apart from other replies
            if piece.inline:
                row["address"] = ""
        rows.append(row)
    return rows
