"""Romanising Bangla the way people type Banglish, and the shared spelling fold."""

from __future__ import annotations

import unicodedata

import pytest

from nlu.features import phonetic_key
from nlu.translit import fold, romanise_word


@pytest.mark.parametrize(
    ("bangla", "latin"),
    [("কিভাবে", "kivabe"), ("টাকা", "taka"), ("লাগবে", "lagbe"), ("করবো", "korbo"),
     ("ভিসা", "visa"), ("পাসপোর্ট", "pasport"), ("দালাল", "dalal"), ("ধন্যবাদ", "dhonnobad")],
)
def test_romanise(bangla: str, latin: str) -> None:
    assert romanise_word(unicodedata.normalize("NFC", bangla)) == latin


@pytest.mark.parametrize(("a", "b"), [("kibhabe", "kivabe"), ("takka", "taka"),
                                      ("bhai", "vai"), ("dhonnobad", "dhonyobad")])
def test_spelling_variants_fold_together(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_bangla_and_banglish_share_a_key() -> None:
    assert phonetic_key("কিভাবে") == phonetic_key("kibhabe")
    assert phonetic_key("পাঠাবো") == phonetic_key("pathabo")
