"""A person who may be in danger: emergency numbers first, an urgent case, a person alerted, and
a promise that matches what will happen. When the signs are unclear we ask, we do not guess."""

from __future__ import annotations

import re

from bot.effects import AskForPerson
from bot.flows import register
from bot.i18n import N_, ascii_digits, localise_digits
from bot.messages import Button, OutboundMessage
from bot.turn import Context, Turn
from nlu.safety import Assessment

# The pages a person in danger is shown; CALL after any of them is urgent.
SAFETY_TOPICS = frozenset({"emergency_abroad", "self_harm", "death_abroad", "trafficking_warning",
                           "psychosocial_support", "stranded_abroad"})
_PAGE = {"self_harm": "self_harm", "death_abroad": "death_abroad"}
SAFE, UNSAFE = "safe:yes", "safe:no"
_YES = re.compile(r"^(1|yes|y|ha+|hya|ji+|জি|হ্যাঁ|হ্যা|হা|safe|i am safe|i'?m safe|ami nirapod|"
                  r"আমি নিরাপদ|nirapod|নিরাপদ|ok|okay|thik ache|ঠিক আছে|valo achi|ভালো আছি)$")
_NO = re.compile(r"^(2|no|n|na+|না|nah|not safe|help|help me|bachao|বাঁচাও|বাঁচান|bachan|"
                 r"ami nirapod na|আমি নিরাপদ না|নিরাপদ না|nirapod na|bipod|বিপদ|bipode|বিপদে)$")


def page_for(ctx: Context, category: str | None) -> str:
    """The page for this kind of danger, falling back to the emergency page."""
    topic = _PAGE.get(category or "", "emergency_abroad")
    return topic if ctx.res.library.topic(topic, ctx.lang) else "emergency_abroad"


def respond(ctx: Context, check: Assessment) -> Turn:
    """Danger: the page with emergency numbers first, then what happens next."""

    st = ctx.state
    st.safety = True
    district = st.district or _district(ctx)
    # The case is made already: the page's "reply CALL" offer gives way to the promise.
    turn = ctx.topic(page_for(ctx, check.category), call_offer="")
    turn.replies.append(promise(ctx, district))
    if district is None and ctx.facts.responders:
        turn.state.awaiting = "case_district"
    if st.flow and not st.flow_paused:
        # A person in danger is not asked the next question; their answers wait for REG.
        st.flow_paused = True
        turn.replies.append(ctx.say(N_("Your registration is saved. Send REG to go on when you "
                                       "are ready.")))
    turn.effects.append(AskForPerson(urgent=True, category=check.category or "danger",
                                     district=district, language=ctx.lang))
    return turn


def promise(ctx: Context, district: str | None) -> OutboundMessage:
    """Only what will happen: a person is alerted when somebody is there to be alerted."""
    if not ctx.facts.responders:
        return ctx.say(N_("Our team cannot answer at this moment. Please call the numbers above "
                          "now: they answer 24 hours."))
    if ctx.facts.sender_phone:
        message = ctx.say(N_("We have alerted a person from our team. They will call you on "
                             "this number as soon as they can."))
    else:
        message = ctx.say(N_("We have alerted a person from our team. They will write to you "
                             "here as soon as they can."))
    if district is None:
        ask = ctx.say(N_("Which district are you from? Write its name, so that the nearest "
                         "centre can help you."))
        message = OutboundMessage(f"{message.text} {ask.text}", message.language)
    return message


# A goodbye or a plan the model could not be sure of ("TIRED OF LIVING. BYE") is taken
# seriously and named, as safe-messaging guidance says (shared facts 7.3), never brushed off
# with a bare yes/no.
ASK_SELF_HARM = N_("Thank you for writing to me. I take what you wrote seriously, and you are "
                   "not alone. Are you safe right now? Reply 1 or 2. If you are thinking of "
                   "ending your life or are in danger, call {emergency} (in Bangladesh) or "
                   "Probash Bondhu {probash_bondhu_abroad} (from abroad).")
ASK_SAFE = N_("Are you safe right now? Reply 1 or 2. If you are in danger, call {emergency} (in "
              "Bangladesh) or Probash Bondhu {probash_bondhu_abroad} (from abroad).")


def ask(ctx: Context, check: Assessment) -> Turn:
    """Signs of danger, but not clear ones: ask, with the numbers at hand in case. A family
    that may be writing about a death is not asked whether they are safe: they get the page,
    whose CALL brings a person; not when the death is a phone's, a stranger's on the news, or
    long past (`check.not_now`): condolences would be absurd there."""
    if check.category == "death_abroad" and not check.not_now:
        return ctx.topic(page_for(ctx, "death_abroad"))
    yes = ctx.res._(ctx.lang, N_("Yes, I am safe"))
    no = ctx.res._(ctx.lang, N_("No, I need help"))
    question = ctx.say(ASK_SELF_HARM if check.category == "self_harm" else ASK_SAFE)
    lines = [question.text, localise_digits(f"1. {yes}", ctx.lang),
             localise_digits(f"2. {no}", ctx.lang)]
    buttons = () if ctx.plain else (Button(yes, SAFE), Button(no, UNSAFE))
    turn = ctx.turn(OutboundMessage("\n".join(lines), ctx.lang, buttons),
                    options={"1": SAFE, "2": UNSAFE}, awaiting="safe_check")
    ctx.state.safety_check = {"category": check.category or "danger",
                              "intent": (ctx.parse.get("intent") or {}).get("name")}
    return turn


def ask_after(ctx: Context, check: Assessment, answered: Turn) -> Turn:
    """A questionnaire answer that may also speak of danger: the answer stands (and whatever
    it set off), and "Are you safe?" comes before the next question ("1" brings that back)."""
    asked = ask(ctx, check)
    return type(answered)(asked.replies, asked.state, answered.effects)


def reply_to_check(text: str) -> str | None:
    """SAFE, UNSAFE, or None when the message is not an answer to "Are you safe?"."""
    lowered = ascii_digits(" ".join(text.lower().split())).strip(" .!।")
    if lowered in (SAFE, UNSAFE):
        return lowered
    if _NO.match(lowered):
        return UNSAFE
    if _YES.match(lowered):
        return SAFE
    return None


def checked(ctx: Context, answer: str) -> Turn:
    """The answer to "Are you safe?": no is danger; yes goes back to what they asked."""
    pending = dict(ctx.state.safety_check or {})
    ctx.state.safety_check = None
    if answer == UNSAFE:
        return respond(ctx, Assessment("danger", pending.get("category"), 1.0, ("asked",)))
    glad = ctx.say(N_("Thank you for telling me. If anything changes, write to me here or call "
                      "{emergency}."))
    if ctx.state.flow and not ctx.state.flow_paused:
        return ctx.turn(glad, *register.ask(ctx, ctx.state.step or "consent"))
    intent = pending.get("intent")
    topic = ctx.res.library.topic_for_intent(intent or "") if intent else None
    turn = ctx.topic(topic) if topic else ctx.turn(ctx.menu())
    turn.replies.insert(0, glad)
    return turn


def _district(ctx: Context) -> str | None:
    return next((str(e["value"]) for e in ctx.parse.get("entities", [])
                 if e.get("entity") == "district"), None)
