"""Messages that are urgent whatever else they say (content/safety.yml)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Safety:
    patterns: dict[str, re.Pattern[str]]  # kind -> one alternation of its phrases

    @classmethod
    def load(cls, path: Path) -> Safety:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        patterns = {}
        for kind, phrases in raw.items():
            alternatives = "|".join(re.escape(_norm(p)) for p in phrases or [] if p)
            if alternatives:
                patterns[kind] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return cls(patterns)

    def urgent(self, text: str) -> str | None:
        """The kind of danger a message speaks of ("self_harm", "danger_now"), if any."""
        t = _norm(text)
        return next((kind for kind, p in self.patterns.items() if p.search(t)), None)


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())
