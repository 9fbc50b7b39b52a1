"""The channels, one folder each (`twilio/` for SMS and WhatsApp, `telegram/`, `messenger/`):
its webhook with the signature check, its sender, its renderer. A channel package gives a
`router` and `connect(settings, channels, wiring)`, which adds its senders when its settings
are set; this module lists them (docs/architecture.md, "A channel")."""

from __future__ import annotations

import httpx
from fastapi import APIRouter

from api.channels import messenger, telegram, twilio
from api.channels.base import Channels, Wiring
from api.settings import Settings

CHANNELS = (twilio, telegram, messenger)

router = APIRouter()
for _channel in CHANNELS:
    router.include_router(_channel.router)

__all__ = ["CHANNELS", "Channels", "Wiring", "build_channels", "router"]


def build_channels(settings: Settings, wiring: Wiring | None = None) -> Channels:
    """Senders for each configured channel; a channel whose settings are unset stays off."""
    channels = Channels(http=httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0)))
    for channel in CHANNELS:
        channel.connect(settings, channels, wiring or Wiring())
    return channels
