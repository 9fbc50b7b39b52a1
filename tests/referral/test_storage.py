"""Personal data is encrypted at rest and every inbound message is kept, once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from referral import crypto
from referral.db import async_url, make_engine, make_sessionmaker
from referral.migrate import upgrade
from referral.models import InboxMessage


def test_async_url_picks_the_driver() -> None:
    assert async_url("postgresql://u:p@h:5432/d").startswith("postgresql+asyncpg://u:p@h")
    assert async_url("sqlite:////tmp/x.db") == "sqlite+aiosqlite:////tmp/x.db"
    with pytest.raises(ValueError):
        async_url("mysql://u@h/d")


def test_lookup_hash_is_keyed_and_stable() -> None:
    assert crypto.lookup_hash("+8801712345678") == crypto.lookup_hash("+8801712345678")
    assert crypto.lookup_hash("+8801712345678") != crypto.lookup_hash("+8801712345679")
    assert "8801712345678" not in crypto.lookup_hash("+8801712345678")


async def test_text_is_encrypted_and_duplicates_refused(database_url: str) -> None:
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    async with sessions() as session:
        session.add(InboxMessage(channel="sms", provider_id="SM1", user_hash="h",
                                 text="আমি খুলনায় থাকি 01712345678"))
        await session.commit()
    async with sessions() as session:
        raw = (await session.execute(text("SELECT text FROM inbox_messages"))).scalar_one()
        assert b"01712345678" not in bytes(raw) and "খুলনা".encode() not in bytes(raw)
        row = (await session.scalars(select(InboxMessage))).one()
        assert row.text == "আমি খুলনায় থাকি 01712345678"
    async with sessions() as session:
        session.add(InboxMessage(channel="sms", provider_id="SM1", user_hash="h", text="again"))
        with pytest.raises(IntegrityError):
            await session.commit()
    await engine.dispose()
