"""Conversation state survives restarts: it is kept in the database (read in a turn by
referral.lookup, tested in tests/referral/test_lookup.py)."""

from __future__ import annotations

import pytest

from bot.state import DbStateStore, State
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


def test_unknown_fields_from_an_older_version_are_ignored() -> None:
    assert State.from_dict({"lang": "bn", "gone_field": 1}).lang == "bn"
