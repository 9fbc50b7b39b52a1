"""What a turn is made of: its replies, state and effects, and the context flows build it with.

The dialogue (bot/dialogue.py) routes a message; the flows (bot/flows/) answer within a flow.
Both build their replies with `Context`, which knows nothing of routing, so that the flows
depend on this module and never on the dialogue (issue 16: imports go one way)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import render
from bot.effects import Effect
from bot.facts import Facts
from bot.i18n import N_
from bot.messages import OutboundMessage
from bot.render import MAIN_MENU, Rendered, Resources
from bot.state import State
from nlu.safety import Assessment

CENTRE_UNPUBLISHED = N_("The centre's own number is not published yet: Probash Bondhu "
                        "{probash_bondhu} (24 hours) can put you in touch.")
NATIONAL_LINES = frozenset({"probash_bondhu", "probash_bondhu_abroad"})  # not a centre's own
NO_DANGER = Assessment("none", None, 0.0)


@dataclass
class Turn:
    replies: list[OutboundMessage]
    state: State
    effects: list[Effect] = field(default_factory=list)


def entity_of(parse: dict[str, Any], name: str) -> str | None:
    """The first value of an entity the NLU found, if any."""
    return next((str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == name),
                None)


@dataclass
class Context:
    """One turn's facts, and the building blocks of its replies."""

    res: Resources
    state: State
    lang: str
    plain: bool
    parse: dict[str, Any]
    facts: Facts = field(default_factory=lambda: Facts(today=date.today()))
    check: Assessment = NO_DANGER

    # -- building blocks -------------------------------------------------------------------
    def turn(self, *replies: OutboundMessage | Rendered, effects: list[Effect] | None = None,
             awaiting: str | None = None, options: dict[str, str] | None = None) -> Turn:
        options = dict(options or {})
        messages = []
        for reply in replies:
            if isinstance(reply, Rendered):
                options = reply.options
                messages.append(reply.message)
            else:
                messages.append(reply)
        self.state.options = options or {"0": MAIN_MENU}
        self.state.awaiting = awaiting
        return Turn(messages, self.state, effects or [])

    def say(self, msgid: str, **values: object) -> OutboundMessage:
        return render.say(self.res, self.lang, msgid, **values)

    def menu(self, menu_id: str = "main") -> Rendered:
        menu_obj = self.res.library.menu(menu_id, self.lang) or self.res.library.menu("main", self.lang)
        if menu_obj is None:  # content missing entirely: still never show a raw key
            return Rendered(self.say(N_("Sorry, this service is not available right now.")), {})
        if menu_id == "main":
            self.state.topic = None
        return render.menu(self.res.catalogs, menu_obj, self.lang, plain=self.plain)

    def call_offer(self) -> str:
        """What replying CALL will bring, said only when it is true (see safety.promise)."""
        if not self.facts.responders:
            return ""
        if self.facts.sender_phone:
            return self.res._(self.lang, N_("Reply CALL and a person will call you."))
        return self.res._(self.lang, N_("Reply CALL and a person will write to you here."))

    def topic(self, topic_id: str, page: int = 0, **extra: str) -> Turn:
        topic = self.res.library.topic(topic_id, self.lang)
        extra.setdefault("call_offer", self.call_offer())
        if topic is None:
            return self.turn(self.say(N_("Sorry, I have no answer on that yet.")), self.menu())
        self.state.topic, self.state.page = topic_id, page
        if topic_id == "service_center_location" and "centre_name" not in extra:
            district = entity_of(self.parse, "district")
            if district:
                return self.centre(district)
            return self.turn(render.topic_page(self.res, topic, self.lang, plain=self.plain),
                             awaiting="district")
        return self.turn(render.topic_page(self.res, topic, self.lang, plain=self.plain,
                                           page=page, **extra))

    def more(self) -> Turn:
        topic = self.res.library.topic(self.state.topic or "", self.lang)
        if topic is None or not self.plain or self.state.page + 1 >= len(topic.sms_pages):
            return self.turn(self.menu())
        return self.topic(topic.id, self.state.page + 1)

    def centre(self, district: str) -> Turn:
        centre = self.res.library.centre_for_district(district)
        if centre is None:
            return self.turn(self.say(N_("I do not know that district. Please write the name of "
                                         "your district again.")), awaiting="district")
        phone = self.res.library.figures.get(centre.phone_key)
        if phone is not None and centre.phone_key not in NATIONAL_LINES:
            contact = self.res._(self.lang, N_("Phone: {phone}."), phone=phone.value)
        else:  # never pass the national call centre off as the centre's own number
            contact = self.say(CENTRE_UNPUBLISHED).text
        return self.topic(
            "service_center_location",
            centre_name=centre.names.get(self.lang, centre.names.get("en", centre.id)),
            centre_contact=contact,
            district=self.res.library.districts[district].get(self.lang, district)
            if self.lang == "bn" else district,
        )

    def reask(self) -> Turn:
        count = sum(1 for k in self.state.options if k != "0")
        ask = self.say(N_("Please reply with a number from 1 to {count}, or 0 for the menu."),
                       count=count) if count > 1 else \
            self.say(N_("Please reply 1, or 0 for the menu."))
        return self.turn(ask,
                         options=self.state.options, awaiting=self.state.awaiting)

