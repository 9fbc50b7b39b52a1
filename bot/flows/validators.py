"""One small validator per kind of answer. Each returns the value to store or raises
`Invalid` naming the re-ask to show; a district may instead come back as candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers
from rapidfuzz import fuzz

from bot.flows.dates import FutureDate, parse_month
from bot.flows.places import CLOSE, SURE, PlaceIndex
from bot.flows.questionnaire import Questionnaire, Step
from bot.i18n import ascii_digits
from bot.keywords import YES_WORDS


class Invalid(ValueError):
    """The answer does not fit; `reask` names the text in screening.yml's `reask`."""

    def __init__(self, reask: str, **values: Any) -> None:
        super().__init__(reask)
        self.reask = reask
        self.values = values


@dataclass(frozen=True)
class Candidates:
    """Unsure: ask the person to pick (one candidate: "Did you mean X?")."""

    names: tuple[str, ...]
    values: dict[str, Any] = field(default_factory=dict)


def _clean(text: str) -> str:
    return " ".join(ascii_digits(text).lower().strip(" .!?।,").split())


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", ascii_digits(text))]


def _by_words(text: str, options: dict[str, list[str]], threshold: int = 88) -> str | None:
    """An option whose words appear in, or closely match, the text."""
    t = _clean(text)
    for option, words in options.items():
        if t in words:
            return option
    for option, words in options.items():
        for w in words:
            if len(w) >= 4 and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", t):
                return option
    scored = [(fuzz.ratio(t, w), o) for o, ws in options.items() for w in ws if len(w) >= 4]
    best = max(scored, default=(0.0, None))
    return best[1] if best[0] >= threshold else None


def validate_choice(text: str, step: Step, q: Questionnaire) -> str:
    options = list(step.options) if step.kind != "yes_no" else ["yes", "no"]
    t = _clean(text)
    if t.isdigit():
        n = int(t)
        if 1 <= n <= len(options):
            return options[n - 1]
        raise Invalid("yes_no" if step.kind == "yes_no" else "choice")
    words = {o: list(q.all_titles(step).get(o, [])) + list(q.words.get(o, ())) for o in options}
    found = _by_words(t, words)
    if found is None:
        raise Invalid("yes_no" if step.kind == "yes_no" else "choice")
    return found


def validate_yes_no(text: str, step: Step, q: Questionnaire, parse: dict[str, Any]) -> str:
    try:
        return validate_choice(text, step, q)
    except Invalid:
        intent = (parse.get("intent") or {}).get("name")
        if intent in ("affirm", "deny") and (parse["intent"].get("confidence") or 0) >= 0.7:
            return "yes" if intent == "affirm" else "no"
        raise


def validate_multi(text: str, step: Step, q: Questionnaire) -> list[str]:
    numbers = _numbers(text)
    if numbers:
        if all(1 <= n <= len(step.options) for n in numbers):
            return list(dict.fromkeys(step.options[n - 1] for n in numbers))
        raise Invalid("multi")
    found = [o for o in step.options
             if _by_words(text, {o: list(q.all_titles(step)[o]) + list(q.words.get(o, ()))})]
    if not found:
        raise Invalid("multi")
    return found


def validate_number(text: str, step: Step) -> int:
    numbers = _numbers(text)
    if len(numbers) != 1 or not step.min <= numbers[0] <= step.max:
        raise Invalid("number", min=step.min, max=step.max)
    return numbers[0]


def validate_month(text: str, today: date) -> str:
    try:
        found = parse_month(text, today)
    except FutureDate:
        raise Invalid("future") from None
    if found is None:
        raise Invalid("month")
    return f"{found[0]:04d}-{found[1]:02d}"


def validate_place(text: str, parse: dict[str, Any], entity: str, index: PlaceIndex) -> str | Candidates:
    tagged = [e["value"] for e in parse.get("entities", []) if e.get("entity") == entity]
    if tagged:
        return str(tagged[0])
    found = index.candidates(text)
    if not found:
        raise Invalid(entity)
    if found[0][1] >= SURE and (len(found) == 1 or found[1][1] < SURE):
        return found[0][0]
    if found[0][1] >= CLOSE:
        close = [name for name, score in found if score >= CLOSE]
        return Candidates(tuple(close[:3]))
    return Candidates(tuple(name for name, _ in found[:3]))


def validate_phone(text: str, sender: str | None, q: Questionnaire) -> str:
    t = _clean(text)
    if sender and (t in q.nav["same_number"] or t in YES_WORDS - {"1", "১"}):
        return sender
    digits = re.sub(r"[^\d+]", "", ascii_digits(text))
    try:
        number = phonenumbers.parse(digits, "BD")
    except phonenumbers.NumberParseException:
        raise Invalid("phone") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_text(text: str, step: Step, q: Questionnaire) -> str | None:
    t = _clean(text)
    if step.optional and (not t or t in q.nav["skip"]):
        return None
    if len(t) < 2 or len(t) > 80:
        raise Invalid("choice")
    return text.strip()
