"""The composition root's long-lived parts, built once at start and closed at shutdown."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from api.settings import Settings
from bot.content import Library
from bot.i18n import Catalogs
from bot.render import Resources
from bot.service import Conversations
from bot.state import DbStateStore, RedisStateStore, StateStore
from referral import crypto
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade

log = logging.getLogger("prottasha.services")


def load_nlu(settings: Settings, progress: Any = None) -> Any:
    """The configured NLU backend; the built-in model is trained when missing or stale."""
    from nlu.engine import make_nlu

    return make_nlu(settings.nlu_backend, data_dir=settings.nlu_data_dir,
                    artifact_dir=settings.nlu_artifact_dir, rasa_url=settings.rasa_url,
                    progress=progress)


def load_resources(settings: Settings) -> Resources:
    return Resources(library=Library.load(settings.content_dir), catalogs=Catalogs(),
                     sms_banglish_reply=settings.sms_banglish_reply)


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker
    redis: Any
    nlu: Any
    resources: Resources
    conversations: Conversations

    @classmethod
    async def start(cls, settings: Settings, *, migrate: bool = True, nlu: Any = None) -> Services:
        settings.ensure_secrets()
        assert settings.data_key is not None
        crypto.install_data_key(settings.data_key.get_secret_value())
        if migrate:
            await asyncio.to_thread(upgrade, settings.database_url)
        engine = make_engine(settings.database_url)
        sessionmaker = make_sessionmaker(engine)
        redis = None
        store: StateStore = DbStateStore()
        if settings.redis_url:
            from redis.asyncio import Redis

            redis = Redis.from_url(settings.redis_url, decode_responses=True)
            store = RedisStateStore(redis)
        if nlu is None:
            nlu = await asyncio.to_thread(load_nlu, settings)
        resources = load_resources(settings)
        conversations = Conversations(sessionmaker=sessionmaker, nlu=nlu, resources=resources,
                                      store=store)
        log.info("started", extra={"stage": settings.env})
        return cls(settings, engine, sessionmaker, redis, nlu, resources, conversations)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        await self.engine.dispose()
