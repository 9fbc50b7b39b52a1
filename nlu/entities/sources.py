"""What the training data teaches the gazetteer: synonyms, lookups, annotated spellings."""

from __future__ import annotations

from pathlib import Path

from nlu.normalise import normalise
from nlu.places_data import COUNTRIES, DISTRICTS
from nlu.rasa_yaml import NLUData

PLACE_ENTITIES = ("district", "country")


def place_synonyms(data: NLUData) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Surface form -> (entity, canonical) from synonym blocks, lookups and annotations.

    Returns the mapping and a list of problems (a synonym whose entity cannot be told),
    which training reports instead of dropping silently.
    """
    out: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for surface, canonical in data.synonyms.items():
        entity = _entity_of(canonical, data)
        if entity is None:
            problems.append(f"synonym {surface!r} -> {canonical!r}: not a known district or "
                            "country")
            continue
        out[surface] = (entity, canonical)
    for entity in PLACE_ENTITIES:
        for value in data.lookups.get(entity, []):
            if value in data.synonyms:
                continue
            if value in (DISTRICTS if entity == "district" else COUNTRIES):
                out[value] = (entity, value)
            else:
                problems.append(f"lookup {entity} {value!r}: not canonical and no synonym")
    # Every annotated spelling in the examples ("খুলনায়", "dubai te") is a spelling people use.
    for ex in data.examples:
        for ent in ex.entities:
            if ent.entity in PLACE_ENTITIES:
                out.setdefault(ent.text, (ent.entity, ent.value))
    return out, problems


def _entity_of(canonical: str, data: NLUData) -> str | None:
    for entity, table in (("district", DISTRICTS), ("country", COUNTRIES)):
        if canonical in table or canonical in data.lookups.get(entity, ()):
            return entity
    source = Path(data.synonym_sources.get(canonical, "")).stem
    return source if source in PLACE_ENTITIES else None


def common_words(data: NLUData) -> set[str]:
    """Normalised words of the examples outside entity spans: never fuzzy-matched to places."""
    words: set[str] = set()
    for ex in data.examples:
        text = ex.text
        for ent in sorted(ex.entities, key=lambda e: -e.start):
            text = text[: ent.start] + " " + text[ent.end :]
        words.update(tok for tok, _, _ in normalise(text).tokens())
    return words
