"""The outbox worker: sends what the outbox holds, best priority first, with retries and
per-channel rate caps. Runs as `prottasha worker`, or inside the API in the embedded default."""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from referral import contacts, outbox
from referral.campaigns import quiet
from referral.models import OutboxMessage, utcnow
from referral.outbox import SendError
from referral.ratelimit import Limiter

log = logging.getLogger("prottasha.worker")
PACE_MARGIN = 0.1  # seconds added to each rate-cap window (costs a tenth of a 1-per-second cap)
BULK = "bulk"  # campaign messages: at most once, and never at night where the person is


class OutboxWorker:
    def __init__(self, *, sessionmaker: async_sessionmaker, senders: Mapping[str, Any],
                 limiter: Limiter, caps: Mapping[str, float] | None = None, batch: int = 20,
                 lease_seconds: float = 120.0, max_attempts: int = 6,
                 backoff_seconds: float = 5.0, backoff_max_seconds: float = 900.0,
                 clock: Callable[[], datetime] = utcnow, concurrency: int = 8) -> None:
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.limiter = limiter
        self.caps = dict(caps or {})
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.name = uuid.uuid4().hex[:8]
        self.clock = clock  # injected by tests of quiet hours
        self.concurrency = concurrency
        self._urgent: tuple[float, bool] | None = None  # (monotonic time, a reply was waiting)
        self._swept: datetime | None = None

    async def drain_once(self) -> int:
        """Claim one batch and send it; the number of messages claimed."""
        now = self.clock()
        if self._swept is None or (now - self._swept).total_seconds() > self.lease_seconds / 4:
            self._swept = now
            await self.settle_stranded(now)
        async with self.sessionmaker() as session:
            rows = await outbox.claim(session, limit=self.batch, lease_seconds=self.lease_seconds,
                                      now=now)
        # Best priority first (replies before a campaign), and within a priority several
        # people at once, each person's messages in order (the pieces of a long reply must
        # arrive as written); the channel's cap still paces every send.
        for tier in sorted({row.priority for row in rows}):
            people: dict[tuple[str, str], list[OutboxMessage]] = {}
            for row in rows:
                if row.priority == tier:
                    people.setdefault((row.channel, row.user_hash), []).append(row)
            await self._deliver_concurrently(list(people.values()))
        return len(rows)

    async def _deliver_concurrently(self, people: list[list[OutboxMessage]]) -> None:
        gate = asyncio.Semaphore(self.concurrency)

        async def person(queue: list[OutboxMessage]) -> None:
            async with gate:
                for row in queue:
                    if row.kind == BULK and await self._overtaken(row):
                        continue
                    await self._deliver(row)

        failures = [r for r in await asyncio.gather(*(person(q) for q in people),
                                                    return_exceptions=True)
                    if isinstance(r, BaseException)]
        if failures:
            raise failures[0]

    async def settle_stranded(self, now: datetime) -> None:
        """Campaign messages a dead worker was handing over: ask the provider about each.

        It has the message: sent (with its id, so delivery reports find it). It has not: the
        message never left, so it is queued again and goes once. A provider that cannot be
        asked (Telegram and Messenger keep no list of what a bot sent) leaves it `unknown`:
        counted as failed, never sent again, because twice is worse than not at all."""
        async with self.sessionmaker() as session:
            rows = await outbox.stranded(session, now=now, lease_seconds=self.lease_seconds)
        if rows:
            log.warning("outbox_interrupted", extra={"count": len(rows), "worker": self.name})
        for row in rows:
            find = getattr(self.senders.get(row.channel), "find", None)
            if find is None:
                await self._finish(row, "unknown", error="interrupted while sending")
                continue
            try:
                provider_id = await find(row, row.sent_at or row.created_at)
            except SendError as exc:  # the provider cannot be asked now: after another lease
                gave_up = row.attempts >= self.max_attempts
                await self._finish(row, "unknown" if gave_up else "dispatching",
                                   error=f"interrupted; provider not asked ({exc.code})")
                continue
            if provider_id:
                await self._finish(row, "sent", provider_id=provider_id,
                                   error="interrupted; the provider had it")
            else:
                await self._finish(row, "pending", error="interrupted before the provider got it")

    async def _overtaken(self, row: OutboxMessage) -> bool:
        """A reply waits behind a campaign's batch: give the campaign message back. Looked up
        at most every quarter second, not once per message."""
        tick = time.monotonic()
        if self._urgent is None or tick - self._urgent[0] > 0.25:
            async with self.sessionmaker() as session:
                waiting = await outbox.more_urgent_waiting(session, row.priority, self.clock())
            self._urgent = (tick, waiting)
        if not self._urgent[1]:
            return False
        async with self.sessionmaker() as session:
            await outbox.release(session, [row])
        return True

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, idle: float = 2.0) -> None:
        """Drain until `stop`; sleep when idle until `wake` or `idle` seconds pass."""
        log.info("worker_started", extra={"worker": self.name})
        while not stop.is_set():
            try:
                claimed = await self.drain_once()
            except Exception:  # e.g. the database restarting: wait, then go on
                log.exception("drain_failed", extra={"worker": self.name})
                claimed = 0
            if claimed:
                continue
            wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
            try:
                await asyncio.wait(waiters, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()

    async def _deliver(self, row: OutboxMessage) -> None:
        sender = self.senders.get(row.channel)
        if sender is None:
            await self._finish(row, "failed", error="channel not configured")
            return
        if row.attempts > self.max_attempts:  # claimed again and again by workers that died
            await self._finish(row, "failed", error="too many attempts")
            return
        if row.quiet_tz and (morning := quiet.next_allowed(self.clock(), row.quiet_tz)):
            async with self.sessionmaker() as session:  # night where they are: wait for 08:00
                await outbox.release(session, [row], until=morning)
            return
        if row.kind != "reply":
            async with self.sessionmaker() as session:
                if await contacts.opted_out(session, channel=row.channel, user_hash=row.user_hash):
                    await self._finish(row, "skipped", error="opted out")
                    return
        slot = await self._pace(row.channel)
        if row.kind == BULK:
            async with self.sessionmaker() as session:
                if not await outbox.dispatch(session, row):  # cancelled meanwhile
                    return
            if time.monotonic() - slot > PACE_MARGIN:
                # The commit took longer than the window's margin (a busy database): the slot
                # is stale, and sending on it could show the provider more than the cap.
                await self._pace(row.channel)
        try:
            provider_id = await sender.send(row)
        except SendError as exc:
            await self._failed(row, exc)
        except Exception as exc:  # a bug or an unexpected answer: retry, it is logged
            log.exception("send_crashed", extra={"channel": row.channel, "worker": self.name})
            await self._failed(row, SendError(type(exc).__name__, retryable=True))
        else:
            await self._finish(row, "sent", provider_id=provider_id)

    async def _failed(self, row: OutboxMessage, exc: SendError) -> None:
        if exc.opt_out:
            async with self.sessionmaker() as session:
                await contacts.set_opted_out(session, channel=row.channel,
                                             user_hash=row.user_hash, opted_out=True)
                await session.commit()
        if exc.retryable and row.attempts < self.max_attempts:
            delay = min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (row.attempts - 1))
            delay = max(delay, exc.retry_after or 0)
            await self._finish(row, "pending", error=exc.code,
                               retry_at=self.clock() + timedelta(seconds=delay))
            return
        await self._finish(row, "failed", error=exc.code)

    async def _finish(self, row: OutboxMessage, status: str, **outcome: Any) -> None:
        async with self.sessionmaker() as session:
            kept = await outbox.finish(session, row, status=status, **outcome)
        log.info("outbox_" + status, extra={"channel": row.channel, "attempts": row.attempts,
                                            "worker": self.name, "code": outcome.get("error"),
                                            "status": status if kept else "claim_lost"})

    async def _pace(self, channel: str) -> float:
        """Wait for the channel's rate cap (shared between processes when Redis is used); the
        monotonic time the slot was taken."""
        rate = self.caps.get(channel)
        if not rate or rate <= 0:
            return time.monotonic()
        # `rate` a second as `limit` sends in any sliding `window` (0.5 a second: 1 in 2 s),
        # plus a margin: a campaign message is marked as being dispatched between taking its
        # slot and leaving; a send at most PACE_MARGIN after its slot (a later one takes a
        # fresh slot) then never shows the provider more than the cap in one of its windows.
        window = (1.0 if rate >= 1 else 1.0 / rate) + PACE_MARGIN
        limit = max(1, math.floor(rate)) if rate >= 1 else 1
        # The limiter says how long until a slot frees: sleep exactly that (an Event cannot
        # stand in, the slot frees with time, not with a signal).
        while (wait := await self.limiter.acquire(f"cap:{channel}", limit, window)) > 0:  # noqa: ASYNC110
            await asyncio.sleep(min(wait, window))
        return time.monotonic()
