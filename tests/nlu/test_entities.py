"""Entity extractors: districts, countries, amounts, phones, with spans into the original."""

from __future__ import annotations

import pytest

from nlu.entities import Gazetteer, extract_entities
from nlu.entities.amount import find_amounts
from nlu.entities.phone import find_phones
from nlu.normalise import normalise


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    # Built-in names only, and a few everyday words that must never be taken for places.
    return Gazetteer.build(common_words={"nature", "ami", "jabo", "office", "kothay"})


def places(gaz: Gazetteer, text: str) -> list[tuple[str, str, str]]:
    return [(e["entity"], e["value"], text[e["start"] : e["end"]])
            for e in gaz.find(normalise(text))]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [("খুলনায় অফিস কোথায়", "Khulna", "খুলনায়"), ("সিলেটে কাজ আছে", "Sylhet", "সিলেটে"),
     ("sylhete office ase?", "Sylhet", "sylhete"), ("comillar lok", "Cumilla", "comillar"),
     ("ami dhakay thaki", "Dhaka", "dhakay"), ("I live in Chittagong", "Chattogram", "Chittagong"),
     ("Cox's Bazar e office", "Cox's Bazar", "Cox's Bazar"), ("কুমিল্লা", "Cumilla", "কুমিল্লা"),
     ("barisal", "Barishal", "barisal"), ("from Jessore", "Jashore", "Jessore")],
)
def test_districts_in_any_script_and_inflection(gazetteer: Gazetteer, text: str, value: str,
                                                surface: str) -> None:
    assert places(gazetteer, text) == [("district", value, surface)]


@pytest.mark.parametrize(("text", "value"), [("noakhli theke", "Noakhali"),
                                             ("chittagon e office", "Chattogram"),
                                             ("kumillah", "Cumilla"), ("mymensing", "Mymensingh")])
def test_misspelt_districts(gazetteer: Gazetteer, text: str, value: str) -> None:
    found = gazetteer.find(normalise(text))
    assert [e["value"] for e in found] == [value]
    assert found[0]["confidence"] <= 1.0


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [("Dubai jabo", "United Arab Emirates", "Dubai"), ("KSA visa", "Saudi Arabia", "KSA"),
     ("সৌদি যেতে চাই", "Saudi Arabia", "সৌদি"), ("সৌদি আরবে যাবো", "Saudi Arabia", "সৌদি আরবে"),
     ("dubaite kaj", "United Arab Emirates", "dubaite"), ("মালয়েশিয়ায়", "Malaysia", "মালয়েশিয়ায়"),
     ("going to Qatar", "Qatar", "Qatar")],
)
def test_countries(gazetteer: Gazetteer, text: str, value: str, surface: str) -> None:
    assert places(gazetteer, text) == [("country", value, surface)]


@pytest.mark.parametrize(
    "text",
    ["taka pabna?", "ami bhola jabo na", "what is the nature of the work", "ami jabo",
     "how are you", "send money home", "kemon achen", "hello brother", "ok thanks",
     "amar passport nai", "office kothay", "us embassy", "salary 500 riyal", "বেতন ৫০০ রিয়ালে", "rashid bhai",
     "i am hungry", "the bmet portal"],
)
def test_no_places_in_everyday_words(gazetteer: Gazetteer, text: str) -> None:
    assert places(gazetteer, text) == []


def test_ambiguous_names_count_with_context(gazetteer: Gazetteer) -> None:
    assert places(gazetteer, "amar bari pabna") == [("district", "Pabna", "pabna")]
    assert places(gazetteer, "Bhola theke") == [("district", "Bhola", "Bhola")]
    assert places(gazetteer, "pabnay office ache") == [("district", "Pabna", "pabnay")]


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [("5 lakh", 500_000, "5 lakh"), ("৫০ হাজার", 50_000, "৫০ হাজার"), ("80k tk", 80_000, "80k tk"),
     ("1,65,000 taka", 165_000, "1,65,000 taka"), ("২.৫ লাখ", 250_000, "২.৫ লাখ"),
     ("50 hajar", 50_000, "50 hajar"), ("Tk 1,65,000 fee", 165_000, "Tk 1,65,000"),
     ("সাড়ে ছয় লাখ নিছে", 650_000, "সাড়ে ছয় লাখ"), ("৪ লক্ষ ৫০ হাজার", 450_000, "৪ লক্ষ ৫০ হাজার"),
     ("dedh lakh taka", 150_000, "dedh lakh taka"), ("৳৫০০০", 5_000, "৳৫০০০"),
     ("1 lakh 65 hajar tk dilam", 165_000, "1 lakh 65 hajar tk")],
)
def test_amounts(text: str, value: float, surface: str) -> None:
    found = find_amounts(normalise(text))
    assert [(e["value"], text[e["start"] : e["end"]]) for e in found] == [(value, surface)]


@pytest.mark.parametrize("text", ["2024 sale", "5kg chal", "i am at home", "room 12", "ami 3 bar",
                                  "onek dhonnobad", "amake ghore atke rakhse",
                                  "hw much tk 4 kuwait visa", "in 2024 i went", "call 5000 times"])
def test_no_amounts_without_currency_or_multiplier(text: str) -> None:
    assert find_amounts(normalise(text)) == []


def test_other_large_numbers_in_a_money_message_are_amounts() -> None:
    text = "আব্বা ৫০,০০০ এর জায়গায় ৫১,২৫০ টাকা পেয়েছে"
    found = find_amounts(normalise(text))
    assert [(e["value"], text[e["start"] : e["end"]]) for e in found] == [
        (50_000, "৫০,০০০"), (51_250, "৫১,২৫০ টাকা")]


@pytest.mark.parametrize(
    ("text", "surface"),
    [("amar number 01712-345678", "01712-345678"), ("+8801712345678 e call", "+8801712345678"),
     ("০১৭১২৩৪৫৬৭৮ এ ফোন দিন", "০১৭১২৩৪৫৬৭৮"), ("call 017 1234 5678", "017 1234 5678")],
)
def test_phones(text: str, surface: str) -> None:
    found = find_phones(text)
    assert [(e["value"], text[e["start"] : e["end"]]) for e in found] == [
        ("+8801712345678", surface)]


@pytest.mark.parametrize("text", ["call 16135", "999", "5 lakh", "+966 50 123 4567", "12345"])
def test_no_phone_in_short_codes_or_foreign_numbers(text: str) -> None:
    assert find_phones(text) == []


def test_a_phone_number_is_not_an_amount(gazetteer: Gazetteer) -> None:
    text = "01812345678 taka pathan"
    found = extract_entities(normalise(text), gazetteer)
    assert [e["entity"] for e in found] == ["phone"]


def test_spans_follow_the_original_text_with_invisible_characters(gazetteer: Gazetteer) -> None:
    text = "\u200bআমি  খুলনা\u200cয় থাকি, ৫ লাখ টাকা"
    found = extract_entities(normalise(text), gazetteer)
    assert [(e["entity"], e["value"]) for e in found] == [("district", "Khulna"),
                                                          ("amount", 500_000)]
    assert text[found[0]["start"] : found[0]["end"]] == "খুলনা\u200cয়"
    assert text[found[1]["start"] : found[1]["end"]] == "৫ লাখ টাকা"
    assert all(set(e) == {"entity", "value", "start", "end", "confidence", "extractor"}
               for e in found)
