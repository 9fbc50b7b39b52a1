"""Sums of money in taka: "5 lakh", "৫০ হাজার", "80k tk", "Tk 1,65,000", "সাড়ে ছয় লাখ"."""

from __future__ import annotations

import re
import unicodedata

from nlu.normalise import Normalised


def _nfc(words: str) -> list[str]:
    return [unicodedata.normalize("NFC", w) for w in words.split()]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER_WORDS: dict[str, float] = {}
for _number, _spellings in {
    1: "এক ek one", 2: "দুই দু dui du two", 3: "তিন tin three", 4: "চার char four",
    5: "পাঁচ panch pach pas five", 6: "ছয় ছয় choy chhoy soy six", 7: "সাত sat seven",
    8: "আট at aat eight", 9: "নয় noy nine", 10: "দশ dosh das ten", 12: "বারো baro twelve",
    15: "পনেরো ponero fifteen", 20: "বিশ bish twenty", 25: "পঁচিশ pochish", 30: "ত্রিশ trish thirty",
    40: "চল্লিশ chollish forty", 50: "পঞ্চাশ ponchash fifty", 1.5: "দেড় der dedh",
    2.5: "আড়াই arai arhai",
}.items():
    for _w in _nfc(_spellings):
        _NUMBER_WORDS[_w] = float(_number)

_MULTIPLIERS: dict[str, float] = {}
for _number, _spellings in {
    100_000: "লাখ লক্ষ লাক lakh lakhs lac lacs lak laakh", 1_000: "হাজার hajar hazar hajaar "
    "hazaar thousand k", 10_000_000: "কোটি crore crores koti cr", 1_000_000: "million",
}.items():
    for _w in _nfc(_spellings):
        _MULTIPLIERS[_w] = float(_number)

_CURRENCY = _alternation(_nfc("টাকা tk taka takka bdt ৳ tk. টাকার টাকায় takar tkr"))
_HALF = _alternation(_nfc("সাড়ে sare share sarhe saare"))
_NUM = r"(?:\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?"
_WORD = _alternation(list(_NUMBER_WORDS))
_MULT = _alternation(list(_MULTIPLIERS))
_WORD_MULT = _alternation([w for w in _MULTIPLIERS if w != "k"])
# An inflected multiplier still counts: "লাখের", "hajarer", "lakher".
_INFLECTION = "|".join(_nfc("ের er e r"))
_EDGE_L = r"(?<![\w\u0980-\u09ff.,])"
_EDGE_R = r"(?![\w\u0980-\u09ff])"


def _qty(i: int, *, mult_optional: bool) -> str:
    # "k" only sticks to digits ("80k"): after a word it makes nonsense of "onek" (one + k)
    # and "atke" (at + k + e).
    optional = "?" if mult_optional else ""
    mult = rf"(?:(?P<mult{i}>{_MULT})(?:{_INFLECTION})?{_EDGE_R})"
    word_mult = rf"(?:(?P<wmult{i}>{_WORD_MULT})(?:{_INFLECTION})?{_EDGE_R})"
    return (rf"(?:(?P<half{i}>{_HALF})\s*)?(?:(?P<num{i}>{_NUM})\s*{mult}{optional}"
            rf"|(?P<word{i}>{_WORD})\s+{word_mult})")


# "Tk 1,65,000", "5 lakh taka", "১ লাখ ৬৫ হাজার টাকা": the second quantity needs its own
# multiplier, so "5 lakh 20 jon" stops after "lakh".
_AMOUNT = re.compile(
    rf"{_EDGE_L}(?:(?P<cur1>{_CURRENCY})\s*)?{_qty(1, mult_optional=True)}"
    rf"(?:\s*{_qty(2, mult_optional=False)})?(?:\s*(?P<cur2>{_CURRENCY}){_EDGE_R})?"
)
_BARE = re.compile(rf"{_EDGE_L}{_NUM}{_EDGE_R}")
_YEAR = re.compile(r"(19|20)\d\d")
MIN_AMOUNT = 10  # "tk 4 kuwait" is "tk for Kuwait"; nothing in this domain costs under 10 taka


def _value(m: re.Match[str], i: int) -> float | None:
    if m.group(f"num{i}") is not None:
        base = float(m.group(f"num{i}").replace(",", ""))
    elif m.group(f"word{i}") is not None:
        base = _NUMBER_WORDS[m.group(f"word{i}")]
    else:
        return None
    if m.group(f"half{i}"):
        base += 0.5
    mult = m.group(f"mult{i}") or m.group(f"wmult{i}")
    return base * _MULTIPLIERS[mult] if mult else base


def find_amounts(norm: Normalised) -> list[dict]:
    """Amounts of taka with their original spans; a bare number needs "tk" or "lakh" nearby."""
    found: list[dict] = []
    for m in _AMOUNT.finditer(norm.text):
        has_currency = bool(m.group("cur1") or m.group("cur2"))
        if not (has_currency or m.group("mult1") or m.group("wmult1")):
            continue
        first = _value(m, 1)
        if first is None:
            continue
        total = first + (_value(m, 2) or 0.0)
        if total < MIN_AMOUNT:
            continue
        found.append(_entity(norm, m.start(), _trim(norm.text, m.start(), m.end()), total,
                             1.0 if has_currency else 0.9))
    if found:
        found.extend(_bare_numbers(norm, found))
    return sorted(found, key=lambda e: e["start"])


def _bare_numbers(norm: Normalised, found: list[dict]) -> list[dict]:
    # "৫০,০০০ এর জায়গায় ৫১,২৫০ টাকা পেয়েছে": once a message talks money, its other large
    # numbers are sums too. Years and short numbers ("3 bar") are not.
    taken = [(e["start"], e["end"]) for e in found]
    extra = []
    for m in _BARE.finditer(norm.text):
        digits = m.group().replace(",", "")
        if len(digits.split(".")[0]) < 4 or (_YEAR.fullmatch(digits) and "," not in m.group()):
            continue
        start, end = norm.original_span(m.start(), m.end())
        if any(start < e and s < end for s, e in taken):
            continue
        extra.append(_entity(norm, m.start(), m.end(), float(digits), 0.8))
    return extra


def _entity(norm: Normalised, start: int, end: int, total: float, confidence: float) -> dict:
    s, e = norm.original_span(start, end)
    value: int | float = int(total) if total.is_integer() else total
    return {"entity": "amount", "value": value, "start": s, "end": e, "confidence": confidence,
            "extractor": "amount"}


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end
