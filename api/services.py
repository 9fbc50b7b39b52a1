"""The composition root's long-lived parts, built once at start and closed at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.channels import Channels, Wiring, build_channels
from api.settings import Settings
from api.worker import OutboxWorker
from bot import jobs, metrics
from bot.flood import Flood
from bot.render import Resources
from bot.service import Conversations
from bot.staffdesk import StaffDesk
from referral import crypto, reference
from referral.db import make_engine, make_sessionmaker, startup_lock
from referral.migrate import upgrade
from referral.ratelimit import Limiter, MemoryLimiter, RedisLimiter

log = logging.getLogger("prottasha.services")


def load_nlu(settings: Settings, progress: Any = None) -> Any:
    """The configured NLU backend; the built-in model is trained when missing or stale."""
    from nlu.backends import make_nlu

    assert settings.nlu_artifact_dir is not None  # filled in by Settings
    return make_nlu(settings.nlu_backend, data_dir=settings.nlu_data_dir,
                    artifact_dir=settings.nlu_artifact_dir, rasa_url=settings.rasa_url,
                    progress=progress)


def load_resources(settings: Settings) -> Resources:
    return Resources.load(settings.content_dir, settings.nlu_data_dir,
                          sms_banglish_reply=settings.sms_banglish_reply,
                          artifact_dir=settings.nlu_artifact_dir)


async def load_reference(sessionmaker: async_sessionmaker, settings: Settings) -> None:
    """Centres and districts from content/reference/; invented demo organizers in development,
    so that a first registration on `make run` is routed to somebody."""
    async with sessionmaker() as session, startup_lock(session, settings.database_url):
        await reference.sync(session, settings.content_dir / "reference")
        if settings.env == "development":
            await reference.ensure_demo_staff(session)
        await session.commit()


async def prepare_database(settings: Settings, sessionmaker: async_sessionmaker | None = None,
                           *, migrate: bool = True) -> None:
    """Migrations and reference data: safe in any number of processes starting at once."""
    if migrate:
        await asyncio.to_thread(upgrade, settings.database_url)
    if sessionmaker is not None:
        await load_reference(sessionmaker, settings)
        return
    engine = make_engine(settings.database_url)
    try:
        await load_reference(make_sessionmaker(engine), settings)
    finally:
        await engine.dispose()


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker
    redis: Any
    nlu: Any
    resources: Resources
    conversations: Conversations
    limiter: Limiter = field(default_factory=MemoryLimiter)
    channels: Channels = field(default_factory=Channels)
    outbox_wake: asyncio.Event = field(default_factory=asyncio.Event)
    deferred_wake: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox_stop: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox_task: asyncio.Task[None] | None = None
    _jobs_task: asyncio.Task[None] | None = None
    _recovery_task: asyncio.Task[None] | None = None
    _deferred_task: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, settings: Settings, *, migrate: bool = True, nlu: Any = None) -> Services:
        settings.ensure_secrets()
        assert settings.data_key is not None
        crypto.install_data_key(settings.data_key.get_secret_value())
        engine = make_engine(settings.database_url)
        sessionmaker = make_sessionmaker(engine)
        await prepare_database(settings, sessionmaker, migrate=migrate)
        redis = None
        if settings.redis_url:
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url, decode_responses=True)
        if nlu is None:
            nlu = await asyncio.to_thread(load_nlu, settings)
        resources = load_resources(settings)
        limiter: Limiter = RedisLimiter(redis) if redis is not None else MemoryLimiter()
        flood = Flood(limiter, limit=settings.sender_rate_limit,
                      window=settings.sender_rate_window, burst_seconds=settings.burst_seconds)
        conversations = Conversations(sessionmaker=sessionmaker, nlu=nlu, resources=resources,
                                      flood=flood,
                                      abandoned=timedelta(seconds=settings.inbox_lease_seconds),
                                      backlog_limit=settings.webhook_backlog_limit)
        services = cls(settings, engine, sessionmaker, redis, nlu, resources, conversations,
                       limiter=limiter)
        desk = StaffDesk(sessionmaker=sessionmaker, resources=resources)
        services.channels = build_channels(settings, Wiring(conversations, services.wake_outbox,
                                                            desk))
        log.info("started", extra={"stage": settings.env})
        return services

    def wake_outbox(self) -> None:
        """Tell an in-process worker that new messages wait (a separate worker polls)."""
        self.outbox_wake.set()

    def outbox_worker(self) -> OutboxWorker:
        s = self.settings
        return OutboxWorker(sessionmaker=self.sessionmaker, senders=self.channels.senders,
                            limiter=self.limiter, caps=s.rate_caps(), batch=s.outbox_batch,
                            concurrency=s.outbox_concurrency,
                            lease_seconds=s.outbox_lease_seconds,
                            max_attempts=s.outbox_max_attempts,
                            backoff_seconds=s.outbox_backoff_seconds,
                            backoff_max_seconds=s.outbox_backoff_max_seconds)

    def start_outbox(self) -> None:
        """Drain the outbox in this process (the embedded default: no second process needed)."""
        if self._outbox_task is None:
            self._outbox_task = asyncio.create_task(
                self.outbox_worker().run(self._outbox_stop, self.outbox_wake))
        if self._jobs_task is None:
            self._jobs_task = asyncio.create_task(self.run_jobs(self._outbox_stop))

    def start_recovery(self) -> None:
        """Answer, from this process, messages a dead process stored and never answered (only
        a process with the NLU can: the separate outbox worker has none)."""
        if self._recovery_task is None:
            self._recovery_task = asyncio.create_task(self._recover(self._outbox_stop))
        if self._deferred_task is None:
            self._deferred_task = asyncio.create_task(self._drain_deferred(self._outbox_stop))

    def wake_deferred(self) -> None:
        """Messages were deferred in a backlog: take their turns as soon as there is time."""
        self.deferred_wake.set()

    async def _drain_deferred(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.deferred_wake.clear()
            try:
                while await self.conversations.drain_deferred():
                    self.wake_outbox()
                metrics.DEFERRED_WAITING.set(await self.conversations.deferred_waiting())
            except Exception:  # e.g. the database restarting: tried again next round
                log.exception("deferred_failed")
            # Other processes defer too: look again now and then even when not woken.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.deferred_wake.wait(), timeout=1.0)

    async def _recover(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                while await self.conversations.recover():
                    self.wake_outbox()
            except Exception:  # e.g. the database restarting: tried again next round
                log.exception("recovery_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.inbox_recovery_seconds)

    async def run_jobs(self, stop: asyncio.Event, every: float = 60.0) -> None:
        """Scheduled work until `stop`: escalate tickets nobody accepted in time, enrol those
        who joined a drip campaign's segment."""
        while not stop.is_set():
            try:
                if await jobs.escalate(self.sessionmaker, self.resources):
                    self.wake_outbox()
                if await jobs.enrol_drips(self.sessionmaker, self.resources):
                    self.wake_outbox()
            except Exception:  # a failed round is logged and tried again next round
                log.exception("jobs_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)

    async def close(self) -> None:
        self._outbox_stop.set()
        self.deferred_wake.set()
        for task in (self._recovery_task, self._deferred_task):
            if task is not None:
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(task, timeout=10)
        if self._jobs_task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._jobs_task, timeout=10)
        if self._outbox_task is not None:
            try:
                await asyncio.wait_for(self._outbox_task, timeout=10)
            except TimeoutError:
                self._outbox_task.cancel()
        await self.channels.close()
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
