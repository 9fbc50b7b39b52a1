"""Fit the intent model, its calibration and fallback rule, and the language model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from nlu import features, linear
from nlu.calibration import fit_temperature, softmax, tune_fallback
from nlu.langid import script_counts
from nlu.linear import LinearModel
from nlu.normalise import normalise

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ModelConfig:
    """The knobs of the intent model; defaults are the ones cross-validation chose."""

    kind: str = "svm"
    c: float = 10.0
    char_range: tuple[int, int] | None = None
    key_range: tuple[int, int] = (2, 4)
    min_df: int = 1
    # (stream prefix, IDF multiplier) pairs; see linear.vectorise.
    stream_weights: tuple[tuple[str, float], ...] = (("x", 2.0),)
    tune_folds: int = 5
    wrong_cost: float = 1.0
    seed: int = 0

    def as_dict(self) -> dict:
        """Plain data for the artifact and reports."""
        return asdict(self)

    def feature_kwargs(self) -> dict:
        """Arguments for `features.extract`."""
        return {"char_range": self.char_range, "key_range": self.key_range}

    def fit_kwargs(self) -> dict:
        """Arguments for `linear.fit`."""
        return {"kind": self.kind, "c": self.c, "min_df": self.min_df,
                "stream_weights": dict(self.stream_weights)}


@dataclass
class IntentModel:
    """A fitted intent model with its calibration and fallback rule."""

    model: LinearModel
    temperature: float
    threshold: float
    margin: float
    oof_accuracy: float


def featurise(texts: list[str], config: ModelConfig) -> list[list[str]]:
    """Feature lists for raw texts."""
    return [features.extract(normalise(t).text, **config.feature_kwargs()) for t in texts]


def oof_scores(docs: list[list[str]], labels: list[str], config: ModelConfig,
               progress: Progress | None = None) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold decision scores (rows aligned with `labels`) and the class order."""
    from sklearn.model_selection import StratifiedKFold

    classes = sorted(set(labels))
    counts = {c: labels.count(c) for c in classes}
    folds = max(2, min(config.tune_folds, min(counts.values())))
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    scores = np.zeros((len(labels), len(classes)), dtype=np.float32)
    for k, (train_idx, test_idx) in enumerate(skf.split(docs, labels)):
        if progress:
            progress("tuning", k, folds)
        model = linear.fit([docs[i] for i in train_idx], [labels[i] for i in train_idx],
                           **config.fit_kwargs())
        col = [classes.index(c) for c in model.classes]
        for i in test_idx:
            s = model.scores(docs[i])
            if s is not None:
                scores[i, col] = s
    if progress:
        progress("tuning", folds, folds)
    return scores, classes


def fit_intents(docs: list[list[str]], labels: list[str], config: ModelConfig,
                progress: Progress | None = None) -> IntentModel:
    """Tune temperature and fallback on out-of-fold scores, then fit on everything."""
    scores, classes = oof_scores(docs, labels, config, progress)
    y = np.array([classes.index(c) for c in labels])
    temperature = fit_temperature(scores, y)
    probs = softmax(scores, temperature)
    threshold, margin = tune_fallback(probs, y, classes, wrong_cost=config.wrong_cost)
    if progress:
        progress("fitting", 0, 1)
    model = linear.fit(docs, labels, **config.fit_kwargs())
    if progress:
        progress("fitting", 1, 1)
    accuracy = float((probs.argmax(axis=1) == y).mean())
    return IntentModel(model, temperature, threshold, margin, accuracy)


def fit_langid(texts: list[str], docs: list[list[str]], langs: list[str | None],
               config: ModelConfig) -> LinearModel | None:
    """Banglish-vs-English model from the Latin-script examples of the data's en/banglish blocks."""
    pick = [i for i, (t, lang) in enumerate(zip(texts, langs, strict=True))
            if lang in ("en", "banglish") and _mostly_latin(t)]
    if len({langs[i] for i in pick}) < 2:
        return None  # nothing to learn from; the word lists stand in
    return linear.fit([docs[i] for i in pick], [str(langs[i]) for i in pick], kind="logreg",
                      c=config.c, min_df=config.min_df)


def _mostly_latin(text: str) -> bool:
    bengali, latin = script_counts(text)
    return latin > bengali
