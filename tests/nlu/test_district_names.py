"""District names live in three files, each for its own reader: the reference table
(content/reference/districts.yml: the canonical name, the Bangla name, the centre), the
built-in entity table (nlu/places_data.py: how people spell it, so that the engine works
without data files) and the NLU's lookup in Rasa's format (nlu/data/lookups/district.yml, which
a Rasa server trains on). The canonical names and the Bangla name must agree across all three;
a district renamed in one place and not the others would no longer be found or routed."""

from __future__ import annotations

import yaml

from api.settings import ROOT
from nlu.places_data import DISTRICTS


def _reference() -> dict[str, str]:
    rows = yaml.safe_load((ROOT / "content" / "reference" / "districts.yml").read_text("utf-8"))
    return {row["name"]: row["bn"] for row in rows}


def _lookup() -> dict[str, set[str]]:
    raw = yaml.safe_load((ROOT / "nlu" / "data" / "lookups" / "district.yml").read_text("utf-8"))
    return {entry["synonym"]: {line.removeprefix("- ").strip()
                               for line in entry["examples"].splitlines() if line.strip()}
            for entry in raw["nlu"] if "synonym" in entry}


def test_the_three_tables_name_the_same_64_districts() -> None:
    reference = _reference()
    assert len(reference) == 64
    assert set(DISTRICTS) == set(reference), set(DISTRICTS) ^ set(reference)
    assert set(_lookup()) == set(reference), set(_lookup()) ^ set(reference)


def test_each_district_is_found_by_its_bangla_and_english_names_everywhere() -> None:
    lookup = _lookup()
    for name, bangla in _reference().items():
        assert bangla in DISTRICTS[name], (name, bangla)
        assert name.lower() in DISTRICTS[name], name
        assert {name, bangla} <= lookup[name], (name, bangla)
