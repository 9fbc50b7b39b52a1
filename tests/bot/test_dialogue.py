"""The dialogue is pure: these tests give it a state, a parse and a message, and read the turn."""

from __future__ import annotations

from typing import Any

import pytest

from api.settings import ROOT
from bot.dialogue import respond
from bot.effects import OptOut
from bot.messages import InboundMessage
from bot.render import Resources
from bot.state import State


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


def parse(intent: str, language: str = "en", **entities: str) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": 0.95}, "language": language,
            "entities": [{"entity": k, "value": v} for k, v in entities.items()]}


def say(res: Resources, state: State, text: str, p: dict[str, Any] | None = None,
        channel: str = "webchat"):  # type: ignore[no-untyped-def]
    msg = InboundMessage(channel=channel, user_id="u", text=text, provider_id="x")  # type: ignore[arg-type]
    return respond(state=state, message=msg, parse=p or parse("nlu_fallback"), res=res)


def test_greeting_in_the_language_written(res: Resources) -> None:
    en = say(res, State(), "hello", parse("greet", "en"))
    bn = say(res, State(), "হ্যালো", parse("greet", "bn"))
    assert en.state.lang == "en" and "Prottasha" in en.replies[0].text
    assert bn.state.lang == "bn" and "প্রত্যাশা" in bn.replies[0].text


def test_main_menu_is_numbered_with_buttons(res: Resources) -> None:
    turn = say(res, State(lang="en"), "menu")
    menu = turn.replies[-1]
    lines = [line for line in menu.text.splitlines() if line[:1].isdigit()]
    assert len(lines) >= 4
    assert len(menu.buttons) == len(lines)
    assert turn.state.options["1"] == menu.buttons[0].payload


def test_bangla_digit_chooses_from_the_menu(res: Resources) -> None:
    menu = say(res, State(lang="bn"), "মেনু", parse("help_menu", "bn"))
    submenu = say(res, menu.state, "১")
    assert submenu.state.options["0"] == "menu:main"
    topic = say(res, submenu.state, "১")
    assert topic.state.topic is not None
    assert any("\u0980" <= c <= "\u09ff" for c in topic.replies[0].text)


def test_explicit_language_change_sticks(res: Resources) -> None:
    turn = say(res, State(lang="en"), "Please reply in Bangla", parse("change_language", "en"))
    assert turn.state.lang == "bn" and turn.state.lang_explicit
    later = say(res, turn.state, "how do I send money", parse("remittance_channels", "en"))
    assert later.state.lang == "bn"
    assert any("\u0980" <= c <= "\u09ff" for c in later.replies[0].text)


def test_writing_in_another_language_switches_until_chosen(res: Resources) -> None:
    turn = say(res, State(lang="en"), "টাকা পাঠাবো কিভাবে", parse("remittance_channels", "bn"))
    assert turn.state.lang == "bn"


def test_banglish_gets_bangla_on_messengers_and_banglish_on_sms(res: Resources) -> None:
    p = parse("hundi_risk", "banglish")
    assert say(res, State(), "hundi te taka pathano safe?", p).state.lang == "bn"
    sms = say(res, State(), "hundi te taka pathano safe?", p, channel="sms")
    assert sms.state.lang == "banglish"
    assert sms.replies[0].text.startswith(res.library.topic("hundi_risk", "banglish")
                                          .sms_pages[0][:20])
    # A programme may choose English or Bangla script instead (SMS_BANGLISH_REPLY).
    english = Resources.load(ROOT / "content", ROOT / "nlu" / "data", sms_banglish_reply="en",
                             danger=res.danger)
    assert say(english, State(), "hundi te taka pathano safe?", p,
               channel="sms").state.lang == "en"


def test_banglish_chosen_on_sms_and_kept_apart_from_messengers(res: Resources) -> None:
    menu = say(res, State(lang="bn"), "language", parse("change_language", "en"), channel="sms")
    assert menu.state.options["3"] == "lang:banglish"
    chosen = say(res, menu.state, "3", channel="sms")
    assert chosen.state.lang == "banglish" and chosen.state.lang_explicit
    assert not any("\u0980" <= c <= "\u09ff" for r in chosen.replies for c in r.text)
    # A messenger has no Banglish pages: the same choice there is Bangla script.
    web_menu = say(res, State(lang="en"), "language", parse("change_language", "en"))
    assert "3" not in web_menu.state.options
    assert say(res, State(lang="banglish"), "q", parse("hundi_risk", "en")).state.lang == "bn"


