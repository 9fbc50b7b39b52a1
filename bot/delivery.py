"""How each channel delivers the dialogue's replies: in the webhook's own answer or through the
outbox, in how many pieces, and with buttons as what. Provider formats live in the submodules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot import sms
from bot.graphemes import split_chars
from bot.i18n import localise_digits
from bot.messages import OutboundMessage


@dataclass(frozen=True)
class Piece:
    message: OutboundMessage
    inline: bool  # True: the caller answers it in the HTTP response; False: the outbox sends it


Plan = Callable[[list[OutboundMessage]], list[Piece]]

TELEGRAM_LIMIT = 4096
MESSENGER_LIMIT = 2000
WHATSAPP_LIMIT = 1600  # Twilio's limit for one WhatsApp message body


def as_text(reply: OutboundMessage) -> str:
    """The reply for a channel without buttons: the buttons become a numbered list."""
    if not reply.buttons or _numbered(reply.text):
        return reply.text
    lines = [localise_digits(f"{n}. {b.title}", reply.language)
             for n, b in enumerate(reply.buttons, start=1)]
    return "\n".join([reply.text, *lines])


def _numbered(text: str) -> bool:
    """Menus already list their numbers in the text."""
    return "\n1. " in text or "\n১. " in text


def _pieces(reply: OutboundMessage, texts: list[str], *, inline: bool,
            keep_buttons: bool) -> list[Piece]:
    """One reply cut into several messages; buttons go with the last one."""
    out = []
    for n, text in enumerate(texts, start=1):
        buttons = reply.buttons if keep_buttons and n == len(texts) else ()
        out.append(Piece(replace(reply, text=text, buttons=buttons), inline))
    return out


def sms_plan(*, inline_parts: int = 3, max_parts: int = 1) -> Plan:
    """Short turns go back in the TwiML answer; a turn with a long reply goes through the REST
    API in pieces of `max_parts` parts each, all of it, so the order on the phone is kept."""

    def plan(replies: list[OutboundMessage]) -> list[Piece]:
        texts = [as_text(r) for r in replies]
        if all(sms.cost(t).parts <= inline_parts for t in texts):
            return [Piece(replace(r, text=t, buttons=()), True) for r, t in zip(replies, texts,
                                                                              strict=True)]
        return [piece for r, t in zip(replies, texts, strict=True)
                for piece in _pieces(r, sms.split(t, max_parts), inline=False, keep_buttons=False)]

    return plan


def whatsapp_plan(replies: list[OutboundMessage]) -> list[Piece]:
    """WhatsApp through Twilio: plain text in the TwiML answer, numbered instead of buttons."""
    return [piece for r in replies
            for piece in _pieces(r, split_chars(as_text(r), WHATSAPP_LIMIT), inline=True,
                                 keep_buttons=False)]


def queued_plan(limit: int) -> Plan:
    """Rich channels (Telegram, Messenger): everything through the outbox, buttons kept."""

    def plan(replies: list[OutboundMessage]) -> list[Piece]:
        return [piece for r in replies
                for piece in _pieces(r, split_chars(r.text, limit), inline=False,
                                     keep_buttons=True)]

    return plan
