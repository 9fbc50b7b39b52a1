"""Facebook Messenger's webhook: the verification challenge, and signed events."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from api.errors import ApiError
from bot.delivery import MESSENGER_LIMIT, queued_plan
from bot.messages import InboundMessage

log = logging.getLogger("prottasha.messenger")
router = APIRouter(prefix="/webhooks/messenger", tags=["webhooks"])
PLAN = queued_plan(MESSENGER_LIMIT)


def _settings(request: Request) -> Any:
    settings = request.app.state.services.settings
    if settings.messenger_app_secret is None or settings.messenger_page_token is None:
        raise ApiError("Messenger is not configured", status=404, code="channel_disabled")
    return settings


@router.get("", response_class=PlainTextResponse)
async def verify(request: Request) -> str:
    """Meta's subscription check: echo `hub.challenge` when the verify token matches."""
    settings = _settings(request)
    params = request.query_params
    token = settings.messenger_verify_token.get_secret_value() if \
        settings.messenger_verify_token else ""
    if params.get("hub.mode") != "subscribe" or not token or not hmac.compare_digest(
            params.get("hub.verify_token", "").encode(), token.encode()):
        raise ApiError("verification failed", status=403, code="forbidden")
    return params.get("hub.challenge", "")


async def signed_body(request: Request) -> bytes:
    """The request body, once its `X-Hub-Signature-256` (HMAC-SHA256 with the app secret) is
    checked in constant time; else 403."""
    settings = _settings(request)
    body = await request.body()
    secret = settings.messenger_app_secret.get_secret_value().encode()
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(request.headers.get("X-Hub-Signature-256", "").encode(),
                               expected.encode()):
        log.warning("bad_signature", extra={"channel": "messenger"})
        raise ApiError("the request signature is not valid", status=403, code="forbidden")
    return body


@router.post("")
async def events(request: Request, body: bytes = Depends(signed_body)) -> Response:
    """Signed events: text and quick replies become messages; others are logged and dropped."""
    settings = request.app.state.services.settings
    try:
        data = json.loads(body)
    except ValueError:
        log.warning("malformed_event", extra={"channel": "messenger"})
        return PlainTextResponse("EVENT_RECEIVED")  # a 200: Meta would only resend it
    if not isinstance(data, dict) or data.get("object") != "page":
        return PlainTextResponse("not a page event", status_code=404)
    services = request.app.state.services
    queued = 0
    for message in _messages(data, settings.max_text_chars):
        queued += (await services.conversations.handle(message, plan=PLAN)).queued
    if queued:
        services.wake_outbox()
    return PlainTextResponse("EVENT_RECEIVED")


def _messages(data: dict[str, Any], max_chars: int) -> Iterator[InboundMessage]:
    for entry in _list(data.get("entry")):
        for event in _list(entry.get("messaging") if isinstance(entry, dict) else None):
            if not isinstance(event, dict):
                continue
            sender = _psid(event.get("sender"))
            found = _text_and_id(event, sender)
            if not sender or found is None:
                log.info("skipped_event", extra={"channel": "messenger"})
                continue
            text, mid = found
            yield InboundMessage(channel="messenger", user_id=sender, text=text[:max_chars],
                                 provider_id=mid)


def _text_and_id(event: dict[str, Any], sender: str) -> tuple[str, str] | None:
    message, postback = event.get("message"), event.get("postback")
    if isinstance(message, dict) and not message.get("is_echo"):
        quick = message.get("quick_reply") or {}
        text = (quick.get("payload") if isinstance(quick, dict) else None) or message.get("text")
        mid = message.get("mid")
    elif isinstance(postback, dict):
        text = postback.get("payload") or postback.get("title")
        mid = postback.get("mid") or f"pb:{sender}:{event.get('timestamp')}"
    else:
        return None  # deliveries, reads, echoes, reactions
    if not isinstance(text, str) or not text.strip() or not mid:
        return None  # attachments only
    return text.strip(), str(mid)


def _psid(sender: Any) -> str:
    """A page-scoped id is a string of digits; anything else is not a person we can answer."""
    raw = sender.get("id") if isinstance(sender, dict) else None
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    return raw if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 64 \
        else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
