"""Campaign messages a dead worker was handing over are settled by asking Twilio's message list
(issue 12: nothing twice, nothing lost): Twilio has it, so it is sent; Twilio has none made
since the hand-over, so it goes once more; Twilio cannot be asked now, so it is asked again
after a lease; a provider with no such list leaves it `unknown`, never sent twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from api.channels.twilio.sender import TwilioSender
from api.worker import OutboxWorker
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade
from referral.models import OutboxMessage, utcnow
from referral.outbox import enqueue
from referral.ratelimit import MemoryLimiter
from tests.channels.standin import TwilioAPI, twilio_error

FROM = "+15005550006"
LEASE = 60.0


class NoList:
    """A provider that keeps no list of what was sent (Telegram, Messenger)."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, row: OutboxMessage) -> str:
        self.sent.append(row.id)
        return f"tg-{row.id}"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[Any]:
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def _stranded(sessions: Any, people: list[tuple[str, str]], handed: Any) -> list[int]:
    """Bulk rows left `dispatching` by a worker that died `handed` ago."""
    async with sessions() as session:
        rows = [enqueue(session, channel=channel, user_hash=f"u-{address}", address=address,
                        text="Check the agency's licence before you pay.", language="en",
                        kind="bulk") for channel, address in people]
        await session.flush()
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(status="dispatching", claim_token="dead", attempts=1,
                    claimed_at=utcnow() - handed, sent_at=utcnow() - handed))
        await session.commit()
        return [r.id for r in rows]


async def _rows(sessions: Any) -> dict[str, OutboxMessage]:
    async with sessions() as session:
        return {r.address: r for r in await session.scalars(select(OutboxMessage))}


async def test_stranded_campaign_messages_are_settled_by_asking_twilio(
        sessions: Any, twilio_api: TwilioAPI) -> None:
    body = "Check the agency's licence before you pay."
    # D: Twilio cannot be asked the first time; A: Twilio made it (the answer was lost);
    # B: Twilio holds only an older message with the same words; C: Twilio has nothing;
    # E: Telegram, which keeps no list.
    people = [("sms", "+8801711000004"), ("sms", "+8801711000001"), ("sms", "+8801711000002"),
              ("sms", "+8801711000003"), ("telegram", "555")]
    await _stranded(sessions, people, timedelta(minutes=10))
    had = twilio_api.make("+8801711000001", FROM, body)
    old = twilio_api.make("+8801711000002", FROM, body)
    old["date_created"] = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                        time.gmtime(time.time() - 3600))
    twilio_api.list_errors.append(twilio_error(20500, 500))

    async with httpx.AsyncClient() as client:
        twilio = TwilioSender(account_sid="AC" + "0" * 32, auth_token="t", sms_from=FROM,
                              whatsapp_from=None, api_base=twilio_api.url,
                              status_callback="https://bot.example.org/webhooks/twilio/status",
                              client=client)
        telegram = NoList()
        worker = OutboxWorker(sessionmaker=sessions, senders={"sms": twilio, "telegram": telegram},
                              limiter=MemoryLimiter(), lease_seconds=LEASE)
        await worker.settle_stranded(utcnow())
        rows = await _rows(sessions)
        assert rows["+8801711000001"].status == "sent"
        assert rows["+8801711000001"].provider_id == had["sid"]
        assert rows["+8801711000002"].status == "pending"  # an hour-old one is not this one
        assert rows["+8801711000003"].status == "pending"
        assert rows["+8801711000004"].status == "dispatching"  # asked again after a lease
        assert "provider not asked" in (rows["+8801711000004"].last_error or "")
        assert rows["555"].status == "unknown" and telegram.sent == []

        # A second settler at the same moment finds nothing left to settle.
        await worker.settle_stranded(utcnow())
        assert (await _rows(sessions))["+8801711000004"].status == "dispatching"

        while await worker.drain_once():
            pass
        await worker.settle_stranded(utcnow() + timedelta(seconds=LEASE + 1))
        while await worker.drain_once():
            pass

    rows = await _rows(sessions)
    assert {a: r.status for a, r in rows.items()} == {
        "+8801711000001": "sent", "+8801711000002": "sent", "+8801711000003": "sent",
        "+8801711000004": "sent", "555": "unknown"}
    sends = [c["params"]["To"] for c in twilio_api.matching("/Messages.json")]
    assert sorted(sends) == ["+8801711000002", "+8801711000003", "+8801711000004"]
    assert telegram.sent == []
