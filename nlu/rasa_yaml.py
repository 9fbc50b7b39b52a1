"""Read Rasa 3.x YAML NLU files: intent examples, synonyms and lookup tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.annotations import AnnotationError, GoldEntity, strip_annotations


class NLUDataError(ValueError):
    """A training-data file cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Example:
    """One training or test message with its gold intent, variety and entities."""

    text: str
    intent: str
    lang: str | None
    entities: tuple[GoldEntity, ...]
    source: str


@dataclass
class NLUData:
    """Everything read from a file or directory, with a record of what was and was not read."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)  # variant -> canonical value
    lookups: dict[str, list[str]] = field(default_factory=dict)  # table name -> values
    synonym_sources: dict[str, str] = field(default_factory=dict)  # canonical -> file
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)

    @property
    def intents(self) -> list[str]:
        """Intent names in first-seen order."""
        return list(dict.fromkeys(e.intent for e in self.examples))


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents in a
# tenth of the time. Training reads ~130 files, and every process and test app ~90 of content.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, faster."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 (a safe loader)


def read_nlu(path: Path | str) -> NLUData:
    """Read one YAML file, or every *.yml / *.yaml below a directory, in a stable order."""
    path = Path(path)
    data = NLUData()
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
    else:
        raise NLUDataError(f"{path}: no such file or directory")
    for file in files:
        if file.suffix not in (".yml", ".yaml"):
            data.skipped.append((str(file), "not a YAML file"))
            continue
        _read_file(file, data)
    return data


def _read_file(file: Path, data: NLUData) -> None:
    try:
        doc = load_yaml(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NLUDataError(f"{file}: {exc}") from exc
    if not isinstance(doc, dict) or "nlu" not in doc:
        # A Rasa domain.yml or config.yml may sit next to the data; say so instead of failing.
        data.skipped.append((str(file), "no 'nlu' key"))
        return
    if not isinstance(doc["nlu"], list):
        raise NLUDataError(f"{file}: 'nlu' must be a list")
    data.files.append(str(file))
    for block in doc["nlu"]:
        try:
            _read_block(block, file, data)
        except (AnnotationError, TypeError, KeyError) as exc:
            raise NLUDataError(f"{file}: {exc}") from exc


def _read_block(block: Any, file: Path, data: NLUData) -> None:
    if not isinstance(block, dict):
        raise NLUDataError(f"{file}: every item of 'nlu' must be a mapping, got {block!r}")
    lines = _example_lines(block.get("examples", ""), file)
    if "intent" in block:
        meta = block.get("metadata") or {}
        lang = meta.get("lang") if isinstance(meta, dict) else None
        if isinstance(meta, dict) and meta.get("reviewed") is False:
            # An export of `prottasha nlu review` moved in before anybody checked the label.
            data.skipped.append((f"{file}#{block['intent']}", "not reviewed yet"))
            return
        for line in lines:
            text, entities = strip_annotations(line)
            data.examples.append(Example(text, str(block["intent"]), lang, tuple(entities),
                                         str(file)))
    elif "synonym" in block:
        canonical = str(block["synonym"])
        data.synonym_sources[canonical] = str(file)
        for line in lines:
            data.synonyms[line] = canonical
    elif "lookup" in block:
        data.lookups.setdefault(str(block["lookup"]), []).extend(lines)
    else:
        # regex blocks and anything newer: Rasa uses them, the built-in engine does not.
        kind = next(iter(block), "?")
        data.skipped.append((f"{file}#{kind}", "block type not used by the built-in engine"))


def _example_lines(examples: Any, file: Path) -> list[str]:
    if isinstance(examples, list):  # the extended form: a list of {text: ..., metadata: ...}
        return [str(item["text"]).strip() if isinstance(item, dict) else str(item).strip()
                for item in examples]
    lines = []
    for raw in str(examples).splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("-"):
            raise NLUDataError(f"{file}: example line does not start with '-': {raw!r}")
        line = line[1:].strip()
        if line:
            lines.append(line)
    return lines
