"""The intent handlers' registry (bot/handlers.py): every intent of the taxonomy is answered by
a handler or a topic page, and a handler is registered under a real intent, once."""

from __future__ import annotations

import pytest

from api.settings import ROOT
from bot import handlers
from bot.content import Library
from nlu.taxonomy import FALLBACK, INTENTS, REFINES


def test_every_intent_has_a_handler_or_a_topic() -> None:
    lib = Library.load(ROOT / "content")
    unanswered = [i for i in (*INTENTS, FALLBACK) if i not in handlers.HANDLERS
                  and not lib.topic_for_intent(i) and not lib.topic_for_intent(REFINES.get(i, ""))]
    assert unanswered == []


def test_a_handler_for_a_name_outside_the_taxonomy_fails_at_import() -> None:
    with pytest.raises(ValueError, match="not intents"):
        handlers.handles("greeting")  # misspelt: "greet"


def test_an_intent_has_one_handler() -> None:
    with pytest.raises(ValueError, match="already has a handler"):
        handlers.handles("greet")(lambda ctx, text: handlers.greet(ctx, text))
    assert handlers.HANDLERS["greet"] is handlers.greet
