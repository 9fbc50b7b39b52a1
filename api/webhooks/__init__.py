"""The channel adapters: webhook routes in, senders out, built from settings at start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
from fastapi import APIRouter

from api.settings import Settings
from api.webhooks import messenger, telegram, twilio
from bot.service import Conversations
from referral.models import OutboxMessage

router = APIRouter()
router.include_router(twilio.router)
router.include_router(telegram.router)
router.include_router(messenger.router)


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


def build_channels(settings: Settings, conversations: Conversations | None,
                   wake: Any = lambda: None, desk: Any = None) -> Channels:
    """Senders for each configured channel; a channel whose settings are unset stays off."""
    from api.webhooks.telegram_bot import TelegramSender, make_bot, make_dispatcher
    from api.webhooks.twilio_rest import TwilioSender

    channels = Channels(http=httpx.AsyncClient(timeout=httpx.Timeout(15.0, connect=5.0)))
    assert channels.http is not None
    if settings.twilio_account_sid and settings.twilio_auth_token:
        sender = TwilioSender(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token.get_secret_value(),
            sms_from=settings.twilio_from_number, whatsapp_from=settings.twilio_whatsapp_from,
            api_base=settings.twilio_api_base, client=channels.http,
            status_callback=settings.public_base_url.rstrip("/") + "/webhooks/twilio/status")
        channels.senders["sms"] = channels.senders["whatsapp"] = sender
    if settings.telegram_bot_token:
        bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base)
        dispatcher = (make_dispatcher(conversations, wake=wake, max_chars=settings.max_text_chars,
                                      desk=desk)
                      if conversations is not None else None)
        channels.telegram = Telegram(bot=bot, dispatcher=dispatcher)
        channels.senders["telegram"] = TelegramSender(bot)
    if settings.messenger_page_token:
        channels.senders["messenger"] = messenger.MessengerSender(
            page_token=settings.messenger_page_token.get_secret_value(),
            api_base=settings.messenger_api_base, client=channels.http)
    return channels
