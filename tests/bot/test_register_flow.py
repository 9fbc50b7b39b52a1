"""The returnee questionnaire through the pure dialogue, as a person would answer it."""

from __future__ import annotations

from datetime import date

import pytest

from api.settings import ROOT
from bot.dialogue import respond
from bot.effects import AskForPerson, Effect, Erase, Register
from bot.facts import Facts, TicketInfo
from bot.messages import InboundMessage
from bot.render import Resources
from bot.state import State
from bot.turn import Turn

TODAY = date(2026, 11, 28)
SENDER = "+8801712345678"


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


class Person:
    """Talks to the dialogue over one channel, keeping the state between messages."""

    def __init__(self, res: Resources, channel: str = "sms", lang: str | None = None,
                 facts: Facts | None = None) -> None:
        self.res, self.channel = res, channel
        self.state = State(lang=lang)
        self.facts = facts or Facts(today=TODAY, sender_phone=SENDER, new_reference="PR-TEST1")
        self.effects: list[Effect] = []

    def say(self, text: str, intent: str = "nlu_fallback", language: str = "bn",
            **entities: str) -> Turn:
        parse = {"intent": {"name": intent, "confidence": 0.95}, "language": language,
                 "entities": [{"entity": k, "value": v} for k, v in entities.items()]}
        msg = InboundMessage(channel=self.channel, user_id=SENDER, text=text,  # type: ignore[arg-type]
                             provider_id="x")
        turn = respond(state=self.state, message=msg, parse=parse, res=self.res, facts=self.facts)
        self.state = turn.state
        self.effects += turn.effects
        return turn

    def last(self, turn: Turn) -> str:
        return "\n".join(r.text for r in turn.replies)


BANGLA_ANSWERS = [  # Habiganj, Bangla script and Bangla digits
    ("১", "consent"), ("১", "returned"), ("সৌদি আরব", "country"), ("৩ মাস আগে", "return_date"),
    ("৩৫", "age"), ("২", "gender"), ("হবিগঞ্জ", "district"), ("০", "upazila"),
    ("২", "return_reason"), ("১", "income"), ("৪", "debt"), ("২", "health_problem"),
    ("১", "distress"), ("৫", "dependants"), ("১ ২", "needs"), ("১", "phone"),
]


def test_bangla_registration_end_to_end(res: Resources) -> None:
    p = Person(res, lang="bn")
    start = p.say("নিবন্ধন")
    assert "DELETE" in p.last(start) and p.state.step == "consent"
    assert "মুছুন (বা DELETE)" in p.last(start)  # the Bangla keyword first (docs/glossary.md)
    for text, step in BANGLA_ANSWERS:
        assert p.state.step == step, (text, p.state.step)
        turn = p.say(text, **({"district": "Habiganj"} if step == "district" else {}),
                     **({"country": "Saudi Arabia"} if step == "country" else {}))
    assert p.state.step == "confirm"
    summary = p.last(turn)  # names in Bangla in a Bangla reply
    assert "সৌদি আরব" in summary and "হবিগঞ্জ" in summary and "Saudi" not in summary
    done = p.say("১")
    effect = p.effects[-1]
    assert isinstance(effect, Register)
    answers = effect.answers
    assert answers["district"] == "Habiganj" and effect.centre == "sylhet"
    assert answers["return_date"] == "2026-08" and answers["age"] == 35
    assert answers["phone"] == SENDER and answers["needs"] == ["business", "skills"]
    # deported +20, no income +20, debt over 5 lakh +15, distress often +15, 5 dependants +10
    assert effect.decision == "eligible" and effect.score == 80
    assert effect.rules_version == "default-1" and effect.refer and effect.priority == "high"
    text = p.last(done)
    assert "PR-TEST1" in text and "সিলেট" in text and "কারণ" in text
    assert p.state.flow is None and p.state.answers == {}


def test_english_with_words_and_fuzzy_district(res: Resources) -> None:
    p = Person(res, lang="en", channel="webchat",
               facts=Facts(today=TODAY, new_reference="PR-EN"))
    p.say("REG", language="en")
    for text in ["yes", "yes", "Kuwait", "March 2026", "41", "female"]:
        p.say(text, language="en", **({"country": "Kuwait"} if text == "Kuwait" else {}))
    assert p.state.step == "district"
    offer = p.say("komilla", language="en")  # close, not sure: ask
    assert p.state.pending == ["Cumilla"] and "Did you mean Cumilla?" in p.last(offer)
    p.say("2", language="en")  # no: ask again
    assert p.state.step == "district" and not p.state.pending
    p.say("habigonjj", language="en")  # a typo close enough to take
    assert p.state.answers["district"] == "Habiganj" and p.state.step == "upazila"
    p.say("back", language="en")
    several = p.say("Hobigonj, Sylhet", language="en")  # two districts named: pick one
    assert p.state.pending == ["Sylhet", "Habiganj"] or p.state.pending == ["Habiganj", "Sylhet"]
    assert "1." in p.last(several)
    p.say(str(p.state.pending.index("Habiganj") + 1), language="en")
    assert p.state.answers["district"] == "Habiganj"


