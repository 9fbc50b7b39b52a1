"""What a conversation teaches about a person, for campaign segments (docs/campaigns.md)."""

from __future__ import annotations

from typing import Any

from bot.state import State


def profile_of(state: State, parse: dict[str, Any]) -> list[str | None]:
    """[language, district, destination] for campaign segments: the variety the person writes
    (Banglish when they type Bangla in Latin letters), their district, and the country they
    last asked about (where they mean to go, or are)."""
    written = parse.get("language")
    before = [*(state.profile or []), None, None, None][:3]
    country = next((str(e["value"]) for e in parse.get("entities") or []
                    if e.get("entity") == "country"), None)
    # "ok" or "1" in Latin letters says nothing about the script: only Bangla script undoes it.
    latin = written == "banglish" or (before[0] == "banglish" and written != "bn")
    language: str | None
    if state.lang_explicit and state.lang == "en":
        language = "en"  # they asked for English
    elif latin:
        language = "banglish"  # whatever we reply in (SMS_BANGLISH_REPLY), they read Bangla
    else:
        language = state.lang or written
    return [language, state.district, country or before[2]]
