"""Flood control per sender: an identical burst is handled once, and a sender who floods gets
one polite notice and is then throttled until the window passes. Others are unaffected."""

from __future__ import annotations

from typing import Literal

from bot.optout import normalise
from referral.crypto import lookup_hash
from referral.ratelimit import Limiter

Verdict = Literal["ok", "burst", "notice", "throttled"]
# The web chat and terminal carry their own retry ids, and a person may well type "1" twice.
NO_BURST_CHECK = frozenset({"webchat", "cli"})


class Flood:
    def __init__(self, limiter: Limiter, *, limit: int = 30, window: float = 60.0,
                 burst_seconds: float = 5.0) -> None:
        self.limiter = limiter
        self.limit = limit
        self.window = window
        self.burst_seconds = burst_seconds

    async def check(self, channel: str, user_hash: str, text: str) -> Verdict:
        """What to do with one message from this sender."""
        mark = (self._burst_key(channel, user_hash, text)
                if channel not in NO_BURST_CHECK and self.burst_seconds > 0 else None)
        count = await self.limiter.arrive(mark, self.burst_seconds,
                                          f"rate:{channel}:{user_hash}", self.window)
        if count is None:
            return "burst"
        if count <= self.limit:
            return "ok"
        return "notice" if count == self.limit + 1 else "throttled"

    async def answered(self, channel: str, user_hash: str, text: str) -> None:
        """Once a message is answered, the same text again is a new answer ("1" to the next
        question), not a burst: only copies that arrive while the first is handled are dropped."""
        if channel not in NO_BURST_CHECK and self.burst_seconds > 0:
            await self.limiter.forget(self._burst_key(channel, user_hash, text))

    @staticmethod
    def _burst_key(channel: str, user_hash: str, text: str) -> str:
        # The text as a keyed hash: the key names in Redis say nothing about the message.
        return f"burst:{channel}:{user_hash}:{lookup_hash(normalise(text))[:24]}"
