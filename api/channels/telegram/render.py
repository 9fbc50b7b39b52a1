"""Telegram rendering: buttons as an inline keyboard whose callback data is the payload."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.graphemes import truncate

CALLBACK_DATA_MAX = 64  # bytes, Telegram's limit


def keyboard(buttons: list[dict[str, str]]) -> InlineKeyboardMarkup | None:
    """One button per row (titles are sentences, not single words); payloads that do not fit
    Telegram's 64 bytes are left out rather than cut, since a cut payload would mean nothing."""
    rows = [[InlineKeyboardButton(text=truncate(b["title"], 64), callback_data=b["payload"])]
            for b in buttons
            if b.get("title") and 0 < len(b.get("payload", "").encode()) <= CALLBACK_DATA_MAX]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def command(text: str) -> str:
    """`/start@ProttashaBot payload` -> `/start`; other text unchanged."""
    if not text.startswith("/"):
        return text
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()
