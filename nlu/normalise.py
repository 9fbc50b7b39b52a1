"""Text normalisation that remembers where every character came from in the original."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Longer messages are cut before any work: the service limits input to 1,600 characters anyway,
# and a cap keeps parse time bounded for anything that slips through.
MAX_CHARS = 2000

_BANGLA_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯", "0123456789")
# Tokens: letters, digits, and the combining marks of the Indic blocks (Bengali vowel signs are
# category Mc/Mn, which `\w` alone does not match), but not the danda "।" / "॥".
TOKEN_RE = re.compile(r"[\w\u0300-\u036f\u0900-\u0963\u0966-\u0dff]+")


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus, per character, the original [start, end) it stands for."""

    original: str
    text: str
    starts: list[int]
    ends: list[int]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the normalised text back onto the original text."""
        return self.starts[start], self.ends[end - 1]

    def tokens(self) -> list[tuple[str, int, int]]:
        """Word tokens of the normalised text with their normalised offsets."""
        return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(self.text)]


def _invisible(ch: str) -> bool:
    # Zero-width joiners, BOMs, direction marks (Cf) and control characters carry no meaning
    # for understanding and break matching ("খুলনা" typed with a ZWNJ must still match).
    cat = unicodedata.category(ch)
    return cat in ("Cf", "Co", "Cs", "Cn") or (cat == "Cc" and not ch.isspace())


def _clusters(text: str) -> list[tuple[str, int, int]]:
    """Split into base-plus-marks clusters without invisible characters, NFC per cluster."""
    out: list[tuple[str, int, int]] = []
    chars: list[str] = []
    start = end = 0
    for i, ch in enumerate(text):
        if _invisible(ch):
            continue
        # A combining mark belongs to the cluster before it, so NFC can compose across them
        # (Bengali "ো" is "ে" + "া"): NFC of the whole equals NFC per cluster for our scripts.
        if chars and unicodedata.category(ch)[0] == "M":
            chars.append(ch)
            end = i + 1
            continue
        if chars:
            out.append(("".join(chars), start, end))
        chars, start, end = [ch], i, i + 1
    if chars:
        out.append(("".join(chars), start, end))
    return [(unicodedata.normalize("NFC", c), s, e) for c, s, e in out]


def _fold(ch: str) -> str:
    if ch.isspace():
        return " "
    if ch.isdigit() and not ch.isascii():
        value = unicodedata.digit(ch, None)
        return str(value) if value is not None else ch
    low = ch.lower()
    # A few characters lower-case to two code points ("İ"); keep the original then, so one
    # character stays one character and offsets stay simple.
    return low if len(low) == 1 else ch


def normalise(text: str) -> Normalised:
    """NFC, drop invisible characters, lower-case, ASCII digits, collapse repeats and spaces."""
    text = text[:MAX_CHARS]
    if text.isascii():
        pieces = [(ch, i, i + 1) for i, ch in enumerate(text) if ch.isprintable() or ch.isspace()]
    else:
        pieces = [(ch, s, e) for cluster, s, e in _clusters(text) for ch in cluster]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for ch, s, e in pieces:
        ch = _fold(ch)
        if ch == " " and (not out or out[-1] == " "):
            continue
        # "plzzzzz" and "hiiii" carry no more meaning than "plzz" and "hii"; digits are
        # never collapsed because "100000" is an amount.
        if len(out) >= 2 and ch == out[-1] == out[-2] and not ch.isdigit():
            ends[-1] = e
            continue
        out.append(ch)
        starts.append(s)
        ends.append(e)
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return Normalised(text, "".join(out), starts, ends)


def fold_digits(text: str) -> str:
    """Bangla digits to ASCII, nothing else (same length, so offsets are unchanged)."""
    return text.translate(_BANGLA_DIGITS)
