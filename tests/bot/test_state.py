"""Conversation state survives restarts (database) and is shared through Redis when configured."""

from __future__ import annotations

import json

import pytest
from redis.asyncio import Redis

from bot.state import DbStateStore, RedisStateStore, State
from referral import crypto
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade


@pytest.fixture
async def sessionmaker(database_url: str):  # type: ignore[no-untyped-def]
    import asyncio

    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def test_database_store_round_trip(sessionmaker) -> None:  # type: ignore[no-untyped-def]
    store = DbStateStore()
    key = ("sms", "h" * 64)
    async with sessionmaker() as session:
        assert await store.load(session, key) == State()
        await store.save(session, key, State(lang="bn", lang_explicit=True, options={"1": "more"}))
        await session.commit()
    async with sessionmaker() as session:  # a new session: what a restarted process sees
        loaded = await store.load(session, key)
    assert loaded.lang == "bn" and loaded.lang_explicit and loaded.options == {"1": "more"}


async def test_uncommitted_state_is_not_kept(sessionmaker) -> None:  # type: ignore[no-untyped-def]
    store = DbStateStore()
    key = ("sms", "r" * 64)
    async with sessionmaker() as session:
        await store.save(session, key, State(lang="en"))
        await session.rollback()
    async with sessionmaker() as session:
        assert (await store.load(session, key)).lang is None


@pytest.mark.redis
async def test_redis_store_writes_through_and_reads_first(sessionmaker, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    redis = Redis.from_url(redis_url)
    store = RedisStateStore(redis)
    key = ("telegram", "t" * 64)
    state = State(lang="en", topic="loan_info")
    async with sessionmaker() as session:
        await store.save(session, key, state)
        await session.commit()
    await store.after_commit(key, state)
    raw = await redis.get(f"prottasha:state:telegram:{'t' * 64}")
    assert b"loan_info" not in raw  # encrypted in Redis too
    assert json.loads(crypto.decrypt(raw))["topic"] == "loan_info"
    assert await redis.ttl(f"prottasha:state:telegram:{'t' * 64}") > 0
    # the database has it too, so losing Redis loses nothing
    await redis.flushdb()
    async with sessionmaker() as session:
        assert (await store.load(session, key)).topic == "loan_info"
    await redis.aclose()


def test_unknown_fields_from_an_older_version_are_ignored() -> None:
    assert State.from_dict({"lang": "bn", "gone_field": 1}).lang == "bn"