def test_a_number_alone_does_not_change_language(res: Resources) -> None:
    menu = say(res, State(lang="bn"), "menu", parse("help_menu", "en"))
    assert menu.state.lang == "bn"


def test_out_of_range_number_reasks_without_losing_the_menu(res: Resources) -> None:
    menu = say(res, State(lang="en"), "menu")
    turn = say(res, menu.state, "42")
    assert "1 to" in turn.replies[0].text
    assert turn.state.options == menu.state.options


def test_fallback_offers_the_menu_then_a_person(res: Resources) -> None:
    first = say(res, State(lang="en"), "asdf qwer", parse("nlu_fallback"))
    assert first.replies[-1].buttons  # the menu
    second = say(res, first.state, "zzzz", parse("nlu_fallback"))
    assert "call" in second.replies[0].text.lower()


def test_every_informational_intent_answers_with_its_topic(res: Resources) -> None:
    for (topic_id, lang), topic in res.library.topics.items():
        for intent in topic.intents:
            turn = say(res, State(lang=lang), "q", parse(intent, lang))
            if intent == "self_harm":  # the classifier alone never decides: we ask
                assert turn.state.awaiting == "safe_check", lang
                continue
            assert turn.state.topic == topic_id, (intent, lang)
            assert "{" not in turn.replies[0].text, (intent, lang)  # every figure filled in


def test_sms_pages_with_more(res: Resources) -> None:
    paged = next(t for t in res.library.topics.values() if len(t.sms_pages) > 1 and t.lang == "en")
    intent = paged.intents[0]
    first = say(res, State(lang="en"), "q", parse(intent), channel="sms")
    assert first.state.options.get("1") == "more"
    assert not first.replies[0].buttons
    second = say(res, first.state, "1", channel="sms")
    assert second.state.page == 1
    assert second.replies[0].text != first.replies[0].text


def test_centre_for_the_district_in_the_message(res: Resources) -> None:
    turn = say(res, State(lang="en"), "office in habiganj",
               parse("service_center_location", "en", district="Habiganj"))
    assert "Sylhet" in turn.replies[0].text


def test_centre_asks_for_the_district_then_answers(res: Resources) -> None:
    ask = say(res, State(lang="en"), "where is your office", parse("service_center_location"))
    assert ask.state.awaiting == "district"
    answer = say(res, ask.state, "khulna", parse("nlu_fallback", "en", district="Khulna"))
    assert "Khulna" in answer.replies[0].text
    # No centre has its own number yet: the national line is never passed off as the centre's.
    assert "Phone: 16135" not in answer.replies[0].text
    assert "not published" in answer.replies[0].text and "16135" in answer.replies[0].text


def test_opt_out_is_an_effect(res: Resources) -> None:
    turn = say(res, State(lang="en"), "STOP", parse("opt_out"))
    assert turn.effects == [OptOut()]


def test_unknown_payload_like_text_never_shows_raw_keys(res: Resources) -> None:
    turn = say(res, State(lang="en"), "topic:no_such_topic")
    assert "no_such_topic" not in turn.replies[0].text


def test_a_keyword_we_asked_for_does_not_change_the_language(res: Resources) -> None:
    # "STATUS" and "REG" are in Latin letters in every language's replies: sending one back is
    # not writing English.
    for lang in ("bn", "banglish"):
        turn = say(res, State(lang=lang), "STATUS", parse("ticket_status", "en"), channel="sms")
        assert turn.state.lang == lang
        assert "registration" not in turn.replies[0].text, turn.replies[0].text
    assert say(res, State(lang="bn"), "where do I send money from",
               parse("remittance_channels", "en")).state.lang == "en"  # a sentence still does


def test_a_number_out_of_range_of_one_choice_is_not_asked_for_1_to_1(res: Resources) -> None:
    paged = next(t for t in res.library.topics.values() if len(t.sms_pages) > 1 and t.lang == "en")
    first = say(res, State(lang="en"), "q", parse(paged.intents[0]), channel="sms")
    assert sorted(first.state.options) == ["0", "1"]
    turn = say(res, first.state, "5", channel="sms")
    assert turn.replies[0].text == "Please reply 1, or 0 for the menu."
    assert turn.state.options == first.state.options
