"""Language identification: script majority, then Banglish versus English."""

from __future__ import annotations

import pytest

from nlu.engine import BuiltinNLU
from nlu.langid import LanguageId
from nlu.normalise import normalise


@pytest.mark.parametrize(
    ("text", "lang"),
    [("বিদেশে যেতে কত টাকা লাগে", "bn"), ("how do I send money home", "en"),
     ("ami saudi jabo visa check korbo kivabe", "banglish"), ("BMET card কিভাবে পাবো", "bn"),
     ("taka pathabo kemne bhai", "banglish"), ("what documents do I need for a visa", "en")],
)
def test_trained_model(nlu_model: BuiltinNLU, text: str, lang: str) -> None:
    assert nlu_model.parse(text)["language"] == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [("ami kivabe taka pathabo", "banglish"), ("where is the office", "en"),
     ("১২৩ ok", "en"), ("", "bn"), ("😀", "bn"), ("मुझे मदद चाहिए", "bn")],
)
def test_without_a_model(text: str, lang: str) -> None:
    # With no letters at all, or only other scripts, Bengali wins the tie.
    assert LanguageId().detect(normalise(text).text) == lang


def test_mixed_script_is_bn_from_a_quarter_of_bengali_letters() -> None:
    lid = LanguageId()
    assert lid.detect(normalise("visa check korte chai ভাই").text) == "banglish"
    assert lid.detect(normalise("আমি সৌদি যাবো visa").text) == "bn"
    # English words fill a Bangla sentence: still a Bengali reader.
    assert lid.detect(normalise("dalal bolse italy nibe, ৫ লাখ টাকা চায়, ki korbo").text) == "bn"
    assert lid.detect(normalise("amar BMET card processing complete hoyeche ভাই").text) \
        == "banglish"
