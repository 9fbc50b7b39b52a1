"""The built-in NLU: train from Rasa YAML, save and load a model, parse a message."""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from nlu import artifact, features
from nlu.calibration import softmax
from nlu.entities import Gazetteer, extract_entities
from nlu.entities.sources import common_words, place_synonyms
from nlu.langid import LanguageId
from nlu.linear import LinearModel
from nlu.normalise import TOKEN_RE, normalise
from nlu.rasa_yaml import NLUData, read_nlu
from nlu.taxonomy import FALLBACK, OUT_OF_SCOPE
from nlu.training import ModelConfig, Progress, featurise, fit_intents, fit_langid

log = logging.getLogger(__name__)
RANKING_SIZE = 10
# Long messages: a story, then the request. Parts are scored when the whole gives no answer.
LONG = 12  # tokens; a shorter message is one request
WINDOW, STRIDE = 8, 4  # tokens per part of an unpunctuated clause, and the step between parts
_SOCIAL = frozenset({"greet", "thanks", "goodbye", "affirm", "deny", FALLBACK})
_NO_ANSWER = _SOCIAL | {OUT_OF_SCOPE}  # what a part of a long message may not be read as
_BOUNDARY = re.compile(r"[.?!।,;:]")
NOISE_RATIO = 0.55  # share of known spelling n-grams below which an unknown text is noise
_HELD_OUT_DIRS = {"test", "tests"}


