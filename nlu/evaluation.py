"""Evaluate a model on a labelled file, and k-fold cross-validation over the training data."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any, Protocol

from nlu.metrics import report
from nlu.plots import confusion_png
from nlu.rasa_yaml import Example, read_nlu
from nlu.training import ModelConfig, Progress


class Parser(Protocol):
    """Either backend: both have `aparse`; the built-in one also has a synchronous `parse`."""

    async def aparse(self, text: str) -> dict[str, Any]: ...


def parse_all(nlu: Parser, texts: list[str]) -> list[dict[str, Any]]:
    """Parse texts in order, synchronously when the backend allows it."""
    parse = getattr(nlu, "parse", None)
    if callable(parse):
        return [parse(t) for t in texts]

    async def run() -> list[dict[str, Any]]:
        try:
            return [await nlu.aparse(t) for t in texts]
        finally:
            close = getattr(nlu, "aclose", None)
            if close is not None:  # its connection pool belongs to this event loop
                await close()

    return asyncio.run(run())


def evaluate(nlu: Parser, data_path: Path | str, *, out_dir: Path | str | None = None,
             title: str | None = None) -> dict[str, Any]:
    """Score `nlu` on a labelled YAML file or directory; write report.json and confusion.png."""
    data = read_nlu(data_path)
    if not data.examples:
        raise ValueError(f"{data_path}: no labelled examples")
    parses = parse_all(nlu, [ex.text for ex in data.examples])
    result = {"data": str(data_path), **report(data.examples, parses)}
    if out_dir is not None:
        _write(result, data.examples, parses, Path(out_dir),
               title or f"{Path(data_path).name}: {len(data.examples)} messages")
    return result


def cross_validate(data_dir: Path | str, *, folds: int = 5, config: ModelConfig | None = None,
                   progress: Progress | None = None, out_dir: Path | str | None = None,
                   seed: int = 0) -> dict[str, Any]:
    """k-fold cross-validation, stratified by intent and variety; every example tested once."""
    from sklearn.model_selection import StratifiedKFold

    from nlu.engine import BuiltinNLU, refuse_held_out

    data = read_nlu(data_dir)
    refuse_held_out(Path(data_dir), data)
    examples = data.examples
    strata = [f"{ex.intent}/{ex.lang}" for ex in examples]
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    parses: list[dict[str, Any] | None] = [None] * len(examples)
    thresholds = []
    for k, (train_idx, test_idx) in enumerate(skf.split(examples, strata)):
        if progress:
            progress("fold", k, folds)
        part = dataclasses.replace(data, examples=[examples[i] for i in train_idx])
        nlu = BuiltinNLU.from_data(part, config=config)
        thresholds.append({"threshold": nlu.threshold, "margin": nlu.margin,
                           "temperature": round(nlu.temperature, 4)})
        for i in test_idx:
            parses[i] = nlu.parse(examples[i].text)
    if progress:
        progress("fold", folds, folds)
    done = [p for p in parses if p is not None]
    result = {"data": str(data_dir), "folds": folds, "fold_settings": thresholds,
              **report(examples, done)}
    if out_dir is not None:
        _write(result, examples, done, Path(out_dir), f"{folds}-fold cross-validation")
    return result


def _write(result: dict[str, Any], examples: list[Example], parses: list[dict[str, Any]],
           out_dir: Path, title: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    overall = result["overall"]
    confusion_png([ex.intent for ex in examples], [p["intent"]["name"] for p in parses],
                  out_dir / "confusion.png",
                  title=f"{title} (accuracy {overall['accuracy']:.3f}, "
                        f"macro-F1 {overall['macro_f1']:.3f})")


__all__ = ["cross_validate", "evaluate", "parse_all"]
