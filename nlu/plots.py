"""The confusion-matrix picture for evaluation reports."""

from __future__ import annotations

from pathlib import Path

from nlu.metrics import effective
from nlu.taxonomy import FALLBACK


def confusion_png(gold: list[str], predicted: list[str], path: Path, *, title: str) -> Path:
    """Row-normalised confusion matrix (gold down, predicted across) with counts in the cells."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt
    import numpy as np

    pred = [effective(g, p) for g, p in zip(gold, predicted, strict=True)]
    rows = sorted(set(gold))
    cols = rows + ([FALLBACK] if FALLBACK in pred and FALLBACK not in rows else [])
    extra = sorted(set(pred) - set(cols))
    cols += extra
    counts = np.zeros((len(rows), len(cols)), dtype=int)
    for g, p in zip(gold, pred, strict=True):
        counts[rows.index(g), cols.index(p)] += 1
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = max(8.0, 0.36 * len(cols) + 3)
    fig, ax = plt.subplots(figsize=(size, size * len(rows) / len(cols) + 1.2), dpi=110)
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=90, fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=10)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=6,
                        color="white" if share[i, j] > 0.5 else "black")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
