"""Twilio: SMS and WhatsApp. `webhook` takes signed inbound messages and delivery reports,
`sender` sends through the REST API and finds what a dead worker handed over, `twiml` answers
inline."""

from __future__ import annotations

from api.channels.base import Channels, Wiring
from api.channels.twilio.sender import TwilioSender
from api.channels.twilio.webhook import router
from api.settings import Settings

__all__ = ["connect", "router"]


def connect(settings: Settings, channels: Channels, wiring: Wiring) -> None:
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return
    assert channels.http is not None
    sender = TwilioSender(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token.get_secret_value(),
        sms_from=settings.twilio_from_number, whatsapp_from=settings.twilio_whatsapp_from,
        api_base=settings.twilio_api_base, client=channels.http,
        status_callback=settings.public_base_url.rstrip("/") + "/webhooks/twilio/status")
    channels.senders["sms"] = channels.senders["whatsapp"] = sender
