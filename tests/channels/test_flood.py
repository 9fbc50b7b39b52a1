"""Per-sender flood control and the limiter behind it (memory and Redis)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from referral.ratelimit import MemoryLimiter, RedisLimiter
from tests.channels.conftest import channel_settings, post_twilio, sms
from tests.channels.test_twilio import PATH, bangla, messages


async def check_limiter(limiter: Any) -> None:
    assert [await limiter.hit("k", 0.3) for _ in range(3)] == [1, 2, 3]
    assert await limiter.hit("other", 0.3) == 1
    assert await limiter.first("seen", 0.3) and not await limiter.first("seen", 0.3)
    # A message's arrival: the burst mark and the count at once; a copy is not counted.
    assert await limiter.arrive("mark", 0.3, "n", 0.3) == 1
    assert await limiter.arrive("mark", 0.3, "n", 0.3) is None
    assert await limiter.arrive(None, 0.3, "n", 0.3) == 2
    assert await limiter.arrive("mark2", 0.3, "n", 0.3) == 3
    await asyncio.sleep(0.4)
    assert await limiter.hit("k", 0.3) == 1 and await limiter.first("seen", 0.3)
    assert await limiter.arrive("mark", 0.3, "n", 0.3) == 1


async def check_sliding_cap(limiter: Any, sleep: Any) -> None:
    """5 in any 0.5 s: a burst just after a fixed window's edge would get 5 more at once."""
    assert await limiter.acquire("cap", 5, 0.5) == 0
    await sleep(0.3)
    assert [await limiter.acquire("cap", 5, 0.5) for _ in range(4)] == [0.0] * 4
    assert 0.1 < await limiter.acquire("cap", 5, 0.5) <= 0.25  # the first slot frees at 0.5
    await sleep(0.25)  # 0.55 s: only the first slot has left the window
    assert await limiter.acquire("cap", 5, 0.5) == 0
    assert await limiter.acquire("cap", 5, 0.5) > 0
    assert await limiter.acquire("other", 5, 0.5) == 0


async def test_memory_limiter() -> None:
    await check_limiter(MemoryLimiter())


async def test_memory_sliding_cap() -> None:
    now = [100.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    await check_sliding_cap(MemoryLimiter(clock=lambda: now[0]), sleep)


@pytest.mark.redis
async def test_redis_limiter(redis_url: str) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        await check_limiter(RedisLimiter(redis))
        await redis.delete("prottasha:rl:slide:cap", "prottasha:rl:slide:other")
        await check_sliding_cap(RedisLimiter(redis), asyncio.sleep)
    finally:
        await redis.aclose()


@pytest.fixture
def strict(tmp_path: Any, database_url: str, data_key: str, nlu_model: Any,
           request: pytest.FixtureRequest) -> Any:
    redis_url = request.getfixturevalue("redis_url") if "redis" in request.keywords else None
    settings = channel_settings(tmp_path, database_url, data_key,
                                twilio_account_sid="AC" + "0" * 32,
                                twilio_auth_token="test-auth-token-0123456789abcdef",
                                sender_rate_limit=3, redis_url=redis_url,
                                outbox_in_process=True)
    with TestClient(create_app(settings, nlu=nlu_model)) as client:
        yield client


def _flood(client: TestClient) -> None:
    words = ["হ্যালো", "মেনু", "ধন্যবাদ", "টাকা পাঠানো", "ভিসা", "পাসপোর্ট"]
    answers = [messages(post_twilio(client, PATH, sms(w, f"SM-f{n}")).text)
               for n, w in enumerate(words)]
    assert all(answers[:3])
    notice = answers[3]
    assert len(notice) == 1 and bangla(notice[0])
    assert answers[4:] == [[], []]  # throttled: one notice only
    other = messages(post_twilio(client, PATH, sms("hello", "SM-o", sender="+8801898765432")).text)
    assert other and "Prottasha" in other[0]  # others are unaffected


def test_a_flooding_sender_gets_one_notice_in_their_language(strict: TestClient) -> None:
    _flood(strict)


@pytest.mark.redis
def test_flood_control_shared_through_redis(strict: TestClient) -> None:
    _flood(strict)
