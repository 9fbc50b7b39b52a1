"""Facebook Messenger: `webhook` answers the verification challenge and reads signed events,
`sender` is the Send API, `render` builds quick replies."""

from __future__ import annotations

from api.channels.base import Channels, Wiring
from api.channels.messenger.sender import MessengerSender
from api.channels.messenger.webhook import router
from api.settings import Settings

__all__ = ["connect", "router"]


def connect(settings: Settings, channels: Channels, wiring: Wiring) -> None:
    if not settings.messenger_page_token:
        return
    assert channels.http is not None
    channels.senders["messenger"] = MessengerSender(
        page_token=settings.messenger_page_token.get_secret_value(),
        api_base=settings.messenger_api_base, client=channels.http)
