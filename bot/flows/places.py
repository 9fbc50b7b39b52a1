"""District and country names as people write them, for answers the NLU did not tag."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

from nlu.rasa_yaml import read_nlu

_BANGLA = re.compile("[\u0980-\u09ff]")

SURE = 90  # a score this high is taken as the answer
CLOSE = 72  # between CLOSE and SURE we ask "Did you mean ...?"
MINIMUM = 60  # below this a name is not offered at all


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().replace(".", " ").split())


class PlaceIndex:
    """Every spelling of every canonical name, and a fuzzy look-up over them."""

    def __init__(self, variants: dict[str, str]) -> None:
        self.variants = {_key(v): c for v, c in variants.items()}
        self.canonical = sorted(set(self.variants.values()))
        # The first Bangla-script spelling in the lookup file is the name a Bangla reply uses
        # ("সৌদি আরব", not "Saudi Arabia"; docs/glossary.md).
        self.bangla: dict[str, str] = {}
        for variant, name in variants.items():
            if _BANGLA.search(variant):
                self.bangla.setdefault(name, variant)

    def name(self, canonical: str, lang: str) -> str:
        """How a reply in `lang` writes a canonical name."""
        return self.bangla.get(canonical, canonical) if lang == "bn" else canonical

    @classmethod
    def from_lookup(cls, path: Path) -> PlaceIndex:
        data = read_nlu(path)
        variants = dict(data.synonyms)
        for values in data.lookups.values():
            variants.update({v: v for v in values})
        return cls(variants)

    def candidates(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The closest canonical names with their scores, best first.

        The whole answer, each word and each pair of words are tried, so "I live in Hobigonj"
        finds Habiganj while "bari" alone is only offered, not taken.
        """
        key = _key(text)
        words = key.replace(",", " ").split()
        pieces = {key, *words, *(" ".join(p) for p in zip(words, words[1:], strict=False))}
        best: dict[str, float] = {}
        for piece in pieces:
            if piece in self.variants:
                best[self.variants[piece]] = 100.0
                continue
            if len(piece) < 3:
                continue
            for variant, score, _ in process.extract(piece, list(self.variants),
                                                     scorer=fuzz.ratio, limit=limit * 4):
                name = self.variants[variant]
                if score >= MINIMUM and score > best.get(name, 0):
                    best[name] = float(score)
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]
