"""Twilio webhooks: inbound SMS and WhatsApp answered with TwiML, and delivery status callbacks.

Every request must carry a valid `X-Twilio-Signature` over PUBLIC_BASE_URL + path, checked with
Twilio's own validator before anything is read further or stored.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from twilio.request_validator import RequestValidator

from api.channels.twilio.twiml import twiml
from api.errors import ApiError
from bot.delivery import as_text, sms_plan, whatsapp_plan
from bot.i18n import N_
from bot.messages import InboundMessage, OutboundMessage
from referral import contacts
from referral.models import utcnow
from referral.outbox import TWILIO_OPTED_OUT, record_delivery

log = logging.getLogger("prottasha.twilio")
router = APIRouter(prefix="/webhooks/twilio", tags=["webhooks"])
ANSWER_AGAIN_WITHIN = timedelta(minutes=10)
# Twilio waits 15 s for a webhook's answer; one later than this may not reach it in time.
ANSWER_LATE = 13.0
SID = re.compile(r"[A-Z]{2}[0-9a-f]{32}")
TEXT_ONLY = N_("I can only read text. Please write your question.")


async def signed_form(request: Request) -> dict[str, str]:
    """The form fields, once the signature over them has been verified; 403 otherwise."""
    settings = request.app.state.services.settings
    if settings.twilio_auth_token is None:
        raise ApiError("Twilio is not configured", status=404, code="channel_disabled")
    try:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    except Exception:  # not a form at all: it cannot carry a valid signature either
        form = {}
    url = settings.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    if not validator.validate(url, form, request.headers.get("X-Twilio-Signature", "")):
        log.warning("bad_signature", extra={"path": request.url.path})
        raise ApiError("the request signature is not valid", status=403, code="forbidden")
    return form


def _twiml(texts: list[str]) -> Response:
    return Response(twiml(texts), media_type="application/xml")


@router.post("/sms")
async def inbound_sms(request: Request, form: dict[str, str] = Depends(signed_form)) -> Response:
    """An SMS from a person: answered in TwiML, or through the outbox when long."""
    return await _inbound(request, form, "sms")


@router.post("/whatsapp")
async def inbound_whatsapp(request: Request,
                           form: dict[str, str] = Depends(signed_form)) -> Response:
    """A WhatsApp message through Twilio (`whatsapp:` addresses)."""
    return await _inbound(request, form, "whatsapp")


async def _inbound(request: Request, form: dict[str, str], channel: str) -> Response:
    services = request.app.state.services
    sid = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid")
    sender = form.get("From", "").removeprefix("whatsapp:").strip()
    # A tapped WhatsApp button carries its payload; otherwise the typed text.
    text = (form.get("ButtonPayload") or form.get("Body") or "").strip()
    if not sid or not sender:
        log.warning("malformed_message", extra={"channel": channel})
        return _twiml([])  # a 200: Twilio would only send the same thing again
    if not text:
        media = form.get("NumMedia", "0")
        count = int(media) if media.isascii() and media.isdigit() else 0  # not "²"
        log.info("no_text", extra={"channel": channel, "count": count})
        if count:  # a photo or a voice note: say, in both languages, that we read text only
            catalogs = services.resources.catalogs
            return _twiml([" / ".join(catalogs.gettext(lang, TEXT_ONLY) for lang in ("bn", "en"))])
        return _twiml([])
    settings = services.settings
    # E.164, so the same phone on SMS and WhatsApp is one person.
    user_id = contacts.e164(sender) or sender
    plan = (sms_plan(inline_parts=settings.sms_inline_parts, max_parts=settings.sms_split_parts)
            if channel == "sms" else whatsapp_plan)
    message = InboundMessage(channel=channel, user_id=user_id,  # type: ignore[arg-type]
                             text=text[: settings.max_text_chars], provider_id=sid)
    started = time.monotonic()
    handled = await services.conversations.handle(message, plan=plan, may_defer=True)
    if handled.deferred:  # a backlog: answered shortly through the outbox
        services.wake_deferred()
    inline = handled.inline
    if inline and handled.inbox_id is not None and (
            time.monotonic() - started > ANSWER_LATE or await request.is_disconnected()):
        # Twilio hung up (its 15 s timeout) while the turn ran: an answer in TwiML would reach
        # nobody, and a redelivery, if any, finds the turn taken and answers nothing. The
        # outbox sends the same replies instead (sent by REST, they are not given again).
        log.warning("answer_late", extra={"channel": channel})
        await services.conversations.hand_back(handled.inbox_id)
        services.wake_outbox()
        return _twiml([])
    if handled.queued:
        services.wake_outbox()
    if handled.duplicate:
        inline = await _answer_again(services, channel, sid)
    return _twiml([as_text(r) for r in inline])


async def _answer_again(services: Any, channel: str, sid: str) -> list[OutboundMessage]:
    """Twilio redelivers a request only when our answer did not reach it (the process died
    after the turn was committed, a timeout): the TwiML answer was lost, so it is given again,
    without a new turn. Once per message and only for a recent one, so a replayed request
    cannot make us text a person over and over."""
    replies = await services.conversations.replies_to(
        channel, sid, inline_only=True, since=utcnow() - ANSWER_AGAIN_WITHIN)
    if replies and await services.limiter.first(f"answered-again:{channel}:{sid}",
                                                ANSWER_AGAIN_WITHIN.total_seconds()):
        log.info("answered_again", extra={"channel": channel})
        return replies
    return []


@router.post("/status", status_code=204)
async def status_callback(request: Request,
                          form: dict[str, str] = Depends(signed_form)) -> Response:
    """Twilio's delivery report for a message we sent through the REST API."""
    sid, status = form.get("MessageSid"), form.get("MessageStatus", "").lower()
    # A message SID is two letters and 32 hex digits; anything else (a NUL byte PostgreSQL
    # would refuse, 10 KB of text) names no message of ours.
    if not sid or not status or not SID.fullmatch(sid):
        log.warning("malformed_status")
        return Response(status_code=204)
    code = form.get("ErrorCode") or None
    services = request.app.state.services
    async with services.sessionmaker() as session:
        row = await record_delivery(session, provider_id=sid, status=status,
                                    error=f"twilio {code}" if code else None)
        if row is not None and code == str(TWILIO_OPTED_OUT):
            await contacts.set_opted_out(session, channel=row.channel, user_hash=row.user_hash,
                                         opted_out=True)
        await session.commit()
    log.info("delivery_status", extra={"status": status, "code": code,
                                       "count": 0 if row is None else 1})
    return Response(status_code=204)
