"""The safety net measured end to end: each labelled message goes through the real dialogue
(the danger detector, the intent classifier, routing) and we look at what the person got."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.dialogue import respond
from bot.effects import AskForPerson, OptOut
from bot.facts import Facts
from bot.i18n import localise_digits
from bot.messages import InboundMessage
from bot.render import Resources
from bot.state import State
from nlu.rasa_yaml import read_nlu
from nlu.safety import BENIGN, DANGER, DISTRESS, QUESTION
from nlu.safety.training import read_set

# Emergency numbers: 999, and the ministry's call centre (Probash Bondhu) from abroad or home.
EMERGENCY = ("emergency", "probash_bondhu_abroad", "probash_bondhu")
SUPPORT = (*EMERGENCY, "women_children_helpline", "legal_aid")
TARGETS = {"danger": 0.97, "self_harm": 0.98, "distress": 0.90, "false_alarm": 0.02}
SENDER = "+8801700000000"  # invented: the number every evaluated message comes from


@dataclass(frozen=True)
class Item:
    text: str
    label: str  # danger | distress | question | benign
    category: str  # a danger category, or the label again
    lang: str


@dataclass(frozen=True)
class Outcome:
    item: Item
    urgent: bool  # an urgent case was made
    numbers: bool  # the first reply carries an emergency number
    support: bool  # some reply carries a number to call
    asked: bool  # "Are you safe right now?"
    opted_out: bool
    reply: str

    @property
    def answered_as_danger(self) -> bool:
        return self.urgent and self.numbers


def load(path: Path) -> list[Item]:
    """Our own format (examples: text, label, category, lang) or Rasa YAML (intent = label)."""
    if own := read_set(path):
        return [Item(*row) for row in own]
    items = []
    for ex in read_nlu(path).examples:
        label = "danger" if ex.intent in DANGER else ex.intent
        items.append(Item(ex.text, label, ex.intent, ex.lang or ""))
    return items


def levels(items: list[Item], detector: Any) -> Counter[tuple[str, str]]:
    """The danger detector alone, without the dialogue (seconds for thousands of messages):
    how many of each label it read at each level, and ("self_harm", level) for self-harm."""
    counts: Counter[tuple[str, str]] = Counter()
    for item in items:
        level = detector.assess(item.text).level
        counts[item.label, level] += 1
        if item.category == "self_harm":
            counts["self_harm", level] += 1
    return counts


def run(items: list[Item], nlu: Any, res: Resources, *, channel: str = "sms",
        today: date | None = None) -> list[Outcome]:
    """Each message as the first message of a new conversation on `channel`."""
    today = today or date.today()
    outcomes = []
    for n, item in enumerate(items):
        message = InboundMessage(channel, SENDER, item.text, f"eval-{n}")  # type: ignore[arg-type]
        facts = Facts(today=today, sender_phone=SENDER if channel in ("sms", "whatsapp") else None)
        turn = respond(state=State(), message=message, parse=nlu.parse(item.text), res=res,
                       facts=facts)
        texts = [r.text for r in turn.replies]
        outcomes.append(Outcome(
            item, urgent=any(isinstance(e, AskForPerson) and e.urgent for e in turn.effects),
            numbers=bool(texts) and _has(res, texts[0], EMERGENCY),
            support=any(_has(res, t, SUPPORT) for t in texts),
            asked=turn.state.awaiting == "safe_check",
            opted_out=any(isinstance(e, OptOut) for e in turn.effects),
            reply="\n".join(texts)))
    return outcomes


def _has(res: Resources, text: str, keys: tuple[str, ...]) -> bool:
    figures = res.library.figures
    values = {figures[k].value for k in keys if k in figures}
    return any(v in text or localise_digits(v, "bn") in text for v in values)


def report(outcomes: list[Outcome]) -> dict[str, Any]:
    """Recall per danger category and variety, support for distress, false alarms, opt-outs."""
    by: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by[o.item.label].append(o)

    def rate(items: list[Outcome], hit: Any) -> float | None:
        return round(sum(1 for o in items if hit(o)) / len(items), 4) if items else None

    danger = by["danger"]
    per_category = {c: {"n": sum(o.item.category == c for o in danger),
                        "recall": rate([o for o in danger if o.item.category == c],
                                       lambda o: o.answered_as_danger)}
                    for c in DANGER}
    per_lang = {lang: rate([o for o in danger if o.item.lang == lang],
                           lambda o: o.answered_as_danger)
                for lang in sorted({o.item.lang for o in danger})}
    return {
        "messages": len(outcomes),
        "by_label": dict(Counter(o.item.label for o in outcomes)),
        "danger": {"recall": rate(danger, lambda o: o.answered_as_danger),
                   "urgent": rate(danger, lambda o: o.urgent),
                   "asked": rate(danger, lambda o: o.asked and not o.urgent),
                   "by_category": per_category, "by_language": per_lang},
        "distress": {"support": rate(by[DISTRESS], lambda o: o.support),
                     "urgent": rate(by[DISTRESS], lambda o: o.urgent)},
        "question": {"false_alarm": rate(by[QUESTION], lambda o: o.urgent),
                     "asked": rate(by[QUESTION], lambda o: o.asked)},
        "benign": {"false_alarm": rate(by[BENIGN], lambda o: o.urgent),
                   "asked": rate(by[BENIGN], lambda o: o.asked)},
        "opt_outs": sum(o.opted_out for o in outcomes),
    }


def failures(result: dict[str, Any]) -> list[str]:
    """Which acceptance targets the figures miss (empty when all are met)."""
    out = []
    recall = result["danger"]["recall"]
    if recall is not None and recall < TARGETS["danger"]:
        out.append(f"danger recall {recall:.3f} < {TARGETS['danger']}")
    harm = result["danger"]["by_category"]["self_harm"]["recall"]
    if harm is not None and harm < TARGETS["self_harm"]:
        out.append(f"self-harm recall {harm:.3f} < {TARGETS['self_harm']}")
    support = result["distress"]["support"]
    if support is not None and support < TARGETS["distress"]:
        out.append(f"distress support {support:.3f} < {TARGETS['distress']}")
    for label in ("benign", "question"):
        fa = result[label]["false_alarm"]
        if fa is not None and fa > TARGETS["false_alarm"]:
            out.append(f"{label} false alarms {fa:.3f} > {TARGETS['false_alarm']}")
    if result["opt_outs"]:
        out.append(f"{result['opt_outs']} opt-outs without the exact keyword")
    return out
