"""Issue 10 in the dialogue: what a person in danger gets, on every kind of channel, in their
language; unclear signs are asked about; only a keyword unsubscribes; the questionnaire survives
a false alarm. The real danger detector and the real intent model read every message."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from api.settings import ROOT
from bot.dialogue import respond
from bot.effects import AskForPerson, CaseDistrict, OptOut
from bot.facts import Facts
from bot.messages import InboundMessage
from bot.render import Resources
from bot.state import State
from bot.turn import Turn

PHONE = "+8801711000222"
ABROAD = "+8809610102030"


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


class Chat:
    """One person's conversation, turn by turn, as the service would run it (minus the I/O)."""

    def __init__(self, res: Resources, nlu: Any, channel: str = "sms", *,
                 responders: bool = True, state: State | None = None) -> None:
        self.res, self.nlu, self.channel = res, nlu, channel
        self.state = state or State()
        self.facts = Facts(today=date(2026, 12, 3), responders=responders,
                           sender_phone=PHONE if channel in ("sms", "whatsapp") else None)

    def say(self, text: str) -> Turn:
        message = InboundMessage(self.channel, PHONE, text, "p")  # type: ignore[arg-type]
        turn = respond(state=self.state, message=message, parse=self.nlu.parse(text),
                       res=self.res, facts=self.facts)
        self.state = turn.state
        return turn


def urgent(turn: Turn) -> AskForPerson | None:
    """The turn's urgent case, if it made one."""
    return next((e for e in turn.effects if isinstance(e, AskForPerson) and e.urgent), None)


def opted_out(turn: Turn) -> bool:
    return any(isinstance(e, OptOut) for e in turn.effects)


def text(turn: Turn) -> str:
    return "\n".join(r.text for r in turn.replies)


@pytest.mark.parametrize("message", [
    "আর বাঁচতে ইচ্ছা করে না", "মরে যেতে ইচ্ছে করছে", "ami morte chai",
    "i dont want to live anymore"])
def test_self_harm_gets_the_safe_page_and_an_urgent_case(res: Resources, nlu_model: Any,
                                                         message: str) -> None:
    turn = Chat(res, nlu_model).say(message)
    assert urgent(turn) is not None and not opted_out(turn)
    first = turn.replies[0].text
    assert "999" in first or "৯৯৯" in first  # emergency numbers come first
    assert turn.state.topic == "self_harm"
    made = urgent(turn)
    assert made is not None and made.category == "self_harm"


@pytest.mark.parametrize("message", [
    "my employer took my passport", "আমাকে মারধর করে", "amake atke rekheche",
    "amar bhai ke atke rekheche, bachan"])
def test_danger_abroad_is_urgent_with_the_emergency_page(res: Resources, nlu_model: Any,
                                                         message: str) -> None:
    turn = Chat(res, nlu_model).say(message)
    assert urgent(turn) is not None
    assert ABROAD in turn.replies[0].text or "+৮৮০৯৬১০১০২০৩০" in turn.replies[0].text


def test_sms_follow_ups_reach_the_rest_of_the_page(res: Resources, nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "sms")
    chat.state.lang, chat.state.lang_explicit = "en", True
    first = chat.say("they locked me in the room and beat me")
    assert urgent(first) is not None
    assert "Reply 1 for more" in text(first)
    more = chat.say("1")
    assert "Please reply with a number" not in text(more)
    rest = text(more) + text(chat.say("1"))
    assert "109" in rest and "16430" in rest  # women and children, legal aid: one reply away
    call = chat.say("CALL")
    assert urgent(call) is not None  # asking for a person after the emergency page is urgent


def test_bangla_more_word_works_after_the_emergency_page(res: Resources, nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "sms")
    chat.say("আমাকে আটকে রেখেছে, মারধর করছে")
    more = chat.say("আরও")
    assert "বুঝতে পারিনি" not in text(more) and "১" not in text(more)[:2]
    assert more.state.topic == "emergency_abroad" and more.state.page == 1


@pytest.mark.parametrize("channel", ["whatsapp", "telegram", "webchat", "messenger"])
def test_messengers_get_the_full_page(res: Resources, nlu_model: Any, channel: str) -> None:
    turn = Chat(res, nlu_model, channel).say("my employer took my passport and beats me")
    assert urgent(turn) is not None
    page = turn.replies[0].text
    assert ABROAD in page and "999" in page and "109" in page and "16430" in page


