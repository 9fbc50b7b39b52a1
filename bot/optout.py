"""Opt-out and opt-in keywords, matched on the whole message so they never depend on the NLU.

The English words are the carriers' and Twilio's standard set; the Bangla and Banglish ones are
what people here write to mean "stop the messages".
"""

from __future__ import annotations

import re
from typing import Literal

STOP_WORDS = frozenset({
    "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "/stop", "optout", "opt out",
    "বন্ধ", "বন্ধ করুন", "বন্ধ করো", "বন্ধ কর", "মেসেজ বন্ধ", "মেসেজ বন্ধ করুন", "মেসেজ বন্ধ করো",
    "এসএমএস বন্ধ", "sms বন্ধ", "স্টপ",
    "bondho", "bondo", "bondho koro", "bondho korun", "bondo koro", "bondo korun", "bnd",
    "message bondho", "msg bondho", "sms bondho", "massage bondho", "message bondo",
    "msg bondo", "sms bondo", "stop koro", "stop korun",
})
START_WORDS = frozenset({"start", "unstop", "/start", "subscribe", "শুরু", "চালু", "স্টার্ট",
                         "shuru", "suru", "chalu"})
_NOISE = re.compile(r"[\s!.,।?'\"]+")


def normalise(text: str) -> str:
    return _NOISE.sub(" ", text.lower()).strip()


def keyword(text: str) -> Literal["stop", "start"] | None:
    """"stop" or "start" when the whole message is one of the keywords."""
    words = normalise(text)
    if words in STOP_WORDS:
        return "stop"
    if words in START_WORDS:
        return "start"
    return None
