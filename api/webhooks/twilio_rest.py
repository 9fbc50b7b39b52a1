"""Sending SMS and WhatsApp messages through Twilio's REST API (Messages.json)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.channels import as_text
from bot.messages import Button, OutboundMessage
from referral.models import OutboxMessage
from referral.outbox import SendError

log = logging.getLogger("prottasha.twilio")
OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
RETRYABLE_CODES = {20429, 20500, 20503, 30001, 30008}  # rate limit, Twilio-side and queue errors


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

    async def send(self, row: OutboxMessage) -> str:
        """Send one outbox row; the Twilio message SID, or a `SendError`."""
        sender, to = self._addresses(row)
        reply = OutboundMessage(row.text, row.language,
                                tuple(Button(b["title"], b["payload"]) for b in row.buttons))
        data = {"To": to, "From": sender, "StatusCallback": self.status_callback}
        if row.template and row.channel == "whatsapp":
            data["ContentSid"] = row.template  # outside the 24-hour window: approved template
        else:
            data["Body"] = as_text(reply)
        try:
            response = await self.client.post(self.url, data=data, auth=self.auth)
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        body = _json(response)
        if response.status_code in (200, 201) and body.get("sid"):
            return str(body["sid"])
        code = body.get("code")
        if code == OPTED_OUT:
            raise SendError(f"twilio {code}", retryable=False, opt_out=True)
        retryable = (response.status_code == 429 or response.status_code >= 500
                     or code in RETRYABLE_CODES)
        raise SendError(f"twilio {code or response.status_code}", retryable=retryable)


def _wa(address: str) -> str:
    return address if address.startswith("whatsapp:") else f"whatsapp:{address}"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
