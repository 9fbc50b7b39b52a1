"""Bangla replies name their keywords in Bangla, with the English word beside it for phones that
cannot type Bangla ("মেনু (বা MENU)"), and both words do the same thing (issue 15, point 4)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from api.settings import ROOT
from bot import keywords, optout

# What each keyword a reply may name does, by the dialogue's own word lists.
ACTIONS = {"MENU": keywords.MENU_WORDS, "REG": keywords.REG_WORDS,
           "STATUS": keywords.STATUS_WORDS, "DELETE": keywords.DELETE_WORDS,
           "YES": keywords.YES_WORDS, "STOP": optout.STOP_WORDS, "START": optout.START_WORDS}
PAIR = re.compile(r"(\S+) \(বা ([A-Z]+)\)")
BARE = re.compile(r"\b(MENU|REG|STATUS|DELETE|YES|START|STOP|CALL)\b")


def _bangla_texts() -> list[str]:
    texts = [m.string for m in read_po((ROOT / "bot/locale/bn/LC_MESSAGES/messages.po").open("rb"))
             if m.id and isinstance(m.string, str) and m.string]

    def walk(node: object) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key not in ("sources", "review_notes"):  # notes for editors, in English
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(Path(ROOT / "content" / "bn").rglob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return texts


def test_every_keyword_in_a_bangla_reply_is_bangla_first_and_both_words_work() -> None:
    texts = _bangla_texts()
    pairs = [pair for text in texts for pair in PAIR.findall(text)]
    assert len(pairs) >= 8
    for bangla, english in pairs:
        words = ACTIONS[english]
        assert bangla.lower() in words and english.lower() in words, (bangla, english)
    for text in texts:
        # An English keyword stands only in brackets after its Bangla word. (Staff pages
        # explain STOP as the keyword people send: "যিনি STOP লিখেছেন" is about them.)
        bare = BARE.findall(PAIR.sub("", text))
        assert not bare or "লিখেছেন" in text or "লেখেননি" in text, text
