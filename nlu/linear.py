"""A TF-IDF linear text model stored as plain arrays, scored without scikit-learn."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class LinearModel:
    """Vocabulary, IDF weights and per-class weights: scikit-learn's output, minus its overhead.

    Scoring a single message through scikit-learn costs about a millisecond in input checks;
    the same arithmetic on a few dozen active features costs tens of microseconds.
    """

    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_classes): row gathers are contiguous
    intercept: np.ndarray  # (n_classes,)
    classes: list[str]

    def scores(self, grams: list[str]) -> np.ndarray | None:
        """Decision scores per class, or None when no feature is known (nothing to go on)."""
        vocab = self.vocab
        counts = Counter(i for g in grams if (i := vocab.get(g)) is not None)
        if not counts:
            return None
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        w = (1.0 + np.log(tf)) * self.idf[idx]  # sublinear tf, as fitted
        norm = float(np.sqrt(w @ w))
        if norm == 0.0:
            return None
        return (w / norm) @ self.weights[idx] + self.intercept

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the artifact."""
        return {"vocab": self.vocab, "idf": self.idf, "weights": self.weights,
                "intercept": self.intercept, "classes": self.classes}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearModel:
        """Rebuild from `to_dict` output."""
        return cls(d["vocab"], d["idf"], d["weights"], d["intercept"], list(d["classes"]))


def _identity(doc: list[str]) -> list[str]:
    return doc


def vectorise(docs: list[list[str]], *, min_df: int = 1,
              stream_weights: dict[str, float] | None = None,
              dtype: Any = np.float32) -> tuple[Any, Any]:
    """Fit a TF-IDF vectoriser on pre-extracted feature lists; return it and the matrix.

    `stream_weights` scales the IDF of every feature whose name starts with "<prefix>:", so
    a small stream (concepts) is not drowned by a large one (character n-grams).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, dtype=dtype)
    vec.fit(docs)
    if stream_weights:
        idf = vec.idf_.copy()
        for name, col in vec.vocabulary_.items():
            idf[col] *= stream_weights.get(name.split(":", 1)[0], 1.0)
        vec.idf_ = idf
    return vec, vec.transform(docs)


def make_estimator(kind: str, c: float, seed: int = 0,
                   class_weight: str | dict[str, float] | None = None,
                   tol: float = 1e-4) -> Any:
    """A fresh linear classifier: "logreg" (multinomial) or "svm" (one-vs-rest LinearSVC)."""
    if kind == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=c, max_iter=3000, random_state=seed,
                                  class_weight=class_weight, tol=tol)
    if kind == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(C=c, random_state=seed)
    raise ValueError(f"unknown model kind {kind!r}")


def fit(docs: list[list[str]], labels: list[str], *, kind: str, c: float,
        min_df: int = 1, stream_weights: dict[str, float] | None = None,
        class_weight: str | dict[str, float] | None = None,
        exact: bool = False) -> LinearModel:
    """Fit TF-IDF and a linear classifier; return the plain-array model. `exact` fits in
    double precision to a tight tolerance and in one BLAS thread: slower, but the same model on
    every CPU and in every process (a threshold chosen on its readings must not move with a
    machine's rounding; two threads sum in another order, and a fit in the main process differed
    from the same fit in a worker by 0.003 in a weight)."""
    from threadpoolctl import threadpool_limits

    vec, x = vectorise(docs, min_df=min_df, stream_weights=stream_weights,
                       dtype=np.float64 if exact else np.float32)
    est = make_estimator(kind, c, class_weight=class_weight, tol=1e-6 if exact else 1e-4)
    # The limit reaches only libraries already loaded: make_estimator has loaded the solver's.
    with threadpool_limits(limits=1 if exact else None):
        est.fit(x, labels)
    classes = [str(k) for k in est.classes_]
    coef = np.asarray(est.coef_, dtype=np.float32)
    intercept = np.asarray(est.intercept_, dtype=np.float32)
    if len(classes) == 2:  # binary models keep one row: score the second class against 0
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([np.zeros(1, np.float32), intercept])
    vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
    return LinearModel(vocab, vec.idf_.astype(np.float32), np.ascontiguousarray(coef.T),
                       intercept, classes)
