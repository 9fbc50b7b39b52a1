"""What a campaign says to each recipient: the language version for them, with the way to stop.

The text of one recipient is the one counted for the estimate and the one queued, so the
estimate's SMS segments are exactly what goes out.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import sms
from bot.i18n import N_, Catalogs
from referral.campaigns.segments import Member
from referral.campaigns.sending import Piece

STOP_FOOTER = N_("Reply STOP to stop these messages.")
# The catalogs hold bn and en; Banglish is written for people who read Bangla (issue 15).
STOP_FOOTER_BANGLISH = "Message bondho korte STOP likhe pathan."
# A person can stop a messenger bot themselves; SMS and WhatsApp say how in every message.
FOOTER_CHANNELS = ("sms", "whatsapp")


class Composer:
    """Chooses and finishes each recipient's text; one per campaign, called per recipient."""

    def __init__(self, messages: Mapping[str, str], catalogs: Catalogs) -> None:
        self.messages = {k: v.strip() for k, v in messages.items() if v and v.strip()}
        self.catalogs = catalogs
        self._cache: dict[tuple[str, str], Piece] = {}

    def version(self, language: str | None, channel: str) -> str:
        """bn, en or banglish: the person's own, Bangla for Banglish writers off SMS (they read
        it) or when no Banglish text is given, Bangla when nothing is known."""
        if language == "banglish" and channel == "sms" and "banglish" in self.messages:
            return "banglish"
        if language == "en" and "en" in self.messages:
            return "en"
        return "bn" if "bn" in self.messages else next(iter(self.messages))

    def text(self, version: str, channel: str) -> str:
        body = self.messages[version]
        if channel not in FOOTER_CHANNELS:
            return body
        if version == "banglish":
            footer = STOP_FOOTER_BANGLISH
        else:
            footer = self.catalogs.gettext(version, STOP_FOOTER)
        return f"{body}\n{footer}"

    def __call__(self, member: Member) -> Piece:
        key = (member.language or "", member.channel)
        piece = self._cache.get(key)
        if piece is None:
            version = self.version(member.language, member.channel)
            text = self.text(version, member.channel)
            parts = sms.cost(text).parts if member.channel == "sms" else 0
            # A Banglish text is sent in Latin letters: the outbox row's language is its script.
            piece = Piece(version, text, parts)
            self._cache[key] = piece
        return piece

    def previews(self) -> list[dict[str, object]]:
        """Each version as a phone shows it, with its SMS cost."""
        out: list[dict[str, object]] = []
        for version in self.messages:
            for channel in ("sms", "whatsapp", "telegram"):
                if version == "banglish" and channel != "sms":
                    continue
                text = self.text(version, channel)
                cost = sms.cost(text)
                out.append({"language": version, "channel": channel, "text": text,
                            "sms_segments": cost.parts if channel == "sms" else 0,
                            "encoding": cost.encoding if channel == "sms" else None,
                            "characters": len(text)})
        return out
