"""Reading Rasa YAML: annotations, varieties, synonyms, lookups, and loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.annotations import AnnotationError, strip_annotations
from nlu.rasa_yaml import NLUDataError, read_nlu

DATA = '''version: "3.1"
nlu:
- intent: migration_cost
  metadata:
    lang: en
  examples: |
    - how much to go to [Saudi](country:Saudi Arabia)?
    - cost 4 [KSA]{"entity": "country", "value": "Saudi Arabia"} plz, [5 lakh](amount:500000)?
- intent: migration_cost
  metadata:
    lang: bn
  examples: |
    - [সৌদি]{"entity": "country", "value": "Saudi Arabia"} যেতে কত টাকা লাগে
- synonym: Cumilla
  examples: |
    - Comilla
    - কুমিল্লা
- lookup: district
  examples: |
    - Cumilla
'''


def test_strip_annotations_gives_plain_text_and_spans() -> None:
    text, ents = strip_annotations('go [Dubai]{"entity": "country", "value": "United Arab '
                                   'Emirates"} with [80k tk](amount:80000)')
    assert text == "go Dubai with 80k tk"
    assert [(e.entity, e.value, text[e.start : e.end]) for e in ents] == [
        ("country", "United Arab Emirates", "Dubai"), ("amount", "80000", "80k tk")]


def test_plain_annotation_uses_the_text_as_value() -> None:
    text, ents = strip_annotations("[Malaysia](country) jete koto")
    assert text == "Malaysia jete koto" and ents[0].value == "Malaysia"


def test_bad_json_is_an_error() -> None:
    with pytest.raises(AnnotationError):
        strip_annotations('[Dubai]{"entity": country}')


def test_read_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cost.yml").write_text(DATA, encoding="utf-8")
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n")
    data = read_nlu(tmp_path)
    assert [(e.lang, e.text) for e in data.examples] == [
        ("en", "how much to go to Saudi?"), ("en", "cost 4 KSA plz, 5 lakh?"),
        ("bn", "সৌদি যেতে কত টাকা লাগে")]
    assert data.synonyms == {"Comilla": "Cumilla", "কুমিল্লা": "Cumilla"}
    assert data.lookups == {"district": ["Cumilla"]}
    # Nothing is left out silently: the skipped files are listed with a reason.
    assert {Path(p).name for p, _ in data.skipped} == {"README.md", "domain.yml"}
    assert read_nlu(tmp_path / "sub" / "cost.yml").examples == data.examples


def test_broken_files_name_themselves(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text('nlu:\n- intent: greet\n  examples: |\n    hello without a dash\n')
    with pytest.raises(NLUDataError, match="bad.yml"):
        read_nlu(bad)
    bad.write_text("nlu: [unclosed\n")
    with pytest.raises(NLUDataError, match="bad.yml"):
        read_nlu(bad)


def test_the_project_data_reads_cleanly() -> None:
    from api.settings import ROOT
    from nlu.taxonomy import INTENTS, LANGUAGES

    data = read_nlu(ROOT / "nlu" / "data")
    assert set(data.intents) == set(INTENTS)
    assert {e.lang for e in data.examples} == set(LANGUAGES)
    assert all(e.entity in ("district", "country", "amount", "phone")
               for ex in data.examples for e in ex.entities)
