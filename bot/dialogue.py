"""The conversation, as plain code with no I/O: given the state, the parse and the message, it
returns the replies, the new state and the effects for the caller to carry out."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot import optout
from bot.effects import AskForPerson, CaseDistrict, Erase, LanguageChanged, OptOut
from bot.facts import Facts
from bot.flows import campaign, register, safety
from bot.i18n import BANGLISH, LANGUAGES, N_, ascii_digits
from bot.keywords import (
    CALL_WORDS,
    DELETE_WORDS,
    MENU_WORDS,
    MORE_WORDS,
    REG_WORDS,
    STATUS_WORDS,
    YES_WORDS,
)
from bot.messages import PLAIN_TEXT_CHANNELS, Button, InboundMessage, OutboundMessage
from bot.render import MAIN_MENU, MORE, Rendered, Resources
from bot.state import State
from bot.turn import NO_DANGER, Context, Turn, entity_of
from nlu.safety import Assessment
from nlu.taxonomy import REFINES

DEFAULT_LANGUAGE = "bn"
TALK_NOW = N_("To talk to someone now, call Probash Bondhu on {probash_bondhu} "
               "(24 hours). From abroad: {probash_bondhu_abroad}.")
CONFIDENT = 0.8  # intent confidence at which a clear question is answered as asked
_PAYLOAD = re.compile(r"^(menu|topic|action|lang|safe):[a-z_]+$|^more$")
_COMMANDS = {"/start": "intent:greet", "/help": MAIN_MENU, "/menu": MAIN_MENU,
             "/language": "action:language", "/stop": "action:stop"}
_WANTS_BN = re.compile(r"bangla|bengali|bangali|বাংলা|bangl|বাংলায়", re.I)
_WANTS_BANGLISH = re.compile(r"banglish|benglish|banglis", re.I)
_WANTS_EN = re.compile(r"english|engl?ish|ইংরেজি|ইংলিশ|ingreji|engreji|inglish", re.I)
_LETTERS = re.compile(r"[^\W\d_]", re.U)
_STATUS = {"new": N_("received"), "assigned": N_("received and assigned to a field organizer"),
           "contacted": N_("in contact with you"), "in_progress": N_("in progress"),
           "referred": N_("referred to a service"), "closed": N_("closed")}


def respond(*, state: State, message: InboundMessage, parse: dict[str, Any],
            res: Resources, facts: Facts | None = None) -> Turn:
    """One turn of the conversation."""
    facts = facts or Facts(today=date.today())
    state = replace(state, turns=state.turns + 1, options=dict(state.options),
                    answers=dict(state.answers), pending=list(state.pending))
    plain = message.channel in PLAIN_TEXT_CHANNELS
    text = " ".join(message.text.split())
    stale = state.flow == register.FLOW and not state.flow_paused and _stale(state, facts.today)
    if stale:
        # Weeks later, "hello" is not the answer to the question asked then: the
        # questionnaire waits (REG resumes it) and the message is read as new.
        state.flow_paused = True
    in_flow = state.flow == register.FLOW and not state.flow_paused
    target = _choice(state, text, in_flow=in_flow)
    if target is None and not in_flow:  # the questionnaire keeps the language it started in
        state.lang = _reply_language(state, text, parse, plain, res)
    lang = state.lang or DEFAULT_LANGUAGE
    if lang == BANGLISH and not plain:
        lang = "bn"  # Banglish texts are SMS pages; a messenger shows Bangla script
    state.lang = lang
    # Every message a person types is read for danger first, in the questionnaire too; a
    # button press or a menu number is not something a person in danger types.
    check = res.danger.assess(text, parse) if target is None else NO_DANGER
    ctx = _Ctx(res=res, state=state, lang=lang, plain=plain, parse=parse, facts=facts,
               check=check)
    turn = _route(ctx, text, target, in_flow)
    if stale and turn.state.flow_paused:
        turn.replies.append(register.paused_note(ctx))
    return turn


def _route(ctx: _Ctx, text: str, target: str | None, in_flow: bool) -> Turn:
    """Who answers this message: safety, a choice, erasure, the questionnaire, or the NLU."""
    state, parse, check = ctx.state, ctx.parse, ctx.check
    if in_flow and check.level in ("danger", "unsure") and _doubtful(check) and \
            register.accepts(ctx, text):
        # A valid answer outweighs a doubtful reading: "2024 marche" answering "When did you
        # come back?" is March 2024. When the reading is danger all the same ("malik amake
        # marche": March, or "the employer is beating me"), the answer is kept and we ask.
        answered = register.answer(ctx, text)
        return safety.ask_after(ctx, check, answered) if check.urgent else answered
    if check.urgent:
        return safety.respond(ctx, check)
    if state.awaiting == "safe_check" and (answer := safety.reply_to_check(text)):
        return safety.checked(ctx, answer)
    if not in_flow and target != "action:stop" and (reply := campaign.answer(ctx, text)):
        return reply  # a quiz answer or "1 for more", in the campaign's context
    if target is not None:
        if in_flow and not target.startswith("safe:"):
            state.flow_paused = True
        return ctx.go(target)
    lowered = text.lower().strip(" .!।")
    if lowered in DELETE_WORDS:
        return ctx.ask_delete()
    if state.awaiting == "delete":
        return ctx.delete(lowered in YES_WORDS)
    if check.level == "unsure":  # unclear signs: ask rather than guess...
        topic = ctx.res.library.topic_for_intent(_confident_intent(parse) or "")
        if topic in safety.SAFETY_TOPICS and topic != "self_harm":
            # ...unless they asked clearly about one of the safety pages, which answer with
            # the emergency numbers and CALL anyway ("a dalal will take me to Italy by boat").
            return ctx.topic(topic)
        return safety.ask(ctx, check)
    if in_flow:
        return register.answer(ctx, text)
    if lowered in REG_WORDS:
        return register.start(ctx)
    if lowered in STATUS_WORDS:
        return ctx.on_ticket_status(text)
    intent_name = (parse.get("intent") or {}).get("name")
    if state.awaiting == "offer_register" and (lowered in YES_WORDS or intent_name == "affirm"):
        return register.start(ctx)
    if text.isdigit() and state.options:
        return ctx.reask()
    if state.awaiting in ("district", "case_district"):
        district = entity_of(parse, "district")
        if district and state.awaiting == "case_district":
            return ctx.case_district(district)
        if district:
            return ctx.centre(district)
    if check.level == "distress":
        if not _confident_elsewhere(parse):
            return ctx.topic("psychosocial_support")
        # A clear question asked in distress ("so much debt... how do I get a loan"): answer
        # it, and say where to talk, without a second page.
        turn = ctx.intent(parse.get("intent", {}).get("name") or "nlu_fallback", text)
        turn.replies.append(ctx.say(TALK_NOW))
        return turn
    return ctx.intent(parse.get("intent", {}).get("name") or "nlu_fallback", text)


def _doubtful(check: Assessment) -> bool:
    """A reading of the model alone, with no strong danger cue in the words."""
    return "cue" not in check.reasons


def _confident_intent(parse: dict[str, Any]) -> str | None:
    intent = parse.get("intent") or {}
    return intent.get("name") if (intent.get("confidence") or 0) >= CONFIDENT else None


def _confident_elsewhere(parse: dict[str, Any]) -> bool:
    """A clear question about something else: answer that, not the mood around it."""
    return _confident_intent(parse) not in (
        None, "psychosocial_support", "self_harm", "nlu_fallback", "out_of_scope",
        "emergency_abroad")


def _stale(state: State, today: date) -> bool:
    if not state.flow_date:
        return False
    try:
        return (today - date.fromisoformat(state.flow_date)).days >= register.STALE_DAYS
    except ValueError:
        return False


def _choice(state: State, text: str, *, in_flow: bool = False) -> str | None:
    """A button payload, a number from the last list, or a fixed keyword.

    During the questionnaire numbers are answers, so only payloads and fixed words count.
    """
    lowered = text.lower()
    if _PAYLOAD.match(lowered):
        return lowered
    if lowered in _COMMANDS:
        return _COMMANDS[lowered]
    # STOP and its Bangla equivalents must never depend on what the NLU guesses.
    word = optout.keyword(text)
    if word is not None:
        return "action:stop" if word == "stop" else "intent:greet"
    if optout.normalise(text) in CALL_WORDS:
        return "intent:human_handoff"
    digits = ascii_digits(lowered)
    if in_flow:
        return MAIN_MENU if lowered in MENU_WORDS - {"0"} else None
    if digits in state.options:
        return state.options[digits]
    if lowered in MENU_WORDS or digits == "0":
        return MAIN_MENU
    if lowered in MORE_WORDS and state.topic:
        return MORE
    return None


def _reply_language(state: State, text: str, parse: dict[str, Any], plain: bool,
                    res: Resources) -> str | None:
    """Answer in the language the person writes in, unless they chose one explicitly."""
    if state.lang_explicit or len(_LETTERS.findall(text)) < 2:
        return state.lang
    detected = parse.get("language")
    if detected == BANGLISH:
        # Messengers show Bangla script; on SMS, Latin letters cost a third of the segments.
        return res.sms_banglish_reply if plain else "bn"
    return detected if detected in ("bn", "en") else state.lang


@dataclass
class _Ctx(Context):
    """The turn's context with the routing and the intent handlers (flows see only Context)."""

    # -- where a choice leads --------------------------------------------------------------
    def go(self, target: str) -> Turn:
        kind, _, value = target.partition(":")
        self.state.fallbacks = 0
        if kind == "menu":
            return self.turn(self.menu(value))
        if kind == "topic":
            return self.topic(value)
        if kind == "lang":
            return self.set_language(value)
        if kind == "intent":
            return self.intent(value, "")
        if kind == "action":
            return self.action(value)
        if kind == "safe":
            return safety.checked(self, target)
        if target == MORE:
            return self.more()
        return self.turn(self.menu())

    def action(self, name: str) -> Turn:
        if name == "language":
            options = {"1": "lang:bn", "2": "lang:en", "0": MAIN_MENU}
            text = (self.res._("bn", N_("Choose a language:")) + " / "
                    + self.res._("en", N_("Choose a language:")) + "\n১. বাংলা\n2. English")
            if self.plain:  # Banglish replies exist for SMS only
                options["3"] = "lang:banglish"
                text += "\n3. Banglish (Bangla in English letters)"
            ask = OutboundMessage(
                text, self.lang,
                () if self.plain else (Button("বাংলা", "lang:bn"), Button("English", "lang:en")),
            )
            return self.turn(Rendered(ask, options), awaiting="language")
        if name == "handoff":
            return self.intent("human_handoff", "")
        if name == "stop":
            return self.opt_out()
        if name == "register":
            return self.intent("register_returnee", "")
        return self.turn(self.menu())

    def set_language(self, lang: str) -> Turn:
        if lang == BANGLISH and not self.plain:
            lang = "bn"  # they read Bangla, and a messenger shows its script
        self.lang = self.state.lang = lang if lang in LANGUAGES else self.lang
        self.state.lang_explicit = True
        # Each catalog says it of its own language ("... বাংলায় উত্তর দেব।").
        return self.turn(self.say(N_("Okay, I will reply in English.")), self.menu(),
                         effects=[LanguageChanged(self.lang)])

    # -- what the NLU understood -------------------------------------------------------------
    def intent(self, name: str, text: str) -> Turn:
        if name not in ("nlu_fallback", "out_of_scope"):
            self.state.fallbacks = 0
        handler = getattr(self, f"on_{name}", None)
        if handler is not None:
            return handler(text)
        topic_id = self.res.library.topic_for_intent(name) or \
            self.res.library.topic_for_intent(REFINES.get(name, ""))
        if topic_id:
            return self.topic(topic_id)
        return self.on_nlu_fallback(text)

    def on_greet(self, _text: str) -> Turn:
        return self.turn(self.say(N_("Hello! I am Prottasha. I can help you go abroad safely, "
                                     "send money home, and get support after you come back.")),
                         self.menu())

    def on_help_menu(self, _text: str) -> Turn:
        return self.turn(self.menu())

    def on_change_language(self, text: str) -> Turn:
        if _WANTS_BANGLISH.search(text):
            return self.set_language(BANGLISH)
        if _WANTS_BN.search(text):
            return self.set_language("bn")
        if _WANTS_EN.search(text):
            return self.set_language("en")
        return self.action("language")

    def on_thanks(self, _text: str) -> Turn:
        return self.turn(self.say(N_("You are welcome. Send MENU any time to see what I can do.")))

    def on_goodbye(self, _text: str) -> Turn:
        return self.turn(self.say(N_("Take care. Send a message any time if you need help.")))

    def on_affirm(self, text: str) -> Turn:
        if self.state.topic and "1" in self.state.options and self.state.options["1"] == MORE:
            return self.more()
        return self.turn(self.menu())

    def on_deny(self, _text: str) -> Turn:
        return self.turn(self.say(N_("Okay. Send MENU any time to see what I can do.")))

    def on_human_handoff(self, _text: str) -> Turn:
        # After an emergency page, asking for a person is part of the emergency.
        urgent = self.state.safety or self.state.topic in safety.SAFETY_TOPICS
        district = self.state.district or entity_of(self.parse, "district")
        now = self.say(TALK_NOW)
        return self.turn(
            safety.promise(self, district), now,
            awaiting="case_district" if district is None and self.facts.responders else None,
            effects=[AskForPerson(urgent=urgent, category="asked_for_a_person",
                                  district=district, language=self.lang)])

    def case_district(self, district: str) -> Turn:
        """The district of a person whose case waits on call: their centre takes it over."""
        self.state.district = district
        centre = self.res.library.centre_for_district(district)
        name = centre.names.get(self.lang, centre.names.get("en", centre.id)) if centre else ""
        return self.turn(self.say(N_("Thank you. The {centre} centre will contact you."),
                                  centre=name),
                         effects=[CaseDistrict(district)])

    def ask_delete(self) -> Turn:
        return self.turn(self.say(N_("This erases your phone number, your answers and our "
                                     "messages with you. Reply 1 to erase, 2 to keep them.")),
                         options={"2": MAIN_MENU}, awaiting="delete")

    def delete(self, confirmed: bool) -> Turn:
        if not confirmed:
            return self.turn(self.say(N_("Okay, nothing was erased.")))
        self.state.flow, self.state.step, self.state.answers = None, None, {}
        self.state.district, self.state.safety, self.state.pending = None, False, []
        return self.turn(self.say(N_("Your personal data has been erased. Thank you for using "
                                     "Prottasha.")), effects=[Erase()])

    def opt_out(self) -> Turn:
        """Only an exact keyword (bot/optout.py) gets here: the NLU never unsubscribes anybody."""
        return self.turn(self.say(N_("You will get no more messages from us. Send START to "
                                     "begin again.")), effects=[OptOut()])

    def on_opt_out(self, _text: str) -> Turn:
        return self.turn(self.say(N_("To stop all messages from us, send the one word STOP "
                                     "(or বন্ধ).")))

    def on_death_abroad(self, _text: str) -> Turn:
        return safety.ask(self, Assessment("unsure", "death_abroad", 0.0, ("intent",)))

    def on_self_harm(self, _text: str) -> Turn:
        return safety.ask(self, Assessment("unsure", "self_harm", 0.0, ("intent",)))

    def on_register_returnee(self, _text: str) -> Turn:
        return register.start(self)

    def on_reintegration_support(self, _text: str) -> Turn:
        turn = self.topic("reintegration_support")
        turn.replies.append(self.say(N_("Do you want to register for support? Reply YES or REG.")))
        turn.state.awaiting = "offer_register"
        return turn

    def on_ticket_status(self, _text: str) -> Turn:
        ticket = self.facts.open_ticket
        if ticket is None:
            return self.turn(self.say(N_("I have no registration from you yet. Send REG to "
                                         "register, or MENU for the menu.")))
        status = self.res._(self.lang, _STATUS.get(ticket.status, ticket.status))
        return self.turn(self.say(N_("Your case {reference} is {status}."),
                                  reference=ticket.reference, status=status))

    def on_out_of_scope(self, text: str) -> Turn:
        return self.turn(self.say(N_("I can only help with going abroad for work, sending money "
                                     "home, and support after coming back.")), self.menu())

    def on_nlu_fallback(self, _text: str) -> Turn:
        self.state.fallbacks += 1
        if self.state.fallbacks >= 2:
            return self.turn(self.say(N_("Sorry, I still did not understand. Reply with a "
                                         "number, or call {probash_bondhu} to talk to a "
                                         "person.")), self.menu())
        return self.turn(self.say(N_("Sorry, I did not understand. Please say it another way, "
                                     "or choose from the menu.")), self.menu())
