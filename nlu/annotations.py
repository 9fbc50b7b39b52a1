"""Rasa inline entity annotations: "[text](entity)" and "[text]{...}" to plain text and spans."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# The same grammar Rasa 3 accepts: [text](entity), [text](entity:value), [text]{json}.
_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<json>[^}]+?)\})"
)


class AnnotationError(ValueError):
    """An example's inline annotation is malformed."""


@dataclass(frozen=True, slots=True)
class GoldEntity:
    """An annotated entity: canonical value and [start, end) in the plain example text."""

    entity: str
    value: str
    start: int
    end: int
    text: str


def strip_annotations(example: str) -> tuple[str, list[GoldEntity]]:
    """Return the plain text of an annotated example and its gold entity spans."""
    plain: list[str] = []
    entities: list[GoldEntity] = []
    pos = 0
    length = 0
    for m in _ANNOTATION.finditer(example):
        before = example[pos : m.start()]
        plain.append(before)
        length += len(before)
        surface = m.group("text")
        entity, value = _entity_and_value(m)
        end = length + len(surface)
        entities.append(GoldEntity(entity, value or surface, length, end, surface))
        plain.append(surface)
        length += len(surface)
        pos = m.end()
    plain.append(example[pos:])
    text = "".join(plain)
    if "](" in text or "]{" in text:
        raise AnnotationError(f"unparsed annotation in {example!r}")
    return text, entities


def _entity_and_value(m: re.Match[str]) -> tuple[str, str | None]:
    if m.group("json") is None:
        return m.group("entity").strip(), m.group("value")
    try:
        spec = json.loads("{" + m.group("json") + "}")
    except json.JSONDecodeError as exc:
        raise AnnotationError(f"bad entity JSON in {m.group()!r}: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("entity"), str):
        raise AnnotationError(f"entity JSON without an entity name: {m.group()!r}")
    value = spec.get("value")
    return spec["entity"], None if value is None else str(value)
