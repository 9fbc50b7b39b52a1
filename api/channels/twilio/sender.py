"""Sending SMS and WhatsApp messages through Twilio's REST API (Messages.json)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.delivery import as_text
from bot.messages import Button, OutboundMessage
from referral.models import OutboxMessage
from referral.outbox import TWILIO_OPTED_OUT, SendError

log = logging.getLogger("prottasha.twilio")
RETRYABLE_CODES = {20429, 20500, 20503, 30001, 30008}  # rate limit, Twilio-side and queue errors
CLOCK_SKEW = timedelta(minutes=2)  # Twilio's clock against ours, when matching by time


class TwilioSender:
    def __init__(self, *, account_sid: str, auth_token: str, sms_from: str | None,
                 whatsapp_from: str | None, api_base: str, status_callback: str,
                 client: httpx.AsyncClient) -> None:
        self.url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sms_from = sms_from
        self.whatsapp_from = whatsapp_from
        self.status_callback = status_callback
        self.client = client

    def _addresses(self, row: OutboxMessage) -> tuple[str, str]:
        if row.channel == "whatsapp":
            if not self.whatsapp_from:
                raise SendError("TWILIO_WHATSAPP_FROM is not set", retryable=False)
            return _wa(self.whatsapp_from), _wa(row.address)
        if not self.sms_from:
            raise SendError("TWILIO_FROM_NUMBER is not set", retryable=False)
        return self.sms_from, row.address

    @staticmethod
    def _body(row: OutboxMessage) -> str | None:
        """The text Twilio is given, or None for a WhatsApp template (Twilio fills it in)."""
        if row.template and row.channel == "whatsapp":
            return None
        return as_text(OutboundMessage(row.text, row.language, tuple(
            Button(b["title"], b["payload"]) for b in row.buttons)))

    async def send(self, row: OutboxMessage) -> str:
        """Send one outbox row; the Twilio message SID, or a `SendError`."""
        sender, to = self._addresses(row)
        data = {"To": to, "From": sender, "StatusCallback": self.status_callback}
        body = self._body(row)
        if body is None:
            data["ContentSid"] = row.template or ""  # outside the 24-hour window: approved template
        else:
            data["Body"] = body
        try:
            response = await self.client.post(self.url, data=data, auth=self.auth)
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        answer = _json(response)
        if response.status_code in (200, 201) and answer.get("sid"):
            return str(answer["sid"])
        code = answer.get("code")
        if code == TWILIO_OPTED_OUT:
            raise SendError(f"twilio {code}", retryable=False, opt_out=True)
        retryable = (response.status_code == 429 or response.status_code >= 500
                     or code in RETRYABLE_CODES)
        raise SendError(f"twilio {code or response.status_code}", retryable=retryable)

    async def find(self, row: OutboxMessage, since: datetime) -> str | None:
        """The SID of the message Twilio made for this row, if it made one; None if not.

        Asked after a worker died while sending (Twilio takes no idempotency key for a send):
        Twilio's message list for this sender and recipient, newest first, holding one made at
        or after `since` with the same text. A template's text is Twilio's, so any message to
        them since counts: a template goes to someone who has not written for a day, so no
        reply to them is likely in the same minutes. Raises `SendError` when Twilio cannot be
        asked."""
        sender, to = self._addresses(row)
        body = self._body(row)
        since = (since if since.tzinfo else since.replace(tzinfo=UTC)) - CLOCK_SKEW
        try:
            response = await self.client.get(self.url, auth=self.auth, params={
                "To": to, "From": sender, "PageSize": 50})
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        listing = _json(response)
        if response.status_code != 200 or not isinstance(listing.get("messages"), list):
            raise SendError(f"twilio list {response.status_code}", retryable=True)
        for message in listing["messages"]:
            if not isinstance(message, dict) or not message.get("sid"):
                continue
            made = _when(message.get("date_created"))
            if made is not None and made >= since and (body is None or message.get("body") == body):
                return str(message["sid"])
        return None


def _when(value: Any) -> datetime | None:
    """Twilio's dates are RFC 2822 ("Fri, 04 Dec 2026 18:30:00 +0000")."""
    try:
        made = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return made if made.tzinfo else made.replace(tzinfo=UTC)


def _wa(address: str) -> str:
    return address if address.startswith("whatsapp:") else f"whatsapp:{address}"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
