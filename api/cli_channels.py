"""`prottasha telegram ...` and `prottasha worker`."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from api.settings import Settings, get_settings

if TYPE_CHECKING:
    from aiogram import Bot

telegram_app = typer.Typer(help="Telegram: webhook set-up and long polling.",
                           no_args_is_help=True)
console = Console()


def _bot() -> tuple[Settings, Bot]:
    from api.channels.telegram.dispatch import make_bot

    settings = get_settings()
    if settings.telegram_bot_token is None:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    return settings, make_bot(settings.telegram_bot_token.get_secret_value(),
                              settings.telegram_api_base)


@telegram_app.command("set-webhook")
def set_webhook() -> None:
    """Point Telegram at PUBLIC_BASE_URL/webhooks/telegram with TELEGRAM_WEBHOOK_SECRET."""
    from api.channels.telegram.dispatch import UPDATES

    async def run() -> None:
        settings, bot = _bot()
        if settings.telegram_webhook_secret is None:
            raise RuntimeError("TELEGRAM_WEBHOOK_SECRET is not set")
        url = settings.public_base_url.rstrip("/") + "/webhooks/telegram"
        try:
            await bot.set_webhook(url=url, allowed_updates=UPDATES, drop_pending_updates=False,
                                  secret_token=settings.telegram_webhook_secret.get_secret_value())
        finally:
            await bot.session.close()
        console.print(f"webhook set: {url}")

    asyncio.run(run())


@telegram_app.command("poll")
def poll() -> None:
    """Long polling for development: no public URL needed (removes any webhook first)."""
    from api import logs
    from api.channels.telegram.dispatch import UPDATES
    from api.services import Services

    async def run() -> None:
        settings = get_settings()
        if settings.telegram_bot_token is None:
            raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
        logs.configure(settings.log_level)
        services = await Services.start(settings)
        services.start_outbox()  # replies go out from this process too
        telegram = services.channels.telegram
        assert telegram is not None
        try:
            await telegram.bot.delete_webhook(drop_pending_updates=False)
            await telegram.dispatcher.start_polling(telegram.bot, allowed_updates=UPDATES,
                                                    close_bot_session=False)
        finally:
            await services.close()

    asyncio.run(run())


def worker() -> None:
    """Drain the outbox (replies, alerts, proactive messages, with retries) and run scheduled
    jobs (ticket escalation)."""
    from api import logs
    from api.services import Services

    async def run() -> None:
        settings = get_settings()
        logs.configure(settings.log_level)
        # The worker needs no NLU: it only sends what the outbox holds.
        services = await Services.start(settings, nlu=_NoNLU())
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await asyncio.gather(services.outbox_worker().run(stop, services.outbox_wake, idle=1.0),
                                 services.run_jobs(stop))
        finally:
            await services.close()

    asyncio.run(run())


class _NoNLU:
    async def aparse(self, text: str) -> dict[str, object]:
        raise RuntimeError("the worker does not parse messages")