def test_the_promise_matches_who_will_act(res: Resources, nlu_model: Any) -> None:
    nobody = Chat(res, nlu_model, "sms", responders=False)
    nobody.state.lang = "en"
    turn = nobody.say("they beat me every day, help")
    assert urgent(turn) is not None
    assert "will call you" not in text(turn) and "cannot answer" in text(turn)
    somebody = Chat(res, nlu_model, "sms")
    somebody.state.lang = "en"
    turn = somebody.say("they beat me every day, help")
    assert "They will call you on this number" in text(turn)
    web = Chat(res, nlu_model, "webchat")
    web.state.lang = "en"
    assert "write to you here" in text(web.say("they beat me every day, help"))


def test_unknown_district_is_asked_and_routes_the_case(res: Resources, nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "sms")
    chat.state.lang = "en"
    turn = chat.say("they beat me every day, help")
    assert turn.state.awaiting == "case_district" and "district" in text(turn)
    routed = chat.say("Cumilla")
    assert [e for e in routed.effects if isinstance(e, CaseDistrict)] == [CaseDistrict("Cumilla")]
    known = Chat(res, nlu_model, "sms")
    known.state.lang, known.state.district = "en", "Sylhet"
    turn = known.say("they beat me every day, help")
    assert turn.state.awaiting != "case_district"
    made = urgent(turn)
    assert made is not None and made.district == "Sylhet"


@pytest.mark.parametrize("no", ["2", "২", "না", "no", "help", "bachao"])
def test_no_to_are_you_safe_means_danger(res: Resources, nlu_model: Any, no: str) -> None:
    chat = Chat(res, nlu_model, "sms")
    chat.state.lang = "bn"
    chat.state.awaiting, chat.state.safety_check = "safe_check", {"category": "violence",
                                                                  "intent": "nlu_fallback"}
    chat.state.options = {"1": "safe:yes", "2": "safe:no"}
    answer = chat.say(no)
    assert urgent(answer) is not None and "999" in text(answer)


def test_a_goodbye_the_model_doubts_is_asked_about_seriously(
        res: Resources, nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "sms")
    chat.state.lang = "bn"
    asked = chat.say("বিষের বোতল")
    # Not raised (two words the model doubts), but never let pass: named and taken seriously
    # (shared facts 7.3), the numbers at hand, and "2" is danger.
    assert urgent(asked) is None
    assert "একা নন" in text(asked) and "999" in text(asked)
    assert asked.state.awaiting == "safe_check"
    made = urgent(chat.say("2"))
    assert made is not None and made.category == "self_harm"


def test_a_goodbye_in_words_of_self_harm_the_model_agrees_with_is_urgent(
        res: Resources, nlu_model: Any) -> None:
    # Round 13: "tired of living" and the model's reading of self-harm agree, though the model
    # alone is below its band: the safe-messaging page and a person at once, not a question.
    chat = Chat(res, nlu_model, "sms")
    chat.state.lang = "en"
    turn = chat.say("TIRED OF LIVING. BYE")
    made = urgent(turn)
    assert made is not None and made.category == "self_harm"
    assert "not alone" in text(turn) and "999" in text(turn)


def test_safe_answer_goes_back_to_what_was_asked(res: Resources, nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "telegram")
    chat.state.lang = "en"
    chat.state.awaiting, chat.state.safety_check = "safe_check", {"category": "violence",
                                                                 "intent": "emergency_abroad"}
    chat.state.options = {"1": "safe:yes", "2": "safe:no"}
    turn = chat.say("yes")
    assert urgent(turn) is None and turn.state.topic == "emergency_abroad"
    chat.state.awaiting, chat.state.safety_check = "safe_check", {"category": "violence"}
    assert urgent(chat.say("না")) is not None


@pytest.mark.parametrize("message", [
    "please dont send me any more messages", "আর মেসেজ পাঠাবেন না", "msg pathaio na ar"])
def test_only_the_exact_keyword_unsubscribes(res: Resources, nlu_model: Any,
                                             message: str) -> None:
    turn = Chat(res, nlu_model).say(message)
    assert not opted_out(turn)
    assert opted_out(Chat(res, nlu_model).say("STOP"))
    assert opted_out(Chat(res, nlu_model).say("বন্ধ"))


