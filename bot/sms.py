"""SMS length rules: GSM-7 or UCS-2, how many parts a text costs.

GSM-7: 160 characters alone, 153 a part when split; characters of the extension table cost two.
Anything outside GSM-7 (all Bangla script) makes the whole text UCS-2: 70 alone, 67 a part,
counted in UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.graphemes import pack

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Cost:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets or UTF-16 code units
    parts: int


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def cost(text: str) -> Cost:
    """What a text costs as one (possibly concatenated) SMS."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, part = 160, 153
        encoding = "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
        encoding = "UCS-2"
    parts = 1 if units <= single else -(-units // part)
    return Cost(encoding, units, parts)


def split(text: str, max_parts: int = 1) -> list[str]:
    """Cut a text into messages that each cost at most `max_parts` SMS parts.

    Each piece is measured on its own, so an English piece of a mixed text stays GSM-7. Cuts
    fall between grapheme clusters (never inside a Bangla letter), preferably at a space.
    """
    if max_parts < 1:
        raise ValueError("max_parts must be at least 1")
    text = text.strip()
    if not text:
        return []
    if cost(text).parts <= max_parts:
        return [text]
    return pack(text, lambda piece: cost(piece).parts <= max_parts)
