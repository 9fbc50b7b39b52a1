"""District and country mentions in any script, inflected or misspelt, as canonical names."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from nlu.normalise import TOKEN_RE, Normalised, normalise
from nlu.places_data import AMBIGUOUS, COUNTRIES, DISTRICTS
from nlu.translit import is_bengali


def _norm_key(text: str) -> str:
    return " ".join(TOKEN_RE.findall(normalise(text).text))


# Case endings people attach to a place name, longest first: "খুলনায়", "সিলেটে", "ঢাকার",
# "চট্টগ্রামের", "সৌদিতে"; "sylhete", "comillar", "dhakay", "dubaite", "saudir".
_BN_SUFFIXES = tuple(
    unicodedata.normalize("NFC", s)
    for s in ("য়ের", "য়ে", "য়", "তেই", "তে", "ের", "েরে", "েই", "কে", "ে", "র", "ও")
)
_LATIN_SUFFIXES = ("theke", "tei", "te", "er", "ar", "ey", "ay", "e", "r", "y", "i", "o")
# Words that make an ambiguous name ("Pabna", "Bhola") a place: "pabna jela", "bari bhola".
_PLACE_TEXT = (
    "district zila zilla jela jila theke te e er r home bari barir basa basha office center "
    "centre in from at to near city town sodor sadar জেলা থেকে বাড়ি বাসা অফিস সেন্টার শহর সদর"
)
_PLACE_WORDS = frozenset(_norm_key(w) for w in _PLACE_TEXT.split())
_AMBIGUOUS = frozenset(_norm_key(w) for w in AMBIGUOUS)
# Shorter words and names are too often one slip from each other ("koren" is "do", not Korea;
# "জানান" is "tell", not Japan): below this length only listed spellings match.
_MIN_FUZZY_LATIN = 6
_MIN_FUZZY_BENGALI = 6
# Everyday words one slip away from a place name.
NOT_PLACES = frozenset(_norm_key(w) for w in (
    "hungry", "portal", "woman", "women", "chinta", "roman", "nation", "korean", "indian",
    "riyal", "riyals", "রিয়াল", "rashid", "dinar", "dirham", "nature", "indicate", "italic",
    "french",
))


def _max_edits(length: int) -> int:
    # One slip in a short name, two in a long one: "kumillah", "noakhli", "chittagon".
    return 1 if length < 9 else 2


_ONSETS = {"k": "k", "c": "k", "q": "k", "b": "b", "v": "b", "j": "j", "z": "j", "s": "s"}


def _onset(word: str) -> str:
    return _ONSETS.get(word[0], word[0]) if word else ""


class Gazetteer:
    """Normalised name -> (entity, canonical value), plus what fuzzy matching may look at."""

    def __init__(self, names: dict[str, tuple[str, str]] | None = None,
                 common_words: Iterable[str] = ()) -> None:
        self.names: dict[str, tuple[str, str]] = {}
        self.common_words = frozenset(common_words)
        self.max_tokens = 1
        for key, (entity, canonical) in (names or {}).items():
            self.add(key, entity, canonical)

    @classmethod
    def build(cls, *, synonyms: dict[str, tuple[str, str]] | None = None,
              common_words: Iterable[str] = ()) -> Gazetteer:
        """Built-in names plus `synonyms` (surface -> (entity, canonical)) from the data."""
        gaz = cls(common_words=common_words)
        for entity, table in (("district", DISTRICTS), ("country", COUNTRIES)):
            for canonical, variants in table.items():
                for surface in (canonical, *variants):
                    gaz.add(surface, entity, canonical)
        for surface, (entity, canonical) in (synonyms or {}).items():
            gaz.add(surface, entity, canonical)
        return gaz

    def add(self, surface: str, entity: str, canonical: str) -> None:
        """Register one way of writing a place."""
        key = _norm_key(surface)
        if key:
            self.names[key] = (entity, canonical)
            self.max_tokens = max(self.max_tokens, key.count(" ") + 1)
            self._index: tuple[list[str], list[str]] | None = None
            self._fuzzy_cache: dict[str, tuple[str, float] | None] = {}

    def to_dict(self) -> dict:
        """Plain data for the artifact."""
        return {"names": self.names, "common_words": sorted(self.common_words)}

    @classmethod
    def from_dict(cls, d: dict) -> Gazetteer:
        """Rebuild from `to_dict` output."""
        return cls(d["names"], d["common_words"])

    def find(self, norm: Normalised) -> list[dict]:
        """All place mentions in the text, as Rasa entity dicts with original offsets."""
        tokens = norm.tokens()
        found: list[dict] = []
        i = 0
        while i < len(tokens):
            hit = self._match_at(tokens, i, norm)
            if hit is None:
                i += 1
                continue
            n, entity, value, score, how = hit
            start, end = norm.original_span(tokens[i][1], tokens[i + n - 1][2])
            found.append({"entity": entity, "value": value, "start": start, "end": end,
                          "confidence": round(score, 3), "extractor": f"gazetteer.{how}"})
            i += n
        return found

    def _match_at(self, tokens: list[tuple[str, int, int]], i: int,
                  norm: Normalised) -> tuple[int, str, str, float, str] | None:
        for n in range(min(self.max_tokens, len(tokens) - i), 0, -1):
            words = [t[0] for t in tokens[i : i + n]]
            key = " ".join(words)
            if key in self.names:
                if key in _AMBIGUOUS and not _looks_like_place(tokens, i, n, norm):
                    continue
                return (n, *self.names[key], 1.0, "exact")
            if words[-1] in NOT_PLACES:
                continue
            head = " ".join(words[:-1])
            for stem in _stems(words[-1]):
                stemmed = f"{head} {stem}" if head else stem
                if stemmed in self.names:
                    return (n, *self.names[stemmed], 1.0, "inflected")
        word = tokens[i][0]
        if word in self.common_words or word.isdigit():
            return None
        if word not in self._fuzzy_cache:
            if len(self._fuzzy_cache) > 8192:
                self._fuzzy_cache.clear()
            self._fuzzy_cache[word] = self._fuzzy(word)
        hit = self._fuzzy_cache[word]
        if hit is None or (hit[0] in _AMBIGUOUS and not _looks_like_place(tokens, i, 1, norm)):
            return None
        return (1, *self.names[hit[0]], hit[1] / 100.0, "fuzzy")

    def _fuzzy(self, word: str) -> tuple[str, float] | None:
        if self._index is None:
            single = [k for k in self.names if " " not in k]
            latin = [k for k in single if not is_bengali(k) and len(k) >= _MIN_FUZZY_LATIN]
            bengali = [k for k in single if is_bengali(k) and len(k) >= _MIN_FUZZY_BENGALI]
            self._index = (latin, bengali)
        latin, bengali = self._index
        is_bn = is_bengali(word)
        shortest = _MIN_FUZZY_BENGALI if is_bn else _MIN_FUZZY_LATIN
        best: tuple[str, float] | None = None
        for candidate in (word, *_stems(word)):
            # An inflected everyday word ("chintay" from "chinta", worry) is no place either.
            if (len(candidate) < shortest or candidate in self.common_words
                    or candidate in NOT_PLACES):
                continue
            hits = process.extract(candidate, bengali if is_bn else latin,
                                   scorer=Levenshtein.distance, limit=5,
                                   score_cutoff=_max_edits(len(candidate)))
            for key, dist, _ in hits:
                # Misspellings keep the first sound: "noakhli", "chittagon"; "woman" is not
                # "oman" and "barate" is not "bharat".
                if _onset(key) != _onset(candidate):
                    continue
                score = 1.0 - dist / max(len(key), len(candidate))
                if best is None or score > best[1]:
                    best = (key, score * 100)
        return best


def _stems(word: str) -> list[str]:
    suffixes = _BN_SUFFIXES if is_bengali(word) else _LATIN_SUFFIXES
    return [word[: -len(s)] for s in suffixes if word.endswith(s) and len(word) - len(s) >= 3]


def _looks_like_place(tokens: list[tuple[str, int, int]], i: int, n: int,
                      norm: Normalised) -> bool:
    start, _ = norm.original_span(tokens[i][1], tokens[i][2])
    if norm.original[start : start + 1].isupper():
        return True
    near = [t[0] for t in tokens[max(0, i - 2) : i]] + [t[0] for t in tokens[i + n : i + n + 2]]
    return any(w in _PLACE_WORDS for w in near)
