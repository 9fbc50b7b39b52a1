"""The conversation, as plain code with no I/O: given the state, the parse and the message, it
returns the replies, the new state and the effects for the caller to carry out."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot import handlers, optout
from bot.effects import CaseDistrict, Erase, OptOut
from bot.facts import Facts
from bot.flows import campaign, register, safety
from bot.i18n import BANGLISH, N_, ascii_digits, for_channel
from bot.keywords import (
    ALL_WORDS,
    CALL_WORDS,
    DELETE_WORDS,
    MENU_WORDS,
    MORE_WORDS,
    REG_WORDS,
    STATUS_WORDS,
    YES_WORDS,
)
from bot.messages import PLAIN_TEXT_CHANNELS, InboundMessage
from bot.render import MAIN_MENU, MORE, Resources
from bot.state import State
from bot.turn import NO_DANGER, Context, Turn, entity_of
from nlu.safety import Assessment
from nlu.taxonomy import FALLBACK, REFINES

DEFAULT_LANGUAGE = "bn"
CONFIDENT = 0.8  # intent confidence at which a clear question is answered as asked
_PAYLOAD = re.compile(r"^(menu|topic|action|lang|safe):[a-z_]+$|^more$")
_COMMANDS = {"/start": "intent:greet", "/help": MAIN_MENU, "/menu": MAIN_MENU,
             "/language": "action:language", "/stop": "action:stop"}
_LETTERS = re.compile(r"[^\W\d_]", re.U)


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
    lang = state.lang = for_channel(state.lang or DEFAULT_LANGUAGE, plain)
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
        if topic in safety.SAFETY_TOPICS and topic != "self_harm" and not check.not_now:
            # ...unless they asked clearly about one of the safety pages, which answer with
            # the emergency numbers and CALL anyway ("a dalal will take me to Italy by boat"),
            # and the reading is not of a joke, the news or the past (a page would take it as
            # theirs: condolences for a phone that "died").
            return ctx.topic(topic)
        return safety.ask(ctx, check)
    if in_flow:
        return register.answer(ctx, text)
    if lowered in REG_WORDS:
        return register.start(ctx)
    if lowered in STATUS_WORDS:
        return handlers.ticket_status(ctx, text)
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
        turn.replies.append(ctx.say(handlers.TALK_NOW))
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
    """Answer in the language the person writes in, unless they chose one explicitly. A
    keyword we asked them to send (STATUS, REG, CALL...) says nothing of how they write."""
    if state.lang_explicit or len(_LETTERS.findall(text)) < 2 or \
            (state.lang and text.lower().strip(" .!।") in ALL_WORDS):
        return state.lang
    detected = parse.get("language")
    if detected == BANGLISH:
        # Messengers show Bangla script; on SMS, Latin letters cost a third of the segments.
        return res.sms_banglish_reply if plain else "bn"
    return detected if detected in ("bn", "en") else state.lang


@dataclass
class _Ctx(Context):
    """The turn's context with the routing (flows and handlers see only Context)."""

    # -- where a choice leads --------------------------------------------------------------
    def go(self, target: str) -> Turn:
        kind, _, value = target.partition(":")
        self.state.fallbacks = 0
        if kind == "menu":
            return self.turn(self.menu(value))
        if kind == "topic":
            return self.topic(value)
        if kind == "lang":
            return handlers.set_language(self, value)
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
            return handlers.language_menu(self)
        if name == "handoff":
            return self.intent("human_handoff", "")
        if name == "stop":
            return self.opt_out()
        if name == "register":
            return self.intent("register_returnee", "")
        return self.turn(self.menu())

    # -- what the NLU understood -------------------------------------------------------------
    def intent(self, name: str, text: str) -> Turn:
        """The intent's handler (bot/handlers.py), else its topic, else "not understood"."""
        if name not in (FALLBACK, "out_of_scope"):
            self.state.fallbacks = 0
        handler = handlers.HANDLERS.get(name)
        if handler is not None:
            return handler(self, text)
        topic_id = self.res.library.topic_for_intent(name) or \
            self.res.library.topic_for_intent(REFINES.get(name, ""))
        if topic_id:
            return self.topic(topic_id)
        return handlers.not_understood(self, text)

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
