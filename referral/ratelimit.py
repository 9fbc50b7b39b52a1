"""Counters for rate limits and short-lived "seen" marks: in Redis when configured, so several
processes share them, and in process memory otherwise (the embedded default)."""

from __future__ import annotations

import time
import uuid
from collections import deque
from typing import Any, Protocol


class Limiter(Protocol):
    async def hit(self, key: str, window: float) -> int:
        """Count one event in the current window of `window` seconds; return the count so far."""

    async def first(self, key: str, ttl: float) -> bool:
        """True the first time `key` is seen within `ttl` seconds."""

    async def forget(self, key: str) -> None:
        """Drop a mark set by `first`."""

    async def arrive(self, mark: str | None, ttl: float, key: str, window: float) -> int | None:
        """`first(mark, ttl)` and then `hit(key, window)` at once: None when the mark was
        already set (nothing counted), else the count. One round trip per message (issue 13)."""

    async def peek(self, key: str) -> int:
        """The count of `key` in its current window, without counting."""

    async def acquire(self, key: str, limit: int, window: float) -> float:
        """Take one of `limit` slots in any sliding `window` seconds: 0.0 when taken, else the
        seconds to wait before a slot frees. Unlike `hit`'s fixed windows, no burst at a window
        edge can reach twice the limit (a provider's cap is a sliding one)."""


class MemoryLimiter:
    """Fixed windows in a dict; expired entries are swept as new ones arrive."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[float, int]] = {}  # key -> (expires, count)
        self._logs: dict[str, deque[float]] = {}  # key -> times of the slots taken

    def _sweep(self, now: float) -> None:
        if len(self._entries) > 10_000:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}

    async def hit(self, key: str, window: float) -> int:
        now = self.clock()
        self._sweep(now)
        expires, count = self._entries.get(key, (0.0, 0))
        if expires <= now:
            expires, count = now + window, 0
        self._entries[key] = (expires, count + 1)
        return count + 1

    async def first(self, key: str, ttl: float) -> bool:
        now = self.clock()
        expires, _ = self._entries.get(key, (0.0, 0))
        if expires > now:
            return False
        self._entries[key] = (now + ttl, 1)
        return True

    async def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    async def arrive(self, mark: str | None, ttl: float, key: str, window: float) -> int | None:
        if mark is not None and not await self.first(mark, ttl):
            return None
        return await self.hit(key, window)

    async def peek(self, key: str) -> int:
        expires, count = self._entries.get(key, (0.0, 0))
        return count if expires > self.clock() else 0

    async def acquire(self, key: str, limit: int, window: float) -> float:
        now = self.clock()
        log = self._logs.setdefault(key, deque())
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) < limit:
            log.append(now)
            return 0.0
        return log[0] + window - now


# A sliding log in a sorted set, atomic in one script; the clock is Redis's own, so processes
# on machines whose clocks differ still share one window.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + window - now)
"""

# A message's arrival: the burst mark and the sender's count in one script, so that a webhook
# costs one Redis round trip here instead of two. An empty mark key skips the burst check.
_ARRIVE = """
if KEYS[1] ~= '' then
  if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return -1 end
end
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'NX')
return n
"""


class RedisLimiter:
    """The same windows in Redis: INCR with an expiry set by the first hit, SET NX for marks,
    a sorted set for sliding caps."""

    def __init__(self, redis: Any, prefix: str = "prottasha:rl:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._arrive = redis.register_script(_ARRIVE)  # EVALSHA, loaded on first use

    async def hit(self, key: str, window: float) -> int:
        name = self.prefix + key
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.pexpire(name, max(1, int(window * 1000)), nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def first(self, key: str, ttl: float) -> bool:
        return bool(await self.redis.set(self.prefix + key, "1", px=max(1, int(ttl * 1000)),
                                         nx=True))

    async def forget(self, key: str) -> None:
        await self.redis.delete(self.prefix + key)

    async def peek(self, key: str) -> int:
        return int(await self.redis.get(self.prefix + key) or 0)

    async def arrive(self, mark: str | None, ttl: float, key: str, window: float) -> int | None:
        count = int(await self._arrive(
            keys=[self.prefix + mark if mark is not None else "", self.prefix + key],
            args=[max(1, int(ttl * 1000)), max(1, int(window * 1000))]))
        return None if count < 0 else count

    async def acquire(self, key: str, limit: int, window: float) -> float:
        wait = await self.redis.eval(_ACQUIRE, 1, self.prefix + "slide:" + key, limit, window,
                                     uuid.uuid4().hex)
        return max(0.0, float(wait))
