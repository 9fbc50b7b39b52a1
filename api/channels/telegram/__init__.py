"""Telegram: `webhook` checks the secret token and feeds updates to aiogram, `dispatch` holds
the bot, its dispatcher and the sender, `render` the inline keyboards."""

from __future__ import annotations

from api.channels.base import Channels, Telegram, Wiring
from api.channels.telegram.dispatch import TelegramSender, make_bot, make_dispatcher
from api.channels.telegram.webhook import router
from api.settings import Settings

__all__ = ["connect", "router"]


def connect(settings: Settings, channels: Channels, wiring: Wiring) -> None:
    if not settings.telegram_bot_token:
        return
    bot = make_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base)
    dispatcher = (make_dispatcher(wiring.conversations, wake=wiring.wake,
                                  max_chars=settings.max_text_chars, desk=wiring.desk)
                  if wiring.conversations is not None else None)
    channels.telegram = Telegram(bot=bot, dispatcher=dispatcher)
    channels.senders["telegram"] = TelegramSender(bot)