class BuiltinNLU:
    """Intent, entities and language for one message, with no service to call."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.intents = LinearModel.from_dict(state["intent_model"])
        self.temperature = float(state["temperature"])
        self.threshold = float(state["threshold"])
        self.margin = float(state["margin"])
        lang_model = state.get("langid_model")
        self.langid = LanguageId(LinearModel.from_dict(lang_model) if lang_model else None)
        self.gazetteer = Gazetteer.from_dict(state["gazetteer"])
        cfg = state["config"]
        self._char_range: tuple[int, int] | None = (
            (int(cfg["char_range"][0]), int(cfg["char_range"][1])) if cfg["char_range"] else None)
        self._key_range = (int(cfg["key_range"][0]), int(cfg["key_range"][1]))

    # -- training and files -------------------------------------------------------------
    @classmethod
    def train(cls, data_dir: Path | str, *, progress: Progress | None = None,
              config: ModelConfig | None = None) -> BuiltinNLU:
        """Read every YAML file below `data_dir` (never held-out test data) and fit a model."""
        data_dir = Path(data_dir)
        data = read_nlu(data_dir)
        refuse_held_out(data_dir, data)
        nlu = cls.from_data(data, progress=progress, config=config)
        nlu.state["data_hash"] = artifact.data_hash(data_dir)
        nlu.state["data_dir"] = str(data_dir)
        return nlu

    @classmethod
    def from_data(cls, data: NLUData, *, progress: Progress | None = None,
                  config: ModelConfig | None = None) -> BuiltinNLU:
        """Fit on examples already read (cross-validation passes each fold's share)."""
        config = config or ModelConfig()
        if len(data.intents) < 2:
            raise ValueError("training needs examples of at least two intents")
        started = time.perf_counter()
        texts = [ex.text for ex in data.examples]
        labels = [ex.intent for ex in data.examples]
        if progress:
            progress("features", 0, 1)
        docs = featurise(texts, config)
        if progress:
            progress("features", 1, 1)
        fitted = fit_intents(docs, labels, config, progress)
        lang_model = fit_langid(texts, docs, [ex.lang for ex in data.examples], config)
        synonyms, problems = place_synonyms(data)
        for problem in problems:
            log.warning("nlu data: %s", problem)
        gazetteer = Gazetteer.build(synonyms=synonyms, common_words=common_words(data))
        state = {
            "format": artifact.ARTIFACT_FORMAT,
            "code_version": artifact.code_version(),
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": config.as_dict(),
            "intent_model": fitted.model.to_dict(),
            "temperature": fitted.temperature,
            "threshold": fitted.threshold,
            "margin": fitted.margin,
            "langid_model": lang_model.to_dict() if lang_model else None,
            "gazetteer": gazetteer.to_dict(),
            "training": {
                "examples": len(texts),
                "by_intent": dict(Counter(labels)),
                "by_language": dict(Counter(str(ex.lang) for ex in data.examples)),
                "files": data.files,
                "skipped": data.skipped,
                "problems": problems,
                "oof_accuracy": fitted.oof_accuracy,
                "seconds": round(time.perf_counter() - started, 2),
            },
        }
        return cls(state)

    def save(self, path: Path | str) -> Path:
        """Write the model file; returns its path."""
        artifact.write(Path(path), self.state)
        return Path(path)

    @classmethod
    def load(cls, path: Path | str) -> BuiltinNLU:
        """Read a model file written by `save`."""
        nlu = cls(artifact.read(Path(path)))
        nlu.state["path"] = str(path)
        return nlu

    @property
    def info(self) -> dict[str, Any]:
        """What the model is: versions, data hash, thresholds, training summary."""
        keys = ("code_version", "data_hash", "trained_at", "config", "temperature",
                "threshold", "margin", "training")
        return {k: self.state.get(k) for k in keys}

    # -- parsing -------------------------------------------------------------------------
    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's /model/parse answer plus `language`, for one message."""
        text = text if isinstance(text, str) else str(text)
        norm = normalise(text)
        per_token = features.by_token(norm.text, char_range=self._char_range,
                                      key_range=self._key_range)
        grams = [g for token in per_token for g in token]
        language = self.langid.detect(norm.text, grams)
        scores = self.intents.scores(grams)
        entities = extract_entities(norm, self.gazetteer) if norm.text else []
        if scores is None:
            # No known feature at all (empty, emoji, another script) is not worth a guess.
            ranking = [{"name": FALLBACK, "confidence": 1.0}]
        else:
            ranking = self._ranking(scores)
            if ranking[0]["name"] != FALLBACK and self._looks_like_noise(grams):
                ranking = [{"name": FALLBACK, "confidence": 1.0}, *ranking[: RANKING_SIZE - 1]]
            elif len(per_token) >= LONG and ranking[0]["name"] in _SOCIAL:
                ranking = self._focus(norm.text, per_token) or ranking
        return {"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking,
                "entities": entities, "language": language}

    async def aparse(self, text: str) -> dict[str, Any]:
        """The same as `parse`: the work is a fraction of a millisecond of CPU."""
        return self.parse(text)

    def language(self, text: str) -> str:
        """Only the variety of the text: bn, en or banglish."""
        norm = normalise(text)
        grams = features.extract(norm.text, char_range=self._char_range,
                                 key_range=self._key_range)
        return self.langid.detect(norm.text, grams)

    def _focus(self, text: str, per_token: list[list[str]]) -> list[dict[str, Any]] | None:
        """The best-understood part of a long message the whole of which gave no answer.

        "assalamualaikum ami noakhali theke bolchi ... amar ki nijer jaite hobe": the greeting
        and the story drown the request. Each clause (between punctuation) is scored, and an
        unpunctuated one in overlapping windows; the part the model is surest of, of an intent
        that is an answer (not a greeting, not "no idea"), wins if it passes the fallback rule.
        """
        clause, ids = 0, []
        last = 0
        for m in TOKEN_RE.finditer(text):
            if _BOUNDARY.search(text, last, m.start()):
                clause += 1
            ids.append(clause)
            last = m.end()
        parts: list[tuple[int, int]] = []
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                parts.extend(_windows(start, i))
                start = i
        best: list[dict[str, Any]] | None = None
        for lo, hi in parts:
            if hi - lo == len(per_token):
                continue  # the whole message, scored already
            scores = self.intents.scores([g for token in per_token[lo:hi] for g in token])
            if scores is None:
                continue
            ranking = self._ranking(scores)
            top = ranking[0]
            if top["name"] in _NO_ANSWER:
                continue
            if best is None or top["confidence"] > best[0]["confidence"]:
                best = ranking
        return best

    def _looks_like_noise(self, grams: list[str]) -> bool:
        # Character n-grams alone always find something. With not one known word and most
        # letter pairs never seen ("xkcd qwrtp", "sdlkfj"), the guess is noise. Unseen real
        # words ("stp", "thanku") keep most of their n-grams, so they still get classified.
        vocab = self.intents.vocab
        if any(g in vocab for g in grams if g[1] == ":" and g[0] in "wk"):
            return False
        spelling = [g for g in grams if g.startswith("p:")]
        return sum(g in vocab for g in spelling) < NOISE_RATIO * len(spelling)

    def _ranking(self, scores: np.ndarray) -> list[dict[str, Any]]:
        probs = softmax(scores, self.temperature)
        order = np.argsort(-probs)[:RANKING_SIZE]
        classes = self.intents.classes
        ranking = [{"name": classes[i], "confidence": round(float(probs[i]), 4)} for i in order]
        top = float(probs[order[0]])
        second = float(probs[order[1]]) if len(order) > 1 else 0.0
        if top < self.threshold or top - second < self.margin:
            # Rasa's FallbackClassifier convention: nlu_fallback first, with the threshold as
            # its confidence, and the model's own ranking after it for "did you mean ...?".
            fallback = {"name": FALLBACK, "confidence": self.threshold}
            ranking = [fallback, *ranking[: RANKING_SIZE - 1]]
        return ranking


def _windows(lo: int, hi: int) -> list[tuple[int, int]]:
    """A clause of tokens [lo, hi) as itself when short, else as overlapping windows."""
    if hi - lo < 3:
        return []
    if hi - lo <= WINDOW + STRIDE:
        return [(lo, hi)]
    starts = list(range(lo, hi - WINDOW + 1, STRIDE))
    if starts[-1] + WINDOW < hi:
        starts.append(hi - WINDOW)  # the end of a message often holds the request
    return [(s, s + WINDOW) for s in starts]


def refuse_held_out(data_dir: Path, data: NLUData) -> None:
    """Raise if any file read comes from a test directory or is a held-out file."""
    # Training on the held-out file would make every evaluation figure meaningless, so this
    # is an error, not a silent skip.
    base = data_dir.resolve() if data_dir.is_dir() else data_dir.resolve().parent
    for file in data.files:
        rel = Path(file).resolve().relative_to(base.parent)
        if _HELD_OUT_DIRS & set(rel.parts[:-1]) or Path(file).stem.startswith("heldout"):
            raise ValueError(f"refusing to train on held-out test data: {file}")


def load_or_train(data_dir: Path | str, artifact_dir: Path | str, *,
                  progress: Progress | None = None) -> BuiltinNLU:
    """Load the model for this code and data if it exists, else train, save and tidy up."""
    data_dir, artifact_dir = Path(data_dir), Path(artifact_dir)
    path = artifact.artifact_path(artifact_dir, artifact.data_hash(data_dir))
    if path.exists():
        try:
            return BuiltinNLU.load(path)
        except Exception as exc:  # a truncated or foreign file: rebuild rather than fail
            log.warning("nlu model %s unreadable (%s); retraining", path, exc)
    nlu = BuiltinNLU.train(data_dir, progress=progress)
    nlu.save(path)
    nlu.state["path"] = str(path)
    artifact.remove_stale(artifact_dir, keep=path)
    log.info("nlu model trained in %.1fs: %s", nlu.state["training"]["seconds"], path)
    return nlu
