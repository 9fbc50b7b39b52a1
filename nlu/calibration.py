"""Probabilities from decision scores, and the fallback rule tuned on held-out folds."""

from __future__ import annotations

import numpy as np

from nlu.taxonomy import OUT_OF_SCOPE


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of scores / temperature."""
    z = scores / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(scores: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of out-of-fold scores.

    One parameter keeps the ranking unchanged and makes "confidence 0.8" mean right about
    80% of the time, for both logistic regression and SVM scores.
    """
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))
        return float(-np.log(p[rows, y] + 1e-12).mean())

    best = minimize_scalar(nll, bounds=(-5.0, 3.0), method="bounded")
    return float(np.exp(best.x))


def tune_fallback(probs: np.ndarray, y: np.ndarray, classes: list[str], *,
                  wrong_cost: float = 1.0) -> tuple[float, float]:
    """Threshold and margin that maximise (right answers - wrong_cost * wrong answers).

    A fallback ("please say it another way") scores zero: better than a wrong answer, worse
    than a right one. For out-of-scope messages a fallback is as good as the right answer.
    """
    order = np.argsort(-probs, axis=1)
    rows = np.arange(len(y))
    top = probs[rows, order[:, 0]]
    second = probs[rows, order[:, 1]] if probs.shape[1] > 1 else np.zeros_like(top)
    right = order[:, 0] == y
    oos = np.array([classes[k] == OUT_OF_SCOPE for k in y])
    best = (-np.inf, 0.0, 0.0)
    for threshold in np.arange(0.0, 0.91, 0.02):
        for margin in np.arange(0.0, 0.51, 0.02):
            accept = (top >= threshold) & (top - second >= margin)
            gain = (right & accept).sum() - wrong_cost * (~right & accept).sum()
            gain += (oos & ~accept).sum()
            # Ties go to the smaller threshold and margin: fewer fallbacks on unseen wording.
            if gain > best[0] + 1e-9:
                best = (gain, float(threshold), float(margin))
    return round(best[1], 2), round(best[2], 2)