def test_nothing_that_sounds_like_stop_unsubscribes_a_person_in_danger(
        res: Resources, nlu_model: Any) -> None:
    turn = Chat(res, nlu_model).say("আর বাঁচতে ইচ্ছা করে না")
    assert not opted_out(turn) and urgent(turn) is not None


def _in_questionnaire(res: Resources, nlu: Any, step: str) -> Chat:
    chat = Chat(res, nlu, "sms")
    chat.state = State(lang="bn", flow="register", step=step, flow_date="2026-12-03",
                       answers={"consent": "yes", "returned": "yes", "country": "Saudi Arabia"})
    return chat


@pytest.mark.parametrize("answer", ["2024 marche", "march 2024", "২০২৪ এর মার্চে"])
def test_a_date_in_the_questionnaire_is_an_answer_not_an_alarm(res: Resources, nlu_model: Any,
                                                               answer: str) -> None:
    chat = _in_questionnaire(res, nlu_model, "return_date")
    turn = chat.say(answer)
    assert urgent(turn) is None and turn.state.awaiting != "safe_check"
    assert turn.state.answers.get("return_date") == "2024-03"
    assert turn.state.step == "age" and not turn.state.flow_paused


def test_an_answer_that_may_also_be_danger_is_kept_and_we_ask(res: Resources,
                                                             nlu_model: Any) -> None:
    """"amake marche" is "in March" to the date reader and "they are beating me" to a person."""
    chat = _in_questionnaire(res, nlu_model, "return_date")
    turn = chat.say("malik amake marche")
    assert urgent(turn) is None and turn.state.awaiting == "safe_check"
    assert turn.state.answers.get("return_date")  # the answer stands
    no = chat.say("2")  # not safe: danger, an urgent case
    assert urgent(no) is not None and no.state.flow_paused


def test_danger_in_the_questionnaire_is_handled_then_it_resumes(res: Resources,
                                                               nlu_model: Any) -> None:
    chat = _in_questionnaire(res, nlu_model, "return_date")
    turn = chat.say("ora amake atke rekheche ar marche, bachao")
    assert urgent(turn) is not None
    assert turn.state.flow == "register" and turn.state.flow_paused
    assert turn.state.answers["country"] == "Saudi Arabia"  # nothing given is lost
    resumed = chat.say("নিবন্ধন")
    assert resumed.state.step == "return_date" and not resumed.state.flow_paused
    done = chat.say("মার্চ ২০২৪")
    assert done.state.answers.get("return_date") == "2024-03"


def test_false_alarm_in_the_questionnaire_says_so_and_resumes(res: Resources,
                                                             nlu_model: Any) -> None:
    chat = _in_questionnaire(res, nlu_model, "age")
    chat.state.awaiting, chat.state.safety_check = "safe_check", {"category": "violence"}
    turn = chat.say("১")  # "yes, I am safe"
    assert urgent(turn) is None
    assert turn.state.flow == "register" and turn.state.step == "age"
    assert not turn.state.flow_paused
    assert chat.say("৩৫").state.step != "age"  # the next answer goes where it belongs


def test_a_family_reporting_a_death_gets_the_death_page_and_a_person(res: Resources,
                                                                      nlu_model: Any) -> None:
    chat = Chat(res, nlu_model, "telegram")
    chat.state.lang = "en"
    turn = chat.say("my brother died in Saudi last night, how do we bring the body home")
    assert urgent(turn) is not None and turn.state.topic == "death_abroad"
    assert "35,000" in text(turn) and "Are you safe" not in text(turn)


@pytest.mark.parametrize("message", [
    "amar phone ta mara gese, notun number theke dicchi",  # a phone "died"
    # Read as a death by the intent classifier alone, with no danger word (session 21's chat).
    "my phone battery died yesterday, all fine now",
    "khobor e dekhlam kothao plane crash hoise, onek manush mara gese. allah reham korun",
])
def test_a_phone_or_the_news_gets_no_condolences(res: Resources, nlu_model: Any,
                                                  message: str) -> None:
    # Death words about a thing or strangers on the news: asked "Are you safe?" (numbers in
    # the question), never the death page that takes the death as the family's own.
    chat = Chat(res, nlu_model, "telegram")
    chat.state.lang = "en"
    turn = chat.say(message)
    assert urgent(turn) is None
    assert turn.state.topic != "death_abroad" and "35,000" not in text(turn)
    assert turn.state.awaiting == "safe_check"
