"""What a campaign says to each recipient: the language version for them, the way to stop,
and for a quiz its questions, the feedback on an answer and the final score.

The texts of one recipient are the ones counted for the estimate and the ones queued, so the
estimate's SMS segments are exactly what goes out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import sms
from bot.i18n import LANGUAGES, N_, Catalogs
from referral.campaigns.segments import Member
from referral.campaigns.sending import Piece, Timed

STOP_FOOTER = N_("Reply STOP to stop these messages.")
MORE_FOOTER = N_("Reply 1 to read more.")
# A person can stop a messenger bot themselves; SMS and WhatsApp say how in every message.
FOOTER_CHANNELS = ("sms", "whatsapp")


def version_for(texts: Mapping[str, str], language: str | None, channel: str) -> str:
    """bn, en or banglish: the person's own, Bangla for Banglish writers off SMS (they read it)
    or when no Banglish text is given, Bangla when nothing is known."""
    if language == "banglish" and channel == "sms" and "banglish" in texts:
        return "banglish"
    if language == "en" and "en" in texts:
        return "en"
    return "bn" if "bn" in texts else next(iter(texts))


class Composer:
    """Each recipient's messages for one campaign; called once per recipient."""

    def __init__(self, messages: Mapping[str, str], catalogs: Catalogs, *,
                 kind: str = "broadcast", steps: Sequence[Mapping[str, Any]] = (),
                 topic: str | None = None) -> None:
        self.messages = _clean(messages)
        self.catalogs = catalogs
        self.kind = kind
        self.steps = list(steps)
        self.topic = topic
        self.awaiting = "quiz" if kind == "quiz" else "more" if topic else None
        self._cache: dict[tuple[str, str], list[Timed]] = {}

    @classmethod
    def for_campaign(cls, campaign: Any, catalogs: Catalogs) -> Composer:
        return cls(campaign.messages, catalogs, kind=campaign.kind or "broadcast",
                   steps=campaign.steps or (), topic=campaign.topic)

    def say(self, version: str, msgid: str, **values: object) -> str:
        return self.catalogs.gettext(version if version in LANGUAGES else "bn", msgid, **values)

    def text(self, texts: Mapping[str, str], version: str, channel: str, *,
             first: bool = True) -> str:
        lines = [texts[version]]
        if first and self.kind == "quiz" and self.steps:
            lines.append(_clean(self.steps[0])[version_for(_clean(self.steps[0]), version,
                                                           channel)])
        if first and self.awaiting == "more":
            lines.append(self.say(version, MORE_FOOTER))
        if channel in FOOTER_CHANNELS:
            lines.append(self.say(version, STOP_FOOTER))
        return "\n".join(lines)

    def _piece(self, texts: Mapping[str, str], member_language: str | None, channel: str,
               first: bool) -> Piece:
        version = version_for(texts, member_language, channel)
        text = self.text(texts, version, channel, first=first)
        return Piece(version, text, sms.cost(text).parts if channel == "sms" else 0)

    def __call__(self, member: Member) -> list[Timed]:
        key = (member.language or "", member.channel)
        if key not in self._cache:
            timed = [Timed(0, self._piece(self.messages, member.language, member.channel, True))]
            if self.kind == "drip":
                timed += [Timed(int(step["day"]), self._piece(_clean(step["messages"]),
                                                              member.language, member.channel,
                                                              False))
                          for step in self.steps]
            self._cache[key] = timed
        return self._cache[key]

    def previews(self) -> list[dict[str, object]]:
        """Each version as a phone shows it, with its SMS cost (the first message; a drip's
        later steps follow with their day)."""
        out: list[dict[str, object]] = []
        series = [(0, self.messages, True)] + (
            [(int(s["day"]), _clean(s["messages"]), False) for s in self.steps]
            if self.kind == "drip" else [])
        for day, texts, first in series:
            for version in texts:
                for channel in ("sms", "whatsapp", "telegram"):
                    if version == "banglish" and channel != "sms":
                        continue
                    text = self.text(texts, version, channel, first=first)
                    cost = sms.cost(text)
                    out.append({"day": day, "language": version, "channel": channel,
                                "text": text,
                                "sms_segments": cost.parts if channel == "sms" else 0,
                                "encoding": cost.encoding if channel == "sms" else None,
                                "characters": len(text)})
        return out

    def question(self, step: int, language: str | None, channel: str) -> str | None:
        return question(self.steps, step, language, channel)


def question(steps: Sequence[Mapping[str, Any]], step: int, language: str | None,
             channel: str) -> str | None:
    """A quiz's question `step` (0-based) in the recipient's version, or None after the last."""
    if step >= len(steps):
        return None
    texts = _clean(steps[step])
    return texts[version_for(texts, language, channel)]


def _clean(texts: Mapping[str, Any]) -> dict[str, str]:
    return {k: v.strip() for k, v in texts.items()
            if k in ("bn", "en", "banglish") and isinstance(v, str) and v.strip()}
