"""`POST /webhooks/telegram`: Telegram's updates, fed to aiogram's dispatcher."""

from __future__ import annotations

import hmac
import json
import logging

from aiogram.types import Update
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.errors import ApiError

log = logging.getLogger("prottasha.telegram")
router = APIRouter(tags=["webhooks"])
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def telegram_secret(request: Request) -> None:
    """The secret Telegram sends with every update, compared in constant time; else 403."""
    services = request.app.state.services
    secret = services.settings.telegram_webhook_secret
    if services.channels.telegram is None or secret is None:
        raise ApiError("Telegram is not configured", status=404, code="channel_disabled")
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
        log.warning("bad_secret", extra={"channel": "telegram"})
        raise ApiError("the secret token is not valid", status=403, code="forbidden")


@router.post("/webhooks/telegram", dependencies=[Depends(telegram_secret)])
async def telegram_update(request: Request) -> JSONResponse:
    """One update; answered 200 even when it is unusable, since Telegram would resend it."""
    telegram = request.app.state.services.channels.telegram
    try:
        data = json.loads(await request.body())
        update = Update.model_validate(data, context={"bot": telegram.bot})
    except (ValueError, ValidationError):
        log.warning("malformed_update", extra={"channel": "telegram"})
        return JSONResponse({})
    await telegram.dispatcher.feed_update(telegram.bot, update)
    return JSONResponse({})
