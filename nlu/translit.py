"""Bengali script to Latin the way people type Banglish, plus a spelling fold for both."""

from __future__ import annotations

import re
from functools import lru_cache

_VOWELS = {
    "অ": "o", "আ": "a", "ই": "i", "ঈ": "i", "উ": "u", "ঊ": "u", "ঋ": "ri",
    "এ": "e", "ঐ": "oi", "ও": "o", "ঔ": "ou",
}  # fmt: skip
_SIGNS = {
    "া": "a", "ি": "i", "ী": "i", "ু": "u", "ূ": "u", "ৃ": "ri",
    "ে": "e", "ৈ": "oi", "ো": "o", "ৌ": "ou",
}  # fmt: skip
# "ভ" is "v" because that is how most people text it ("kivabe", "vai"); the fold below makes
# "bh" and "v" the same anyway.
_CONSONANTS = {
    "ক": "k", "খ": "kh", "গ": "g", "ঘ": "gh", "ঙ": "ng", "চ": "ch", "ছ": "ch", "জ": "j",
    "ঝ": "jh", "ঞ": "n", "ট": "t", "ঠ": "th", "ড": "d", "ঢ": "dh", "ণ": "n", "ত": "t",
    "থ": "th", "দ": "d", "ধ": "dh", "ন": "n", "প": "p", "ফ": "f", "ব": "b", "ভ": "v",
    "ম": "m", "য": "j", "র": "r", "ল": "l", "শ": "sh", "ষ": "sh", "স": "s", "হ": "h",
    "ড়": "r", "ঢ়": "rh", "য়": "y", "ৎ": "t",
}  # fmt: skip
_MODIFIERS = {"ং": "ng", "ঃ": "h", "ঁ": ""}
_NUKTA_FORMS = {"ড়": "ড়", "ঢ়": "ঢ়", "য়": "য়"}
_VIRAMA = "্"


def _letters(word: str) -> list[str]:
    # NFC keeps "য়" as "য" + nukta (it is a composition exclusion); join them back here.
    out: list[str] = []
    for ch in word:
        if ch == "়" and out and out[-1] + ch in _NUKTA_FORMS:
            out[-1] = _NUKTA_FORMS[out[-1] + ch]
        else:
            out.append(ch)
    return out


@lru_cache(maxsize=65536)
def romanise_word(word: str) -> str:
    """Romanise one Bengali word: "কিভাবে" -> "kivabe", "লাগবে" -> "lagbe", "টাকা" -> "taka"."""
    letters = _letters(word)
    out: list[str] = []
    n = len(letters)
    after_vowel = False  # was the last sound a vowel (written or inherent)?
    for i, ch in enumerate(letters):
        if ch in _CONSONANTS:
            # After a virama, য is the ya-phala, typed as a doubled consonant ("ধন্যবাদ" ->
            # "dhonnobad"); ক্ষ is typed "kkh" ("লক্ষ" -> "lokkho").
            if ch == "য" and i > 1 and letters[i - 1] == _VIRAMA:
                out.append(_CONSONANTS.get(letters[i - 2], ""))
            elif ch == "ষ" and i > 1 and letters[i - 2] == "ক" and letters[i - 1] == _VIRAMA:
                out.append("kh")
            else:
                out.append(_CONSONANTS[ch])
            nxt = letters[i + 1] if i + 1 < n else ""
            if nxt in _SIGNS or nxt == _VIRAMA:
                after_vowel = False
                continue
            # The inherent vowel is said at the start ("কর" -> "kor"), dropped at the end, and
            # dropped between a vowel and a consonant that has its own vowel, as in speech
            # ("করবো" -> "korbo", "লাগবে" -> "lagbe", but "কলম" -> "kolom").
            nxt2 = letters[i + 2] if i + 2 < n else ""
            if not nxt or (after_vowel and nxt in _CONSONANTS and nxt2 in _SIGNS):
                after_vowel = False
                continue
            out.append("o")
            after_vowel = True
        elif ch in _SIGNS or ch in _VOWELS:
            out.append(_SIGNS.get(ch) or _VOWELS[ch])
            after_vowel = True
        elif ch in _MODIFIERS:
            out.append(_MODIFIERS[ch])
            after_vowel = False
        elif ch not in (_VIRAMA, "়"):
            out.append(ch)
    return "".join(out)


_FOLDS = [
    (re.compile(r"bh"), "v"), (re.compile(r"ph"), "f"), (re.compile(r"[sc]h"), "s"),
    (re.compile(r"([kgjtdr])h"), r"\1"), (re.compile(r"z"), "j"), (re.compile(r"q"), "k"),
    (re.compile(r"w"), "o"), (re.compile(r"y(?=[aeiou])"), ""), (re.compile(r"ee|y"), "i"),
    (re.compile(r"oo"), "u"), (re.compile(r"au|ou|ow"), "o"), (re.compile(r"(.)\1+"), r"\1"),
]  # fmt: skip


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A phonetic key for Latin words so spelling variants meet: "kibhabe"/"kivabe" -> "kivabe"."""
    for pattern, repl in _FOLDS:
        word = pattern.sub(repl, word)
    return word


def is_bengali(word: str) -> bool:
    """True when the word starts with a Bengali-block character."""
    return bool(word) and "\u0980" <= word[0] <= "\u09ff"
