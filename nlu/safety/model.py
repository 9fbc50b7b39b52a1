"""The danger model: a multinomial logistic regression over stems, its features and its
readings. Training, tuning and the saved artifact are in nlu/safety/training.py."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlu.linear import LinearModel
from nlu.linear import fit as fit_linear
from nlu.safety import cues as cue_lib
from nlu.safety import features
from nlu.safety.labels import DANGER

C = 8.0  # chosen by cross-validation on the safety data (docs/safety.md)
WEIGHT_POWER = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Above `danger` an urgent case is made; between `unsure` and `danger` the bot asks, except
    that a reading of self-harm is urgent from `harm` up (None: from `danger`)."""

    danger: float
    unsure: float
    distress: float
    harm: float | None = None
    bare: float | None = None  # urgent without any danger word only from here (None: `danger`)

    def as_dict(self) -> dict[str, float | None]:
        """Plain data for the artifact."""
        return {"danger": self.danger, "unsure": self.unsure, "distress": self.distress,
                "harm": self.harm, "bare": self.bare}


def featurise(text: str, cues: cue_lib.CueIndex) -> list[str]:
    """The whole message's features, with its cue hits as features of their own."""
    toks = features.tokens(text)
    return features.extract(toks, cue_features(cue_lib.find(cues, toks)))


def cue_features(hits: list[cue_lib.Hit]) -> list[str]:
    out = []
    for hit in hits:
        tag = "neg" if hit.negated else ("strong" if hit.cue.strong else "weak")
        # A "well now" sign is a calm one to the model; only `over` tells them apart.
        category = (cue_lib.CALM if hit.cue.category in (cue_lib.RESOLVED, cue_lib.JOY)
                    else hit.cue.category)
        out.append(f"s:{category}:{tag}")
        if hit.cue.category not in cue_lib.SIGNS:
            out.append(f"s:any:{tag}")
    return out


def fit(texts: list[str], labels: list[str], cues: cue_lib.CueIndex) -> LinearModel:
    docs = [featurise(t, cues) for t in texts]
    # A few dozen examples of a danger against thousands of ordinary ones must not teach the
    # model that danger is too rare to matter; fully balanced weights overshoot ("2024 marche"
    # becomes violence), so each class is weighted by a root of its rarity.
    counts = {label: labels.count(label) for label in set(labels)}
    most = max(counts.values())
    weights = {label: (most / n) ** WEIGHT_POWER for label, n in counts.items()}
    return fit_linear(docs, labels, kind="logreg", c=C, class_weight=weights, exact=True)


def probabilities(model: LinearModel, grams: list[str]) -> dict[str, float]:
    """Class probabilities of one feature list (all zero but benign when nothing is known)."""
    scores = model.scores(grams)
    if scores is None:
        return {label: float(label == "benign") for label in model.classes}
    exp = np.exp(scores - scores.max())
    probs = exp / exp.sum()
    return {c: float(p) for c, p in zip(model.classes, probs, strict=True)}


def danger_of(probs: dict[str, float]) -> float:
    return sum(probs.get(c, 0.0) for c in DANGER)
