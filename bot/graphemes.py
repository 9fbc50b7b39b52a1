"""Grapheme clusters (what a reader sees as one letter) and packing text into pieces at them.

A Bangla letter can be several code points: a consonant with a vowel sign, a conjunct built with
the virama (হসন্ত), a nukta, ZWJ/ZWNJ. Cutting inside one shows the reader a broken letter, so
every split in the service cuts only between clusters, preferably at a space.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

ZWJ, ZWNJ = "\u200d", "\u200c"
_MARKS = frozenset({"Mn", "Mc", "Me"})


def _virama(ch: str) -> bool:
    return unicodedata.combining(ch) == 9  # canonical class 9: virama / hasanta


def _joins(prev: str, ch: str) -> bool:
    """True when `ch` continues the cluster that ends with `prev`."""
    if unicodedata.category(ch) in _MARKS or ch in (ZWJ, ZWNJ):
        return True
    if prev == "\r" and ch == "\n":
        return True
    if "\U0001f3fb" <= ch <= "\U0001f3ff":  # emoji skin-tone modifiers
        return True
    # A consonant after a virama (or virama + ZWJ) forms a conjunct: ক্ষ, র্ক, ্য.
    return (_virama(prev) or prev == ZWJ) and unicodedata.category(ch) == "Lo"


def clusters(text: str) -> Iterator[str]:
    """Split `text` into grapheme clusters."""
    current = ""
    for ch in text:
        if current and _joins(current[-1], ch):
            current += ch
        else:
            if current:
                yield current
            current = ch
    if current:
        yield current


def pack(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut `text` into pieces that each satisfy `fits`, between clusters, at a space if one is
    in the last two thirds of the piece. `fits` must hold for every prefix of a fitting text."""
    parts = list(clusters(text))
    pieces: list[str] = []
    start = 0
    while start < len(parts):
        while start < len(parts) and parts[start].isspace():
            start += 1
        end, piece = start, ""
        while end < len(parts) and fits(piece + parts[end]):
            piece += parts[end]
            end += 1
        if end == len(parts):
            pieces.append(piece.strip())
            break
        end = max(end, start + 1)  # one cluster that fits nowhere still moves on
        cut = next((b for b in range(end, start + (end - start) // 3, -1)
                    if parts[b - 1].isspace()), end)
        pieces.append("".join(parts[start:cut]).strip())
        start = cut
    return [p for p in pieces if p]


def split_chars(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters (Telegram's 4096, Messenger's 2000)."""
    return pack(text, lambda piece: len(piece) <= limit)


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, cut between clusters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    out = ""
    for cluster in clusters(text):
        if len(out) + len(cluster) + len(ellipsis) > limit:
            break
        out += cluster
    return out.rstrip() + ellipsis
