"""Messenger rendering: a Send API message with buttons as quick replies."""

from __future__ import annotations

from typing import Any

from bot.graphemes import truncate

QUICK_REPLIES_MAX = 13
TITLE_MAX = 20  # characters, Meta's limit for a quick reply title


def message(text: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    """The `message` object of a Send API request."""
    body: dict[str, Any] = {"text": text}
    quick = [{"content_type": "text", "title": truncate(b["title"], TITLE_MAX), "payload": b["payload"]}
             for b in buttons[:QUICK_REPLIES_MAX] if b.get("title") and b.get("payload")]
    if quick:
        body["quick_replies"] = quick
    return body
