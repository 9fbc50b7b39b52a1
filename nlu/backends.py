"""Which NLU answers: the built-in engine, or a Rasa server with the built-in engine behind it.

Its own module so that the engine and the Rasa client, which wraps the engine, import each other
in one direction only (engine <- rasa_client <- backends)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlu.engine import Progress, load_or_train
from nlu.rasa_client import RasaNLU


def make_nlu(backend: str, *, data_dir: Path | str, artifact_dir: Path | str,
             rasa_url: str | None = None, progress: Progress | None = None) -> Any:
    """The built-in engine, or Rasa with the built-in engine behind it for when Rasa fails."""
    builtin = load_or_train(data_dir, artifact_dir, progress=progress)
    if backend == "builtin":
        return builtin
    if backend == "rasa":
        if not rasa_url:
            raise ValueError("the rasa backend needs a rasa_url")
        return RasaNLU(rasa_url, fallback=builtin)
    raise ValueError(f"unknown NLU backend {backend!r} (builtin or rasa)")