def test_reask_keeps_the_question(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("REG", language="en")
    p.say("1")
    p.say("1")
    p.say("Qatar", country="Qatar")
    p.say("01/2026")
    bad = p.say("two hundred")
    assert p.state.step == "age" and "10 to 100" in p.last(bad)
    assert p.say("150").state.step == "age"
    still = p.say("x")  # still at age; now go back and give a future date
    assert p.state.step == "age" and "10 to 100" in p.last(still)
    p.say("back")
    assert p.state.step == "return_date"
    future = p.say("05/2027")
    assert p.state.step == "return_date" and "future" in p.last(future)


def test_restart_and_resume_after_the_menu(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("REG", language="en")
    p.say("1")
    p.say("1")
    p.say("Oman", country="Oman")
    assert p.state.step == "return_date"
    p.say("menu")
    assert p.state.flow_paused
    p.say("how much does it cost to go abroad", intent="migration_cost", language="en")
    resumed = p.say("REG", language="en")
    assert p.state.step == "return_date" and not p.state.flow_paused
    assert "continue" in p.last(resumed).lower()
    p.say("restart")
    assert p.state.step == "returned" and p.state.answers == {"consent": "yes"}


def test_no_consent_stores_nothing(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("REG", language="en")
    turn = p.say("2")
    assert p.state.flow is None and p.state.answers == {}
    assert not p.effects and "nothing was stored" in p.last(turn).lower()


def test_not_a_returnee_gets_migration_information(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("REG", language="en")
    p.say("1")
    turn = p.say("no")
    assert p.state.flow is None and not p.effects
    assert "abroad" in p.last(turn).lower()


def test_second_registration_updates_the_open_ticket(res: Resources) -> None:
    facts = Facts(today=TODAY, sender_phone=SENDER, open_ticket=TicketInfo("PR-OLD", "assigned"))
    p = Person(res, lang="bn", facts=facts)
    p.say("নিবন্ধন")
    for text, step in BANGLA_ANSWERS:
        p.say(text, **({"district": "Habiganj"} if step == "district" else {}),
              **({"country": "Saudi Arabia"} if step == "country" else {}))
    done = p.say("১")
    effect = p.effects[-1]
    assert isinstance(effect, Register) and effect.update and effect.reference == "PR-OLD"
    assert "PR-OLD" in p.last(done)


def test_self_harm_is_urgent_at_once(res: Resources) -> None:
    p = Person(res, lang="bn")
    p.say("নিবন্ধন")
    p.say("১")
    turn = p.say("আমি আর বাঁচতে চাই না")
    assert [(type(e), getattr(e, "urgent", None)) for e in p.effects] == [(AskForPerson, True)]
    assert "999" in p.last(turn) or "৯৯৯" in p.last(turn)
    assert p.state.safety and p.state.flow_paused


def test_delete_asks_then_erases(res: Resources) -> None:
    p = Person(res, lang="bn")
    ask = p.say("মুছে ফেলুন")
    assert p.state.awaiting == "delete" and not p.effects and ask.replies
    p.say("১")
    assert p.effects == [Erase()]


def test_ticket_status_in_the_persons_language(res: Resources) -> None:
    p = Person(res, lang="en", facts=Facts(today=TODAY, open_ticket=TicketInfo("PR-9", "contacted")))
    turn = p.say("any update on my case", intent="ticket_status", language="en")
    assert "PR-9" in p.last(turn) and "contact" in p.last(turn)


def test_reintegration_support_offers_registration(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("I came back, any help?", intent="reintegration_support", language="en")
    assert p.state.awaiting == "offer_register"
    p.say("yes", intent="affirm", language="en")
    assert p.state.flow == "register" and p.state.step == "consent"


def test_a_questionnaire_abandoned_for_weeks_waits_for_reg(res: Resources) -> None:
    p = Person(res, lang="en")
    p.say("REG", language="en")
    p.say("1")
    p.say("1")
    assert p.state.step == "country"
    p.facts = Facts(today=date(2026, 12, 30), sender_phone=SENDER, new_reference="PR-LATE")
    hello = p.say("hello", intent="greet", language="en")
    assert p.state.flow_paused and p.state.step == "country"  # nothing lost
    assert "Prottasha" in p.last(hello)  # answered as a new message, not as a country
    assert "REG" in hello.replies[-1].text  # and told how to go on
    resumed = p.say("REG", language="en")
    assert not p.state.flow_paused and "continue" in p.last(resumed).lower()
    assert "country" in p.last(resumed).lower()
