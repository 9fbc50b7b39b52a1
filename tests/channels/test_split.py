"""SMS splitting at grapheme clusters, and the opt-out keywords."""

from __future__ import annotations

import unicodedata

import pytest

from bot.delivery import as_text
from bot.graphemes import clusters, split_chars, truncate
from bot.messages import Button, OutboundMessage
from bot.optout import keyword
from bot.sms import cost, split

BANGLA = ("বিদেশে যাওয়ার আগে অবশ্যই সরকারি নিবন্ধন করুন। প্রবাসী কল্যাণ ও বৈদেশিক কর্মসংস্থান "
          "মন্ত্রণালয়ের ওয়েবসাইটে তথ্য পাবেন। স্ত্রী, ক্ষমা, র্কা, ন্ত্র্য, জ়ে ")


def cut_points(pieces: list[str], text: str) -> list[int]:
    """Where in `text` each piece starts."""
    points, at = [], 0
    for piece in pieces:
        at = text.index(piece, at)
        points.append(at)
        at += len(piece)
    return points


@pytest.mark.parametrize("max_parts", [1, 2, 3])
def test_bangla_is_cut_only_between_clusters(max_parts: int) -> None:
    text = (BANGLA * 6).strip()
    pieces = split(text, max_parts)
    assert len(pieces) > 1
    assert all(cost(p).parts <= max_parts for p in pieces)
    assert " ".join(pieces).split() == text.split() or "".join(pieces).replace(" ", "") == \
        text.replace(" ", "")
    boundaries = {0}
    for c in clusters(text):
        boundaries.add(max(boundaries) + len(c))
    for at in cut_points(pieces, text):
        assert at in boundaries
    for piece in pieces:
        assert unicodedata.category(piece[0]) not in ("Mn", "Mc")
        assert not piece.endswith("\u09cd")  # never a dangling hasanta


def test_conjuncts_are_one_cluster() -> None:
    assert list(clusters("ক্ষ স্ত্রী র্কা জ়")) == ["ক্ষ", " ", "স্ত্রী", " ", "র্কা", " ", "জ়"]
    assert list(clusters("র\u200dয")) == ["র\u200dয"]


def test_english_stays_gsm_and_prefers_spaces() -> None:
    pieces = split("word " * 100, 1)
    assert all(cost(p).encoding == "GSM-7" and cost(p).units <= 160 for p in pieces)
    assert all(p.split() == ["word"] * len(p.split()) for p in pieces)


def test_a_mixed_text_measures_each_piece_on_its_own() -> None:
    pieces = split("Send money home safely. " * 8 + BANGLA, 1)
    assert cost(pieces[0]).encoding == "GSM-7"
    assert all(cost(p).parts == 1 for p in pieces)


def test_short_and_empty_texts() -> None:
    assert split("hello") == ["hello"] and split("   ") == []
    with pytest.raises(ValueError):
        split("x", 0)


def test_chars_and_truncation_keep_clusters() -> None:
    assert all(len(p) <= 50 for p in split_chars(BANGLA * 3, 50))
    short = truncate("স্ত্রীর ক্ষমা চাই অনেক দিন", 8)
    assert len(short) <= 8 and short.endswith("…") and short[-2] != "\u09cd"


def test_buttons_become_a_numbered_list_where_there_are_none() -> None:
    reply = OutboundMessage("Choose:", "bn", (Button("ভিসা", "topic:visa"),
                                             Button("টাকা", "topic:money")))
    assert as_text(reply) == "Choose:\n১. ভিসা\n২. টাকা"
    numbered = OutboundMessage("Menu\n1. a\n2. b", "en", (Button("a", "x"),))
    assert as_text(numbered) == numbered.text


@pytest.mark.parametrize("text", ["STOP", "stop!", "Unsubscribe", "CANCEL", "end", "Quit",
                                  "বন্ধ", "বন্ধ।", "মেসেজ বন্ধ", "bondho", "Bondho koro",
                                  "/stop"])
def test_stop_words(text: str) -> None:
    assert keyword(text) == "stop"


@pytest.mark.parametrize("text", ["START", "start", "/start", "unstop", "চালু", "shuru"])
def test_start_words(text: str) -> None:
    assert keyword(text) == "start"


@pytest.mark.parametrize("text", ["stop the agent from taking my passport", "দোকান বন্ধ ছিল",
                                  "weekend", "hello", "send money"])
def test_sentences_are_not_keywords(text: str) -> None:
    assert keyword(text) is None
