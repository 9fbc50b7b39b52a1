"""Entity extraction: districts, countries, amounts of taka and phone numbers."""

from __future__ import annotations

from nlu.entities.amount import find_amounts
from nlu.entities.phone import find_phones
from nlu.entities.places import Gazetteer
from nlu.normalise import Normalised

__all__ = ["Gazetteer", "extract_entities"]


def extract_entities(norm: Normalised, gazetteer: Gazetteer) -> list[dict]:
    """All entities in Rasa's span format, offsets into the original text, in text order."""
    # Phones first: an 11-digit number followed by "tk" is still a phone number, and a place
    # name never overlaps a number.
    found = find_phones(norm.original)
    for candidate in (*find_amounts(norm), *gazetteer.find(norm)):
        if all(candidate["end"] <= f["start"] or candidate["start"] >= f["end"] for f in found):
            found.append(candidate)
    found.sort(key=lambda e: e["start"])
    return found
