"""Turn normalised text into the sparse features the linear models read."""

from __future__ import annotations

import re

from nlu.lexicon import concepts_of, pair_concept
from nlu.normalise import TOKEN_RE
from nlu.translit import fold, is_bengali, romanise_word

_DIGITS = re.compile(r"\d+")


def _char_grams(word: str, prefix: str, lo: int, hi: int, out: list[str]) -> None:
    # Word-bounded character n-grams: spaces mark the word edges so "te" at the end of
    # "dubaite" differs from "te" inside "temp", and misspellings still share most grams.
    padded = f" {word} "
    size = len(padded)
    for n in range(lo, min(hi, size) + 1):
        for i in range(size - n + 1):
            out.append(prefix + padded[i : i + n])


def phonetic_key(token: str) -> str:
    """The shared spelling of a token: Bengali romanised, then both scripts folded."""
    if is_bengali(token):
        return fold(romanise_word(token))
    return fold(token) if token.isascii() else token


def extract(text: str, *, char_range: tuple[int, int] | None = None,
            key_range: tuple[int, int] = (2, 4)) -> list[str]:
    """Feature strings of normalised text: words, word pairs, char n-grams, phonetic keys.

    The phonetic stream is what lets "কিভাবে" and "kibhabe" share evidence, so the Bangla and
    Banglish examples of an intent train each other.
    """
    return [g for grams in by_token(text, char_range=char_range, key_range=key_range)
            for g in grams]


def by_token(text: str, *, char_range: tuple[int, int] | None = None,
             key_range: tuple[int, int] = (2, 4)) -> list[list[str]]:
    """The features of `extract`, one list per token in order (a token's list holds the pair
    features with the token before it), so a part of a long message is scored without
    extracting its features again."""
    tokens = [_DIGITS.sub("0", t) for t in TOKEN_RE.findall(text)]
    out: list[list[str]] = []
    prev_key = ""
    for i, tok in enumerate(tokens):
        grams = ["w:" + tok]
        if i:
            grams.append(f"b:{tokens[i - 1]} {tok}")
        if char_range:
            _char_grams(tok, "c:", char_range[0], char_range[1], grams)
        key = phonetic_key(tok)
        grams.append("k:" + key)
        grams.extend("x:" + c for c in concepts_of(key))
        if i:
            grams.append(f"kb:{prev_key} {key}")
            pair = pair_concept(f"{prev_key} {key}")
            if pair:
                grams.append("x:" + pair)
        prev_key = key
        _char_grams(key, "p:", key_range[0], key_range[1], grams)
        out.append(grams)
    return out
