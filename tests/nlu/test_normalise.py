"""The normaliser: what it changes, and that offsets still point into the original."""

from __future__ import annotations

import unicodedata

from nlu.normalise import MAX_CHARS, fold_digits, normalise


def test_lower_case_digits_spaces_and_repeats() -> None:
    norm = normalise("  Plzzzzz   send   ৫০০০ TK!!!!  ")
    assert norm.text == "plzz send 5000 tk!!"


def test_digits_are_never_collapsed() -> None:
    assert normalise("1000000 taka").text == "1000000 taka"


def test_zero_width_and_control_characters_are_removed() -> None:
    text = "খুল\u200cনা\u200d \x00ঢাকা\ufeff"
    assert normalise(text).text == "খুলনা ঢাকা"


def test_nfc_and_offsets_point_into_the_original() -> None:
    # "য়" written as two code points, and a zero-width joiner inside a word.
    text = "আমি খুলনায়\u200d যাবো"
    norm = normalise(text)
    assert norm.text == unicodedata.normalize("NFC", "আমি খুলনায় যাবো")
    start = norm.text.index("খুলনায়")
    s, e = norm.original_span(start, start + len("খুলনায়"))
    assert text[s:e].startswith("খুলনায়")


def test_offsets_survive_collapsing() -> None:
    text = "hiiiii   dhaka"
    norm = normalise(text)
    s, e = norm.original_span(norm.text.index("dhaka"), len(norm.text))
    assert text[s:e] == "dhaka"


def test_tokens_keep_bengali_vowel_signs_and_drop_the_danda() -> None:
    assert [t for t, _, _ in normalise("কিভাবে যাবো। ok").tokens()] == ["কিভাবে", "যাবো", "ok"]


def test_long_input_is_capped() -> None:
    assert len(normalise("a b " * 10_000).text) <= MAX_CHARS


def test_fold_digits_keeps_length() -> None:
    assert fold_digits("০১৭১২-৩৪৫৬৭৮") == "01712-345678"
