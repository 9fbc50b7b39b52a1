"""The questionnaire as data: steps from content/screening.yml, words per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.i18n import LANGUAGES
from nlu.rasa_yaml import load_yaml


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # yes_no, choice, multi, number, month, country, district, text, phone
    options: tuple[str, ...] = ()
    min: int = 0
    max: int = 0
    optional: bool = False


@dataclass(frozen=True)
class Questionnaire:
    version: str
    consent_version: str
    steps: tuple[Step, ...]
    words: dict[str, tuple[str, ...]]  # option id (or yes/no) -> words people type
    nav: dict[str, tuple[str, ...]]  # back, restart, skip, same_number
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> screening.yml

    @classmethod
    def load(cls, content_dir: Path) -> Questionnaire:
        raw = load_yaml((content_dir / "screening.yml").read_text(encoding="utf-8"))
        steps = tuple(
            Step(id=s["id"], kind=s["kind"], options=tuple(str(o) for o in s.get("options", ())),
                 min=int(s.get("min", 0)), max=int(s.get("max", 0)),
                 optional=bool(s.get("optional", False)))
            for s in raw["steps"]
        )
        texts = {lang: load_yaml(path.read_text("utf-8"))
                 for lang in LANGUAGES if (path := content_dir / lang / "screening.yml").exists()}
        words = {str(k): tuple(str(w).lower() for w in v) for k, v in raw["words"].items()}
        nav = {k: tuple(str(w).lower() for w in raw.get(k, ()))
               for k in ("back", "restart", "skip", "same_number")}
        return cls(str(raw["version"]), str(raw["consent_version"]), steps, words, nav, texts)

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def next_step(self, step_id: str) -> str | None:
        ids = [s.id for s in self.steps]
        i = ids.index(step_id)
        return ids[i + 1] if i + 1 < len(ids) else None

    def previous_step(self, step_id: str) -> str | None:
        ids = [s.id for s in self.steps]
        i = ids.index(step_id)
        return ids[i - 1] if i > 1 else None  # never back into consent

    def text(self, lang: str, *path: str) -> str:
        node: Any = self.texts.get(lang) or self.texts["en"]
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None and lang != "en":
            return self.text("en", *path)
        return str(node or "")

    def option_titles(self, step: Step, lang: str) -> list[tuple[str, str]]:
        group = "yes_no" if step.kind == "yes_no" else step.id
        titles = (self.texts.get(lang) or {}).get("options", {}).get(group, {})
        options = ("yes", "no") if step.kind == "yes_no" else step.options
        return [(o, str(titles.get(o, o))) for o in options]

    def all_titles(self, step: Step) -> dict[str, list[str]]:
        """Every language's title of every option, lower-cased: either language is accepted."""
        out: dict[str, list[str]] = {}
        for lang in LANGUAGES:
            for option, title in self.option_titles(step, lang):
                out.setdefault(option, []).append(title.lower())
        return out
