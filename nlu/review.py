"""The learning loop: messages the model did not understand, masked, as Rasa YAML to label.

Nothing personal may reach training data, so masking keeps only what the model already knows:
a word stays when the training data has it (or a spelling of it with the same phonetic key) or
when at least `COMMON` different people used it (k-anonymity: "hajj" asked by many is a topic,
a name typed by one is a person), a place stays (districts and countries are what the bot
needs); phone numbers, amounts, every
other number, links and e-mail addresses, words after "my name is" and any word the model has
never seen (a name, mostly) become placeholders. A misspelling the phonetic key does not bridge
is lost too: the price of never leaking a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from nlu.features import phonetic_key
from nlu.normalise import TOKEN_RE, normalise
from nlu.taxonomy import FALLBACK, OUT_OF_SCOPE

# Words that introduce a person's name; the next words up to punctuation are masked even when
# the model knows them ("Karim", "Islam", "Sonia" may be ordinary words elsewhere).
_NAME_CUES = re.compile(
    r"(?:\b(?:my|his|her|their)\s+name\s+(?:is|was)|\bname\s*[:=]"
    r"|\b(?:amar|tar|or|er|amr|onar)\s+nam(?:e)?(?:\s+holo|\s+hocche|\s+hoilo)?"
    r"|\bnam\s*[:=]|(?:আমার|তার|ওর|ওনার|উনার)\s+নাম(?:\s+হলো|\s+হচ্ছে)?|নাম\s*[:ঃ=])"
    r"\s*", re.IGNORECASE)
_NAME_WORDS = 3  # at most this many words after a cue
_STOP_AT = re.compile(r"[,.;!?।\n]")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Words that end a name: "amar nam karim saudi theke bolchi".
_FRAME = {"theke", "from", "থেকে", "bolchi", "বলছি", "ekjon", "একজন"}

COMMON = 3  # different senders who used a word before it counts as a word, not a person's
# Defaults of `prottasha nlu review` and the dashboard's download.
BELOW, DAYS, LIMIT = 0.8, 90, 200  # confidence under which to ask, days to look back, items
SAME = 90  # rapidfuzz token-set ratio from which two masked messages count as one


@dataclass(frozen=True)
class Stored:
    """One message as the inbox keeps it (decrypted by the caller)."""

    text: str
    intent: str | None
    confidence: float | None
    sender: str = ""  # the contact's pseudonymous hash: only counted, never written

    @classmethod
    def of(cls, row: Any) -> Stored:
        """From an inbox row (referral.models.InboxMessage, text already decrypted)."""
        return cls(row.text, row.intent, row.confidence, row.user_hash)


@dataclass
class Item:
    """One line to label: a masked message, how often it (or a near copy) came, the guess."""

    text: str
    lang: str
    guess: str
    confidence: float
    count: int = 1
    variants: list[str] = field(default_factory=list)
    key: str = ""  # the normalised text, compared with later messages

    @property
    def usefulness(self) -> float:
        # Frequent and unsure first: one label there teaches the most.
        return self.count * (1.0 - self.confidence)


def mask(text: str, nlu: Any, common: frozenset[str] = frozenset()) -> str:
    """`text` with everything that could identify a person replaced by a placeholder; words in
    `common` (used by many different people) stay even when the model does not know them."""
    parse = nlu.parse(text)
    spans = [(m.start(), m.end(), "<link>") for m in _LINK.finditer(text)]
    keep: list[tuple[int, int]] = []
    for ent in parse["entities"]:
        if ent["entity"] in ("phone", "amount"):
            spans.append((ent["start"], ent["end"], f"<{ent['entity']}>"))
        else:
            keep.append((ent["start"], ent["end"]))
    named = _name_spans(text)
    vocab = nlu.intents.vocab
    for m in TOKEN_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(s < b and e > a for a, b, _ in spans):
            continue  # inside a phone, an amount or a link
        word = normalise(m.group()).text
        if any(s >= a and e <= b for a, b in named):
            spans.append((s, e, "<name>"))
        elif _DIGIT.search(word):
            spans.append((s, e, "<number>"))
        elif any(s >= a and e <= b for a, b in keep):
            continue
        elif (f"w:{word}" not in vocab and f"k:{phonetic_key(word)}" not in vocab
              and word not in common):
            spans.append((s, e, "<word>"))
    out, last = [], 0
    for s, e, what in sorted(spans):
        if s < last:
            continue
        out.append(text[last:s])
        out.append(what)
        last = e
    out.append(text[last:])
    return re.sub(r"(<\w+>)(?:\s*\1)+", r"\1", "".join(out)).strip()


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for cue in _NAME_CUES.finditer(text):
        stop = _STOP_AT.search(text, cue.end())
        end = stop.start() if stop else len(text)
        words = [m for m in TOKEN_RE.finditer(text, cue.end(), end)][:_NAME_WORDS]
        for m in words:
            if m.group().lower() in _FRAME:
                break
            spans.append((m.start(), m.end()))
    return spans


def collect(messages: Iterable[Stored], nlu: Any, *, below: float = BELOW,
            known: Iterable[str] = (), limit: int = LIMIT,
            progress: Callable[[int, int], None] | None = None) -> list[Item]:
    """The messages worth labelling, masked, near copies merged, most useful first.

    A message qualifies when the model, as it is now, still falls back, calls it out of scope
    or is less sure than `below`; what it has since learnt is not asked again. `progress` is
    told (done, total) as messages are masked.
    """
    messages = [m for m in messages if m.text.strip()]
    seen = {normalise(t).text for t in known}
    common = common_words(messages)
    items: list[Item] = []
    keys: list[str] = []
    for done, message in enumerate(messages, 1):
        if progress:
            progress(done, len(messages))
        masked = mask(message.text, nlu, common)
        parse = nlu.parse(masked)
        ranking = parse["intent_ranking"]
        top = ranking[0]
        if top["name"] not in (FALLBACK, OUT_OF_SCOPE) and top["confidence"] >= below:
            continue
        key = normalise(masked).text
        if key in seen or not TOKEN_RE.search(key.replace("<word>", "")):
            continue
        same = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=SAME)
        if same is not None:
            item = items[same[2]]
            item.count += 1
            if masked != item.text and len(item.variants) < 3:
                item.variants.append(masked)
            continue
        guess = next((r for r in ranking if r["name"] != FALLBACK), top)
        confidence = float(guess["confidence"]) if top["name"] != FALLBACK else 0.0
        items.append(Item(masked, parse["language"], guess["name"], confidence, key=key))
        keys.append(key)
    items.sort(key=lambda i: -i.usefulness)
    return items[:limit]


def common_words(messages: Iterable[Stored], k: int = COMMON) -> frozenset[str]:
    """Words that at least `k` different senders used."""
    senders: dict[str, set[str]] = {}
    for message in messages:
        for word in set(TOKEN_RE.findall(normalise(message.text).text)):
            senders.setdefault(word, set()).add(message.sender)
    return frozenset(w for w, who in senders.items() if len(who) >= k and not _DIGIT.search(w))


class _Dumper(yaml.SafeDumper):
    """Examples as a literal block, the way Rasa files are written by hand."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(items: list[Item]) -> str:
    """Rasa NLU YAML, one block per message, each marked unreviewed so training skips it."""
    head = (
        "# Messages the bot did not understand or was unsure of, most useful first.\n"
        "# Masked: <phone> <amount> <number> <link> <name> <word> stand for what was removed.\n"
        "# For each block: set the right intent (the model's guess is filled in), delete the\n"
        "# block if it is no intent's example, then set `reviewed: true` and move it to\n"
        "# nlu/data/intents/. Training skips every block still marked `reviewed: false`.\n")
    blocks = []
    for item in items:
        blocks.append({
            "intent": item.guess,
            "metadata": {"lang": item.lang, "reviewed": False, "seen": item.count,
                         "confidence": round(item.confidence, 2)},
            "examples": "".join(f"- {t}\n" for t in [item.text, *item.variants]),
        })
    body = yaml.dump({"version": "3.1", "nlu": blocks}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=1000)
    return head + body
