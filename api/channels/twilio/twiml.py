"""TwiML answers for Twilio's SMS and WhatsApp webhooks."""

from __future__ import annotations

from twilio.twiml.messaging_response import MessagingResponse


def twiml(texts: list[str]) -> str:
    """`<Response>` with one `<Message>` per text (none: an empty, valid answer)."""
    response = MessagingResponse()
    for text in texts:
        response.message(text)
    return str(response)
