"""`prottasha nlu review`: what the bot did not understand, masked, as Rasa YAML to label."""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.engine import BuiltinNLU
from nlu.rasa_yaml import read_nlu
from nlu.review import Item, Stored, collect, mask, to_yaml


def test_mask_removes_numbers_names_and_links(nlu_model: BuiltinNLU) -> None:
    cases = {
        "amar nam Rofiqul Islam, 01711-222333 e call den": ("Rofiqul", "01711", "222333"),
        "আমার নাম রফিকুল, নম্বর ০১৭১১২২২৩৩৩": ("রফিকুল", "০১৭১১২২২৩৩৩"),
        "my name is Shahnaz Parvin and the dalal took 2,50,000 taka": ("Shahnaz", "Parvin",
                                                                       "2,50,000"),
        "write to mokbul.x@example.com or see www.example.org/x": ("mokbul", "example"),
        "my passport no is EB0123456": ("EB0123456",),
    }
    for text, secrets in cases.items():
        out = mask(text, nlu_model)
        for secret in secrets:
            assert secret.lower() not in out.lower(), (text, out)
        assert "<" in out


def test_mask_keeps_what_the_model_knows_and_places(nlu_model: BuiltinNLU) -> None:
    out = mask("saudi jete koto taka lage, ami cumilla theke", nlu_model)
    assert out == "saudi jete koto taka lage, ami cumilla theke"
    out = mask("Zorbulex ke bolo visa kivabe check korbo", nlu_model)
    assert out.startswith("<word>") and "visa kivabe check korbo" in out


def test_collect_merges_near_copies_and_puts_the_frequent_unsure_first(
        nlu_model: BuiltinNLU) -> None:
    messages = [Stored("xq lorum ipsa dolor", "nlu_fallback", 0.3),
                *[Stored("ebar hajj korte koto khoroch porbe bhai", "migration_cost", 0.5)] * 3,
                Stored("saudi jete koto taka lage", "migration_cost", 0.99)]
    items = collect(messages, nlu_model, below=0.8, known=["saudi jete koto taka lage"])
    texts = [i.text for i in items]
    assert "saudi jete koto taka lage" not in texts  # in the training data already
    if any("hajj" in t for t in texts):  # still unsure with this model: merged, first
        assert items[0].count >= 3 and "hajj" in items[0].text


def test_export_is_rasa_yaml_that_training_skips_until_reviewed(tmp_path: Path) -> None:
    items = [Item("ebar hajj korte koto khoroch", "banglish", "out_of_scope", 0.4, 2)]
    path = tmp_path / "review.yml"
    path.write_text(to_yaml(items), encoding="utf-8")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["nlu"][0]["intent"] == "out_of_scope"
    assert doc["nlu"][0]["metadata"]["reviewed"] is False
    data = read_nlu(path)
    assert data.examples == [] and "not reviewed" in data.skipped[0][1]
    # The annotator confirms the label: now it is training data.
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: false",
                                                             "reviewed: true"), encoding="utf-8")
    assert [e.text for e in read_nlu(path).examples] == ["ebar hajj korte koto khoroch"]


def test_a_word_many_people_use_stays_a_word_one_person_types_does_not(
        nlu_model: BuiltinNLU) -> None:
    topic = "qurbanihat"  # a word the training data does not have
    assert f"w:{topic}" not in nlu_model.intents.vocab
    asked = [Stored(f"ebar {topic} e koto khoroch porbe {tail}", None, None, f"person{i}")
             for i, tail in enumerate(("bhai", "vai", "apa"))]
    once = Stored(f"Zorbulex bhai {topic} er kotha bolse", None, None, "person9")
    items = collect([*asked, once], nlu_model, below=1.0)
    texts = " ".join(i.text for i in items)
    assert topic in texts and "Zorbulex" not in texts
    # Two senders are not enough: the word is masked.
    few = collect(asked[:2], nlu_model, below=1.0)
    assert few and all(topic not in i.text for i in few)
