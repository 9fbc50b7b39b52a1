"""Messenger's Send API: one outbox row per request, quick replies for buttons."""

from __future__ import annotations

import httpx

from api.channels.messenger.render import message as render
from referral.models import OutboxMessage
from referral.outbox import SendError

RATE_LIMITED = {4, 17, 32, 613}  # Graph API throttling codes: worth another try later


class MessengerSender:
    """The Send API at `{MESSENGER_API_BASE}/me/messages`."""

    def __init__(self, *, page_token: str, api_base: str, client: httpx.AsyncClient) -> None:
        self.url = f"{api_base.rstrip('/')}/me/messages"
        self.token = page_token
        self.client = client

    async def send(self, row: OutboxMessage) -> str:
        payload = {"recipient": {"id": row.address},
                   "messaging_type": "RESPONSE" if row.kind == "reply" else "UPDATE",
                   "message": render(row.text, row.buttons)}
        try:
            response = await self.client.post(self.url, params={"access_token": self.token},
                                              json=payload)
        except httpx.HTTPError as exc:
            raise SendError(f"network: {type(exc).__name__}", retryable=True) from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body, dict) and body.get("message_id"):
            return str(body["message_id"])
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code = error.get("code") if isinstance(error, dict) else None
        retryable = response.status_code >= 500 or code in RATE_LIMITED
        raise SendError(f"messenger {code or response.status_code}", retryable=retryable)
