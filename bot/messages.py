"""Channel-neutral messages: every adapter turns its input into one `InboundMessage` and renders
the `OutboundMessage`s the dialogue returns in its own way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Channel = Literal["webchat", "cli", "sms", "whatsapp", "telegram", "messenger"]
# SMS is the one channel where length costs money and buttons do not exist.
PLAIN_TEXT_CHANNELS = frozenset({"sms"})
# The address is the phone number: the same phone on both is one person.
PHONE_CHANNELS = frozenset({"sms", "whatsapp"})


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


_SURROGATE = re.compile("[\ud800-\udfff\x00]")


@dataclass(frozen=True)
class InboundMessage:
    channel: Channel
    user_id: str  # the channel's address: phone, Telegram chat id, web chat id
    text: str
    provider_id: str  # unique per channel; a redelivery carries the same id

    def __post_init__(self) -> None:
        # JSON may carry lone surrogates ("\ud800") and a form NUL bytes, which are not text
        # and which PostgreSQL refuses: each becomes U+FFFD, so the rest of what the person
        # wrote is kept and answered.
        for name in ("user_id", "text", "provider_id"):
            value = getattr(self, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                object.__setattr__(self, name, _SURROGATE.sub("\ufffd", value))


@dataclass(frozen=True)
class OutboundMessage:
    text: str
    language: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
