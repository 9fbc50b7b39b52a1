"""What the bot does for each intent that a topic page does not answer: one function per intent,
registered under the intent's name (as aiogram's routers and rasa-sdk's actions are), so that
an intent's behaviour is found by its name, and a name that is not in the taxonomy fails at
import rather than in a conversation.

An intent with no handler is answered by its topic (`content/<lang>/topics`), or by the topic
of the intent it refines (`nlu.taxonomy.REFINES`); with neither, it is not understood.
Handlers see only `Context` (bot/turn.py), like the flows: they never import the dialogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.effects import AskForPerson, LanguageChanged
from bot.flows import register, safety
from bot.i18n import BANGLISH, LANGUAGES, N_, for_channel
from bot.messages import Button, OutboundMessage
from bot.render import MAIN_MENU, MORE, Rendered
from bot.turn import Context, Turn, entity_of
from nlu.safety import Assessment
from nlu.taxonomy import FALLBACK, INTENTS

Handler = Callable[[Context, str], Turn]
HANDLERS: dict[str, Handler] = {}

TALK_NOW = N_("To talk to someone now, call Probash Bondhu on {probash_bondhu} "
              "(24 hours). From abroad: {probash_bondhu_abroad}.")
_WANTS_BN = re.compile(r"bangla|bengali|bangali|বাংলা|bangl|বাংলায়", re.I)
_WANTS_BANGLISH = re.compile(r"banglish|benglish|banglis", re.I)
_WANTS_EN = re.compile(r"english|engl?ish|ইংরেজি|ইংলিশ|ingreji|engreji|inglish", re.I)
_STATUS = {"new": N_("received"), "assigned": N_("received and assigned to a field organizer"),
           "contacted": N_("in contact with you"), "in_progress": N_("in progress"),
           "referred": N_("referred to a service"), "closed": N_("closed")}


def handles(*intents: str) -> Callable[[Handler], Handler]:
    """Register a handler for these intents; each intent has at most one."""
    unknown = sorted(set(intents) - {*INTENTS, FALLBACK})
    if unknown:
        raise ValueError(f"not intents of nlu/taxonomy.py: {', '.join(unknown)}")

    def register_(handler: Handler) -> Handler:
        for intent in intents:
            if intent in HANDLERS:
                raise ValueError(f"{intent} already has a handler: {HANDLERS[intent].__name__}")
            HANDLERS[intent] = handler
        return handler

    return register_


# -- language ------------------------------------------------------------------------------------
def language_menu(ctx: Context) -> Turn:
    options = {"1": "lang:bn", "2": "lang:en", "0": MAIN_MENU}
    text = (ctx.res._("bn", N_("Choose a language:")) + " / "
            + ctx.res._("en", N_("Choose a language:")) + "\n১. বাংলা\n2. English")
    if ctx.plain:  # Banglish replies exist for SMS only
        options["3"] = "lang:banglish"
        text += "\n3. Banglish (Bangla in English letters)"
    ask = OutboundMessage(
        text, ctx.lang,
        () if ctx.plain else (Button("বাংলা", "lang:bn"), Button("English", "lang:en")),
    )
    return ctx.turn(Rendered(ask, options), awaiting="language")


def set_language(ctx: Context, lang: str) -> Turn:
    ctx.lang = ctx.state.lang = for_channel(lang, ctx.plain) if lang in LANGUAGES else ctx.lang
    ctx.state.lang_explicit = True
    # Each catalog says it of its own language ("... বাংলায় উত্তর দেব।").
    return ctx.turn(ctx.say(N_("Okay, I will reply in English.")), ctx.menu(),
                    effects=[LanguageChanged(ctx.lang)])


@handles("change_language")
def change_language(ctx: Context, text: str) -> Turn:
    if _WANTS_BANGLISH.search(text):
        return set_language(ctx, BANGLISH)
    if _WANTS_BN.search(text):
        return set_language(ctx, "bn")
    if _WANTS_EN.search(text):
        return set_language(ctx, "en")
    return language_menu(ctx)


# -- small talk ---------------------------------------------------------------------------------
@handles("greet")
def greet(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.say(N_("Hello! I am Prottasha. I can help you go abroad safely, "
                               "send money home, and get support after you come back.")),
                    ctx.menu())


@handles("help_menu")
def help_menu(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.menu())


@handles("thanks")
def thanks(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.say(N_("You are welcome. Send MENU any time to see what I can do.")))


@handles("goodbye")
def goodbye(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.say(N_("Take care. Send a message any time if you need help.")))


@handles("affirm")
def affirm(ctx: Context, _text: str) -> Turn:
    if ctx.state.topic and ctx.state.options.get("1") == MORE:
        return ctx.more()
    return ctx.turn(ctx.menu())


@handles("deny")
def deny(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.say(N_("Okay. Send MENU any time to see what I can do.")))


@handles("opt_out")
def opt_out_words(ctx: Context, _text: str) -> Turn:
    """Words that sound like leaving: only an exact keyword unsubscribes (bot/optout.py)."""
    return ctx.turn(ctx.say(N_("To stop all messages from us, send the one word STOP "
                               "(or বন্ধ).")))


@handles("out_of_scope")
def out_of_scope(ctx: Context, _text: str) -> Turn:
    return ctx.turn(ctx.say(N_("I can only help with going abroad for work, sending money "
                               "home, and support after coming back.")), ctx.menu())


@handles(FALLBACK)
def not_understood(ctx: Context, _text: str) -> Turn:
    ctx.state.fallbacks += 1
    if ctx.state.fallbacks >= 2:
        return ctx.turn(ctx.say(N_("Sorry, I still did not understand. Reply with a "
                                   "number, or call {probash_bondhu} to talk to a "
                                   "person.")), ctx.menu())
    return ctx.turn(ctx.say(N_("Sorry, I did not understand. Please say it another way, "
                               "or choose from the menu.")), ctx.menu())


# -- people ---------------------------------------------------------------------------------------
@handles("human_handoff")
def human_handoff(ctx: Context, _text: str) -> Turn:
    # After an emergency page, asking for a person is part of the emergency.
    urgent = ctx.state.safety or ctx.state.topic in safety.SAFETY_TOPICS
    district = ctx.state.district or entity_of(ctx.parse, "district")
    return ctx.turn(
        safety.promise(ctx, district), ctx.say(TALK_NOW),
        awaiting="case_district" if district is None and ctx.facts.responders else None,
        effects=[AskForPerson(urgent=urgent, category="asked_for_a_person",
                              district=district, language=ctx.lang)])


@handles("death_abroad")
def death_abroad(ctx: Context, _text: str) -> Turn:
    return safety.ask(ctx, Assessment("unsure", "death_abroad", 0.0, ("intent",)))


@handles("self_harm")
def self_harm(ctx: Context, _text: str) -> Turn:
    return safety.ask(ctx, Assessment("unsure", "self_harm", 0.0, ("intent",)))


# -- registration ---------------------------------------------------------------------------------
@handles("register_returnee")
def register_returnee(ctx: Context, _text: str) -> Turn:
    return register.start(ctx)


@handles("reintegration_support")
def reintegration_support(ctx: Context, _text: str) -> Turn:
    turn = ctx.topic("reintegration_support")
    turn.replies.append(ctx.say(N_("Do you want to register for support? Reply YES or REG.")))
    turn.state.awaiting = "offer_register"
    return turn


@handles("ticket_status")
def ticket_status(ctx: Context, _text: str) -> Turn:
    ticket = ctx.facts.open_ticket
    if ticket is None:
        return ctx.turn(ctx.say(N_("I have no registration from you yet. Send REG to "
                                   "register, or MENU for the menu.")))
    status = ctx.res._(ctx.lang, _STATUS.get(ticket.status, ticket.status))
    return ctx.turn(ctx.say(N_("Your case {reference} is {status}."),
                            reference=ticket.reference, status=status))
