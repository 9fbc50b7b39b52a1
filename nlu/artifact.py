"""Versioned model files: named by code version and a hash of the training data."""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib

# Bump when the artifact's layout changes; the source hash below catches everything else.
ARTIFACT_FORMAT = 1
PREFIX = "builtin-"
_PACKAGE = Path(__file__).resolve().parent
# The modules whose code shapes what a trained model contains or how it is read.
_MODEL_SOURCES = (
    "annotations.py", "artifact.py", "calibration.py", "features.py", "langid.py", "linear.py",
    "normalise.py", "places_data.py", "rasa_yaml.py", "training.py", "translit.py",
    "entities/sources.py", "engine.py",
)  # fmt: skip


@lru_cache(maxsize=1)
def code_version() -> str:
    """Format number plus a short hash of the model-shaping source files."""
    h = hashlib.sha256()
    for name in _MODEL_SOURCES:
        h.update(name.encode())
        h.update((_PACKAGE / name).read_bytes())
    return f"{ARTIFACT_FORMAT}.{h.hexdigest()[:8]}"


def data_hash(data_dir: Path) -> str:
    """SHA-256 over every YAML file's relative path and bytes, in a stable order."""
    data_dir = Path(data_dir)
    h = hashlib.sha256()
    files = [data_dir] if data_dir.is_file() else sorted(
        p for p in data_dir.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
    for p in files:
        h.update(str(p.relative_to(data_dir) if p != data_dir else p.name).encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def artifact_path(artifact_dir: Path, digest: str) -> Path:
    """Where the model for this code and data lives."""
    return Path(artifact_dir) / f"{PREFIX}{code_version()}-{digest[:16]}.joblib"


def write(path: Path, state: dict[str, Any]) -> None:
    """Write atomically: a reader never sees half a model."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".joblib")
    os.close(fd)
    try:
        joblib.dump(state, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read(path: Path) -> dict[str, Any]:
    """Read a model file written by `write`, refusing other formats."""
    state = joblib.load(path)
    if not isinstance(state, dict) or state.get("format") != ARTIFACT_FORMAT:
        raise ValueError(f"{path}: not a built-in NLU model of format {ARTIFACT_FORMAT}")
    return state


def remove_stale(artifact_dir: Path, keep: Path) -> list[Path]:
    """Delete this engine's older model files in the directory; return what was removed."""
    removed = []
    for p in Path(artifact_dir).glob(f"{PREFIX}*.joblib"):
        if p.resolve() != Path(keep).resolve():
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed
