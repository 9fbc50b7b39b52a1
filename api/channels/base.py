"""What every channel shares: the sender protocol and the set of configured channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from referral.models import OutboxMessage


class Sender(Protocol):
    """Sends outbox rows. A sender whose provider keeps a list of what was sent also has
    `async find(row, since) -> str | None`: the provider's id for a row a dead worker was
    handing over, or None when the provider never got it (`OutboxWorker.settle_stranded`)."""

    async def send(self, row: OutboxMessage) -> str:
        """Send one outbox row: the provider's message id, or a `SendError`."""


@dataclass
class Telegram:
    bot: Any
    dispatcher: Any


@dataclass
class Channels:
    """The configured channels: who sends each channel's outbox rows, and Telegram's bot."""

    senders: dict[str, Sender] = field(default_factory=dict)
    telegram: Telegram | None = None
    http: httpx.AsyncClient | None = None

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        if self.telegram is not None:
            await self.telegram.bot.session.close()


@dataclass(frozen=True)
class Wiring:
    """What a channel may need when it connects: the conversations its webhook feeds (None in a
    process that only sends), a way to wake the outbox worker, and the organizers' desk."""

    conversations: Any = None
    wake: Any = lambda: None
    desk: Any = None
