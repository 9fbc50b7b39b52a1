"""Scores for a set of predictions: accuracy, macro-F1, per variety, per intent, entities."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from nlu.rasa_yaml import Example
from nlu.taxonomy import FALLBACK, LANGUAGES, OUT_OF_SCOPE

ENTITY_KINDS = ("district", "country", "amount", "phone")


def effective(gold: str, predicted: str) -> str:
    """The taxonomy accepts a fallback for an out-of-scope message; anything else is scored."""
    return OUT_OF_SCOPE if gold == OUT_OF_SCOPE and predicted == FALLBACK else predicted


def intent_scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the gold intents, fallback rate, count."""
    from sklearn.metrics import f1_score

    if not gold:
        return {"n": 0}
    pred = [effective(g, p) for g, p in zip(gold, predicted, strict=True)]
    labels = sorted(set(gold))
    return {
        "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro",
                                         zero_division=0)), 4),
        "fallback_rate": round(sum(p == FALLBACK for p in predicted) / len(gold), 4),
        "strict_accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True))
                                 / len(gold), 4),
    }


def per_intent(gold: list[str], predicted: list[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support for every gold intent."""
    from sklearn.metrics import precision_recall_fscore_support

    pred = [effective(g, p) for g, p in zip(gold, predicted, strict=True)]
    labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    return {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                  "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, lab in enumerate(labels)}


def entity_scores(examples: list[Example], parses: list[dict]) -> dict[str, dict[str, Any]]:
    """Per entity kind: share of gold values found (value accuracy) and of predictions right."""
    gold_n: Counter[str] = Counter()
    found: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    pred_ok: Counter[str] = Counter()
    for ex, parse in zip(examples, parses, strict=True):
        gold = Counter((e.entity, _canon(e.value)) for e in ex.entities)
        pred = Counter((e["entity"], _canon(e["value"])) for e in parse["entities"])
        for (kind, _), n in gold.items():
            gold_n[kind] += n
        for key, n in gold.items():
            found[key[0]] += min(n, pred.get(key, 0))
        for (kind, _), n in pred.items():
            pred_n[kind] += n
        for key, n in pred.items():
            pred_ok[key[0]] += min(n, gold.get(key, 0))
    out = {}
    for kind in ENTITY_KINDS:
        out[kind] = {
            "gold": gold_n[kind],
            "value_accuracy": round(found[kind] / gold_n[kind], 4) if gold_n[kind] else None,
            "predicted": pred_n[kind],
            "precision": round(pred_ok[kind] / pred_n[kind], 4) if pred_n[kind] else None,
        }
    return out


def _canon(value: Any) -> str:
    # Gold amounts are strings of digits ("500000"); predictions are numbers.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def report(examples: list[Example], parses: list[dict]) -> dict[str, Any]:
    """The full report for examples and the parses of their texts, in the same order."""
    gold = [ex.intent for ex in examples]
    predicted = [p["intent"]["name"] for p in parses]
    varieties = [ex.lang if ex.lang in LANGUAGES else p["language"]
                 for ex, p in zip(examples, parses, strict=True)]
    by_variety: dict[str, Any] = {}
    for lang in LANGUAGES:
        idx = [i for i, v in enumerate(varieties) if v == lang]
        by_variety[lang] = intent_scores([gold[i] for i in idx], [predicted[i] for i in idx])
    langid_ok: dict[str, list[bool]] = defaultdict(list)
    for ex, p in zip(examples, parses, strict=True):
        if ex.lang in LANGUAGES:
            langid_ok[ex.lang].append(p["language"] == ex.lang)
    confusions = Counter((g, effective(g, p)) for g, p in zip(gold, predicted, strict=True)
                         if g != effective(g, p))
    oos = [effective(g, p) for g, p in zip(gold, predicted, strict=True) if g == OUT_OF_SCOPE]
    return {
        "examples": len(examples),
        "overall": intent_scores(gold, predicted),
        "by_variety": by_variety,
        "per_intent": per_intent(gold, predicted),
        "entities": entity_scores(examples, parses),
        "out_of_scope": {"n": len(oos),
                         "handled": round(oos.count(OUT_OF_SCOPE) / len(oos), 4) if oos else None},
        "language_id": {lang: round(sum(v) / len(v), 4) for lang, v in langid_ok.items()},
        "top_confusions": [{"gold": g, "predicted": p, "count": n}
                           for (g, p), n in confusions.most_common(20)],
        "errors": [{"text": ex.text, "lang": ex.lang, "gold": ex.intent, "predicted": p}
                   for ex, p in zip(examples, predicted, strict=True)
                   if effective(ex.intent, p) != ex.intent],
    }
