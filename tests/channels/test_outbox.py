"""The outbox worker on SQLite and PostgreSQL: claims, crashes, retries, priority, rate caps."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from api.worker import OutboxWorker
from referral import contacts
from referral.db import make_engine, make_sessionmaker
from referral.migrate import upgrade
from referral.models import OutboxMessage, utcnow
from referral.outbox import SendError, claim, enqueue, finish
from referral.ratelimit import MemoryLimiter


class Recorder:
    """A sender that records what it was asked to send; optionally fails or hangs."""

    def __init__(self, errors: list[SendError] | None = None, hang: bool = False) -> None:
        self.sent: list[int] = []
        self.errors = errors or []
        self.hang = hang
        self.started = asyncio.Event()

    async def send(self, row: OutboxMessage) -> str:
        self.started.set()
        if self.hang:
            await asyncio.Event().wait()  # the worker is killed while it waits here
        if self.errors:
            raise self.errors.pop(0)
        await asyncio.sleep(0.001)
        self.sent.append(row.id)
        return f"id-{row.id}"


@pytest.fixture
async def sessions(database_url: str) -> Any:
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


async def add(sessions: Any, n: int, kind: str = "reply", user: str = "u") -> list[int]:
    async with sessions() as session:
        rows = [enqueue(session, channel="sms", user_hash=f"{user}{i}", address="+8801712345678",
                        text=f"message {i}", language="en", kind=kind) for i in range(n)]
        await session.commit()
        return [r.id for r in rows]


def worker(sessions: Any, sender: Any, **kw: Any) -> OutboxWorker:
    return OutboxWorker(sessionmaker=sessions, senders={"sms": sender}, limiter=MemoryLimiter(),
                        backoff_seconds=0, **kw)


async def statuses(sessions: Any) -> dict[int, OutboxMessage]:
    async with sessions() as session:
        return {r.id: r for r in await session.scalars(select(OutboxMessage))}


async def test_concurrent_workers_never_claim_one_message_twice(database_url: str,
                                                                sessions: Any) -> None:
    ids = await add(sessions, 60)
    engines = [make_engine(database_url) for _ in range(4)]
    claimed: list[int] = []

    async def claimer(engine: Any) -> None:
        own = make_sessionmaker(engine)
        while True:
            async with own() as session:
                rows = await claim(session, limit=3)
            if not rows:
                return
            claimed.extend(r.id for r in rows)

    await asyncio.gather(*(claimer(e) for e in engines))
    for engine in engines:
        await engine.dispose()
    assert sorted(claimed) == sorted(ids)  # every message once, none twice


async def test_several_workers_send_each_message_exactly_once(database_url: str,
                                                              sessions: Any) -> None:
    ids = await add(sessions, 40)
    sender = Recorder()
    engines = [make_engine(database_url) for _ in range(3)]
    workers = [worker(make_sessionmaker(e), sender, batch=4) for e in engines]
    while sum(await asyncio.gather(*(w.drain_once() for w in workers))):
        pass
    for engine in engines:
        await engine.dispose()
    assert Counter(sender.sent) == Counter(ids)
    assert {r.status for r in (await statuses(sessions)).values()} == {"sent"}


async def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
        sessions: Any) -> None:
    [mid] = await add(sessions, 1)
    hanging = Recorder(hang=True)
    first = worker(sessions, hanging, lease_seconds=0.2)
    task = asyncio.create_task(first.drain_once())
    await hanging.started.wait()
    task.cancel()  # killed while the provider call is in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await statuses(sessions))[mid].status == "sending"
    healthy = Recorder()
    second = worker(sessions, healthy, lease_seconds=0.2)
    assert await second.drain_once() == 0  # the claim still holds: nobody sends it yet
    await asyncio.sleep(0.3)
    assert await second.drain_once() == 1
    assert healthy.sent == [mid] and await second.drain_once() == 0
    row = (await statuses(sessions))[mid]
    assert row.status == "sent" and row.attempts == 2


async def test_an_old_claim_cannot_overwrite_the_new_one(sessions: Any) -> None:
    await add(sessions, 1)
    async with sessions() as session:
        [old] = await claim(session)
    async with sessions() as session:
        [new] = await claim(session, lease_seconds=0, now=utcnow() + timedelta(seconds=1))
    async with sessions() as session:
        assert not await finish(session, old, status="failed", error="late")
        assert await finish(session, new, status="sent", provider_id="p")


async def test_replies_go_before_bulk(sessions: Any) -> None:
    bulk = await add(sessions, 3, kind="bulk")
    proactive = await add(sessions, 1, kind="proactive")
    replies = await add(sessions, 2, kind="reply")
    sender = Recorder()
    await worker(sessions, sender, batch=2).drain_once()
    assert sender.sent == replies
    await worker(sessions, sender, batch=10).drain_once()
    # Different people's messages of one priority go concurrently, in any order.
    assert sender.sent[:3] == replies + proactive and sorted(sender.sent[3:]) == bulk


async def test_retryable_errors_back_off_then_give_up(sessions: Any) -> None:
    [mid] = await add(sessions, 1)
    failing = Recorder(errors=[SendError("twilio 20500", retryable=True) for _ in range(9)])
    w = worker(sessions, failing, max_attempts=3)
    w.backoff_seconds = 0.05
    for _ in range(3):
        await asyncio.sleep(0.15)  # waiting out the backoff (at most 0.1 s here)
        assert await w.drain_once() == 1
    row = (await statuses(sessions))[mid]
    assert row.status == "failed" and row.attempts == 3 and row.last_error == "twilio 20500"


async def test_permanent_errors_fail_at_once(sessions: Any) -> None:
    [mid] = await add(sessions, 1)
    w = worker(sessions, Recorder(errors=[SendError("twilio 21211", retryable=False)]))
    await w.drain_once()
    row = (await statuses(sessions))[mid]
    assert row.status == "failed" and row.attempts == 1


async def test_opted_out_people_get_replies_but_no_proactive_messages(sessions: Any) -> None:
    async with sessions() as session:
        await contacts.link(session, channel="sms", user_hash="u0", phone="+8801712345678")
        await contacts.set_opted_out(session, channel="sms", user_hash="u0", opted_out=True)
        await session.commit()
    [reply] = await add(sessions, 1, kind="reply")
    [campaign] = await add(sessions, 1, kind="bulk")
    sender = Recorder()
    await worker(sessions, sender).drain_once()
    rows = await statuses(sessions)
    assert sender.sent == [reply] and rows[campaign].status == "skipped"


async def test_the_channel_rate_cap_paces_sending(sessions: Any) -> None:
    await add(sessions, 9)
    sender = Recorder()
    started = time.monotonic()
    await worker(sessions, sender, caps={"sms": 4.0}).drain_once()
    assert len(sender.sent) == 9 and time.monotonic() - started >= 1.9  # 4 a second


async def test_simultaneous_web_chat_polls_hand_each_message_over_once(database_url: str,
                                                                       sessions: Any) -> None:
    """Two tabs and a retry poll at once: each waiting reply reaches exactly one of them."""
    from referral.outbox import pick_up

    async with sessions() as session:
        for i in range(4):
            enqueue(session, channel="webchat", user_hash="web", address="web", text=f"reply {i}",
                    language="en", kind="proactive")
        enqueue(session, channel="webchat", user_hash="someone-else", address="x", text="theirs",
                language="en", kind="proactive")
        await session.commit()
    engines = [make_engine(database_url) for _ in range(5)]

    async def poll(engine: Any) -> list[str]:
        async with make_sessionmaker(engine)() as session:
            rows = await pick_up(session, channel="webchat", user_hash="web")
            await session.commit()
            return [r.text for r in rows]

    try:
        handed = await asyncio.gather(*(poll(e) for e in engines))
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(t for texts in handed for t in texts) == [f"reply {i}" for i in range(4)]
    rows = (await statuses(sessions)).values()
    assert {r.text: r.status for r in rows if r.user_hash == "web"} == \
        {f"reply {i}": "sent" for i in range(4)}
    assert all(r.claim_token is None for r in rows)
    assert [r.status for r in rows if r.user_hash == "someone-else"] == ["pending"]


async def test_a_claim_takes_no_more_than_its_limit(sessions: Any) -> None:
    """PostgreSQL once rescanned the claim's subquery for each row it updated and took the
    whole queue: a campaign's 100,000 messages would sit with one worker past their lease."""
    await add(sessions, 12, kind="bulk")
    async with sessions() as session:
        first = await claim(session, limit=5)
    async with sessions() as session:
        second = await claim(session, limit=5)
    assert len(first) == 5 and len(second) == 5
    assert not {r.id for r in first} & {r.id for r in second}


async def test_several_people_at_once_each_in_order(sessions: Any) -> None:
    """A batch goes to several people concurrently, but one person's messages (the pieces of
    a long reply) leave in the order they were queued."""
    async with sessions() as session:
        for piece in range(3):
            for person in range(4):
                enqueue(session, channel="sms", user_hash=f"p{person}", address="+8801712345678",
                        text=f"{person}:{piece}", language="en", kind="reply")
        await session.commit()

    class Slow(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.texts: list[str] = []
            self.in_flight = self.most = 0

        async def send(self, row: OutboxMessage) -> str:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            await asyncio.sleep(0.05)
            self.in_flight -= 1
            self.texts.append(row.text)
            return f"id-{row.id}"

    sender = Slow()
    await worker(sessions, sender, concurrency=4).drain_once()
    assert sender.most > 1  # people in parallel
    for person in range(4):
        mine = [t for t in sender.texts if t.startswith(f"{person}:")]
        assert mine == [f"{person}:0", f"{person}:1", f"{person}:2"]
