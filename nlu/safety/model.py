"""Train, save and load the danger model: a multinomial logistic regression over stems, tuned
on out-of-fold predictions so that its thresholds favour recall."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np

from nlu import artifact
from nlu.linear import LinearModel
from nlu.linear import fit as fit_linear
from nlu.rasa_yaml import read_nlu
from nlu.safety import cues as cue_lib
from nlu.safety import features
from nlu.safety.labels import DANGER, LABELS

log = logging.getLogger(__name__)
FORMAT = 1
PREFIX = "safety-"
C = 8.0  # chosen by cross-validation on the safety data (docs/safety.md)
WEIGHT_POWER = 0.5
_PACKAGE = Path(__file__).resolve().parent
# Ordinary traffic, borrowed as "benign": the intent classifier's examples of everything that
# is not about danger (costs, visas, remittance, greetings...), thousands of ways people ask
# ordinary things in all three varieties. The danger-adjacent intents stay out.
ORDINARY_DIR = _PACKAGE.parent / "data" / "intents"
NOT_ORDINARY = frozenset({"emergency_abroad", "psychosocial_support", "trafficking_warning",
                          "self_harm", "death_abroad", "human_handoff", "hotline_contacts",
                          "stranded_abroad", "complaint_agency"})
# Every source that shapes the model, the shared ones too (a float32 fit in nlu/linear.py gave
# other thresholds than the exact one): a change to any retrains it.
_SOURCES = ("features.py", "cues.py", "model.py", "labels.py", "detector.py", "tuning.py",
            "../linear.py", "../normalise.py", "../translit.py")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Thresholds:
    """Above `danger` an urgent case is made; between `unsure` and `danger` the bot asks, except
    that a reading of self-harm is urgent from `harm` up (None: from `danger`)."""

    danger: float
    unsure: float
    distress: float
    harm: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        """Plain data for the artifact."""
        return {"danger": self.danger, "unsure": self.unsure, "distress": self.distress,
                "harm": self.harm}


def code_version() -> str:
    h = hashlib.sha256()
    for name in _SOURCES:
        h.update((_PACKAGE / name).read_bytes())
    return f"{FORMAT}.{h.hexdigest()[:8]}"


def featurise(text: str, cues: cue_lib.CueIndex) -> list[str]:
    """The whole message's features, with its cue hits as features of their own."""
    toks = features.tokens(text)
    return features.extract(toks, cue_features(cue_lib.find(cues, toks)))


def cue_features(hits: list[cue_lib.Hit]) -> list[str]:
    out = []
    for hit in hits:
        tag = "neg" if hit.negated else ("strong" if hit.cue.strong else "weak")
        out.append(f"s:{hit.cue.category}:{tag}")
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


def train(data_dir: Path, cues_path: Path, *, progress: Progress | None = None,
          folds: int = 5) -> dict[str, Any]:
    """Fit on every example; tune thresholds on out-of-fold scores; return the artifact state."""
    from sklearn.model_selection import StratifiedKFold

    from nlu.safety.tuning import tune

    started = time.perf_counter()
    data = read_nlu(data_dir)
    unknown = sorted({ex.intent for ex in data.examples} - set(LABELS))
    if unknown:
        raise ValueError(f"{data_dir}: unknown safety labels {unknown}")
    cues = cue_lib.load(cues_path)
    texts = [ex.text for ex in data.examples]
    labels = [ex.intent for ex in data.examples]
    own = set(texts)
    for text in ordinary():
        # A borrowed example with a danger cue ("my husband died in Saudi, can I get a loan?")
        # is not ours to call benign: left out.
        # (Signs are not dangers: "ঠিক আছে" or "cricket" keeps an example in.)
        if text not in own and not any(not h.negated and h.cue.category not in cue_lib.SIGNS
                                       for h in cue_lib.find(cues, features.tokens(text))):
            texts.append(text)
            labels.append("benign")
    oof: list[Any] = [None] * len(texts)
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    # The folds and the final fit are independent: one process per core (the exact fit costs
    # about four times the float32 one), the results in order whatever finishes first.
    jobs = [(list(train_idx), list(test_idx)) for train_idx, test_idx in skf.split(texts, labels)]
    runner = joblib.Parallel(n_jobs=min(len(jobs) + 1, os.cpu_count() or 1),
                             return_as="generator")
    done = runner(joblib.delayed(_fold)(texts, labels, cues, train_idx, test_idx)
                  for train_idx, test_idx in [*jobs, (list(range(len(texts))), [])])
    model: LinearModel | None = None
    for k, (test_idx, result) in enumerate(done):
        if progress:
            progress("tuning", min(k, folds), folds)
        if isinstance(result, LinearModel):
            model = result
        else:
            for i, signals in zip(test_idx, result, strict=True):
                oof[i] = signals
    if progress:
        progress("tuning", folds, folds)
    thresholds = tune(oof, labels)
    assert model is not None
    return {"format": FORMAT, "code_version": code_version(),
            "data_hash": artifact.data_hash(data_dir) + hashlib.sha256(
                cues_path.read_bytes()).hexdigest()[:16],
            "model": model.to_dict(), "thresholds": thresholds.as_dict(),
            "training": {"examples": len(texts), "seconds": round(time.perf_counter() - started, 2),
                         "by_label": {lab: labels.count(lab) for lab in LABELS}}}


def _fold(texts: list[str], labels: list[str], cues: cue_lib.CueIndex, train_idx: list[int],
          test_idx: list[int]) -> tuple[list[int], Any]:
    """One fold's out-of-fold signals, or (with nothing held out) the final model."""
    from nlu.safety.detector import DangerDetector

    model = fit([texts[i] for i in train_idx], [labels[i] for i in train_idx], cues)
    if not test_idx:
        return test_idx, model
    fold = DangerDetector(model, cues, Thresholds(0.5, 0.5, 0.5))
    return test_idx, [fold.signals(texts[i]) for i in test_idx]


def ordinary() -> list[str]:
    """The borrowed benign examples (see ORDINARY_DIR)."""
    if not ORDINARY_DIR.is_dir():
        return []
    return [ex.text for ex in read_nlu(ORDINARY_DIR).examples if ex.intent not in NOT_ORDINARY]


def artifact_path(artifact_dir: Path, data_dir: Path, cues_path: Path) -> Path:
    digest = artifact.data_hash(data_dir) + hashlib.sha256(cues_path.read_bytes()).hexdigest()[:16]
    if ORDINARY_DIR.is_dir():
        digest += artifact.data_hash(ORDINARY_DIR)
    short = hashlib.sha256(digest.encode()).hexdigest()[:16]
    return Path(artifact_dir) / f"{PREFIX}{code_version()}-{short}.joblib"


def load_or_train(data_dir: Path, cues_path: Path, artifact_dir: Path | None, *,
                  progress: Progress | None = None) -> dict[str, Any]:
    """The saved model for this code and data, or a freshly trained (and saved) one."""
    path = artifact_path(artifact_dir, data_dir, cues_path) if artifact_dir else None
    if path is not None and path.exists():
        try:
            state = joblib.load(path)
            if isinstance(state, dict) and state.get("format") == FORMAT:
                return state
        except Exception as exc:  # a truncated file: train again rather than fail
            log.warning("safety model %s unreadable (%s); retraining", path, exc)
    state = train(data_dir, cues_path, progress=progress)
    if path is not None:
        artifact.write(path, state)
        for old in Path(artifact_dir or ".").glob(f"{PREFIX}*.joblib"):
            if old.resolve() != path.resolve():
                old.unlink(missing_ok=True)
    return state
