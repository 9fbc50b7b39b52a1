"""Tokens and features for the danger detector, on both scripts at once.

Bangla script is romanised and both scripts are folded to one phonetic key, so "আটকে",
"atke" and "atkay" share character n-grams: the model learns stems and inflections, not exact
strings. The raw word is kept too, because some words differ only in Bangla script
("মার্চে", in March, and "মারছে", is beating, fold to the same key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.normalise import TOKEN_RE, normalise
from nlu.translit import fold, is_bengali, romanise_word

_DIGITS = re.compile(r"\d+")
# Where one clause ends and another starts: long stories carry the danger in one sentence.
# An emoji ends one too: "ar beshi din nai 😂 blade ta hate nia" is two clauses, and the "nai"
# of the first negated the blade of the second (round 48, test46).
_CLAUSE_END = re.compile(r"[.!?।॥\n;\u2600-\u27bf\U0001f300-\U0001faff]+|,\s")
# "don't", "can’t": one word, as "dont" is. Split at the apostrophe, "don" and "t" matched no
# negator and no cue ("i don't want to live", "I can't go on"): round 26.
_NT = re.compile(r"(?<=\w)n['’ʼ`´]t\b")
WINDOW = 10  # tokens per window in a long unpunctuated message
STRIDE = 5


@dataclass(frozen=True, slots=True)
class Token:
    word: str  # normalised, digits as "0"
    key: str  # the phonetic key shared by both scripts
    clause: int = 0  # which clause of the message it stands in


def key_of(word: str) -> str:
    """The phonetic key of one normalised word."""
    if is_bengali(word):
        return fold(romanise_word(word))
    return fold(word) if word.isascii() else word


def tokens(text: str) -> list[Token]:
    """Normalised tokens of a raw message."""
    return analyse(text)[0]


def analyse(text: str) -> tuple[list[Token], list[tuple[int, int]]]:
    """The message's tokens, and the [start, end) token ranges of its clauses: long clauses
    become overlapping windows, so each part of a long story is read on its own too."""
    norm = _NT.sub("nt", normalise(text).text)
    breaks = [m.start() for m in _CLAUSE_END.finditer(norm)]
    toks: list[Token] = []
    b = 0
    for m in TOKEN_RE.finditer(norm):
        while b < len(breaks) and breaks[b] < m.start():
            b += 1
        word = _DIGITS.sub("0", m.group())
        toks.append(Token(word, key_of(word), b))
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(toks) + 1):
        if i == len(toks) or toks[i].clause != toks[start].clause:
            if i - start <= WINDOW + STRIDE:
                spans.append((start, i))
            else:
                spans += [(w, min(w + WINDOW, i)) for w in range(start, i - STRIDE, STRIDE)]
            start = i
    return toks, spans


def extract(toks: list[Token], cue_features: list[str] | None = None) -> list[str]:
    """Feature strings: words, keys, key pairs and character n-grams of keys (3-5)."""
    out: list[str] = list(cue_features or [])
    prev = ""
    for tok in toks:
        out.append("w:" + tok.word)
        out.append("k:" + tok.key)
        if prev:
            out.append(f"b:{prev} {tok.key}")
        padded = f" {tok.key} "
        for n in (3, 4, 5):
            out.extend("p:" + padded[i : i + n] for i in range(len(padded) - n + 1))
        prev = tok.key
    return out
