"""The returnee questionnaire on every channel: consent first, one question per message,
re-asks on bad answers, back / restart / pause and resume, then a decision with reasons."""

from __future__ import annotations

from typing import Any

from bot.flows.outcome import conclude
from bot.flows.validators import (
    Candidates,
    Invalid,
    validate_choice,
    validate_month,
    validate_multi,
    validate_number,
    validate_phone,
    validate_place,
    validate_text,
    validate_yes_no,
)
from bot.i18n import KeepUnknown, ascii_digits, localise_digits
from bot.messages import Button, OutboundMessage
from bot.turn import Context, Turn

FLOW = "register"
STALE_DAYS = 2  # a questionnaire untouched this long waits for REG instead of taking answers
# An informational question in the middle of the questionnaire is answered when the NLU is this
# sure, and the questionnaire waits; below it, the message is taken as an answer and re-asked.
DETOUR_CONFIDENCE = 0.9
NO_DETOUR_KINDS = ("number", "month", "phone", "district", "country", "text")


def start(ctx: Context) -> Turn:
    """REG, the menu item, or yes to "Do you want to register?"."""
    st = ctx.state
    if st.flow == FLOW and st.step and st.step != "consent":
        st.flow_paused = False
        st.flow_date = ctx.facts.today.isoformat()
        return ctx.turn(_say(ctx, "resumed"), *ask(ctx, st.step))
    st.flow, st.step, st.answers, st.flow_paused, st.pending = FLOW, "consent", {}, False, []
    st.flow_date = ctx.facts.today.isoformat()
    return ctx.turn(*ask(ctx, "consent"))


def answer(ctx: Context, text: str) -> Turn:
    """One answer to the question waiting."""
    st, q = ctx.state, ctx.res.questionnaire
    st.flow_date = ctx.facts.today.isoformat()
    lowered = " ".join(text.lower().split())
    if lowered in q.nav["restart"]:
        st.step, st.answers, st.pending = "returned", {"consent": "yes"}, []
        return ctx.turn(_say(ctx, "restart"), *ask(ctx, "returned"))
    if lowered in q.nav["back"] and st.step:
        previous = q.previous_step(st.step)
        if previous:
            st.step, st.pending = previous, []
            return ctx.turn(*ask(ctx, previous))
    step = q.step(st.step or "consent")
    try:
        value = _validate(ctx, step, text)
    except Invalid as bad:
        detour = _detour(ctx, step)
        if detour is not None:
            return detour
        values = {k: localise_digits(str(v), ctx.lang) for k, v in bad.values.items()}
        reask = _say(ctx, "reask", bad.reask, **values)
        return ctx.turn(reask, *ask(ctx, step.id, repeat=True))
    if isinstance(value, Candidates):
        st.pending = list(value.names)
        return ctx.turn(*_offer(ctx, value.names))
    st.pending = []
    return _store(ctx, step.id, value)


def accepts(ctx: Context, text: str) -> bool:
    """Would the question waiting take this message as its answer? Changes nothing."""
    if ctx.state.pending:
        return False
    try:
        _validate(ctx, ctx.res.questionnaire.step(ctx.state.step or "consent"), text)
    except Invalid:
        return False
    return True


def _validate(ctx: Context, step: Any, text: str) -> Any:
    q, res = ctx.res.questionnaire, ctx.res
    if ctx.state.pending:
        return _pick(ctx, text)
    if step.kind == "yes_no":
        return validate_yes_no(text, step, q, ctx.parse)
    if step.kind == "choice":
        return validate_choice(text, step, q)
    if step.kind == "multi":
        return validate_multi(text, step, q)
    if step.kind == "number":
        return validate_number(text, step)
    if step.kind == "month":
        return validate_month(text, ctx.facts.today)
    if step.kind == "district":
        return validate_place(text, ctx.parse, "district", res.districts)
    if step.kind == "country":
        return validate_place(text, ctx.parse, "country", res.countries)
    if step.kind == "phone":
        return validate_phone(text, ctx.facts.sender_phone, q)
    return validate_text(text, step, q)


def _pick(ctx: Context, text: str) -> Any:
    """An answer to "Did you mean X?" or to a numbered list of candidates."""
    names = ctx.state.pending
    step = ctx.res.questionnaire.step(ctx.state.step or "district")
    t = text.strip()
    if len(names) == 1:
        yes = validate_yes_no(t, ctx.res.questionnaire.step("confirm"), ctx.res.questionnaire,
                              ctx.parse)
        if yes == "yes":
            return names[0]
        ctx.state.pending = []
        raise Invalid(step.kind)
    digits = ascii_digits(t)
    if digits.isdigit() and 1 <= int(digits) <= len(names):
        return names[int(digits) - 1]
    ctx.state.pending = []
    return _validate(ctx, step, text)


def paused_note(ctx: Context) -> OutboundMessage:
    """The reminder that a questionnaire waits for REG."""
    return _say(ctx, "paused")


def _detour(ctx: Context, step: Any) -> Turn | None:
    """A confident question about something else: answer it and let the questionnaire wait."""
    intent = ctx.parse.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence") or 0
    if step.kind in NO_DETOUR_KINDS and confidence < 0.97:
        return None
    if confidence < DETOUR_CONFIDENCE or not ctx.res.library.topic_for_intent(name or ""):
        return None
    ctx.state.flow_paused = True
    turn = ctx.topic(ctx.res.library.topic_for_intent(name or "") or "")
    turn.replies.append(_say(ctx, "paused"))
    return turn


def _store(ctx: Context, step_id: str, value: Any) -> Turn:
    st, q = ctx.state, ctx.res.questionnaire
    if step_id == "consent" and value == "no":
        st.flow, st.step, st.answers = None, None, {}
        return ctx.turn(_say(ctx, "declined"), ctx.menu())
    if step_id == "returned" and value == "no":
        st.flow, st.step, st.answers = None, None, {}
        return ctx.turn(_say(ctx, "done", "not_returnee"), ctx.menu("abroad"))
    if step_id == "confirm":
        if value == "no":
            st.step, st.answers = "returned", {"consent": "yes"}
            return ctx.turn(_say(ctx, "restart"), *ask(ctx, "returned"))
        return finish(ctx)
    st.answers[step_id] = value
    if step_id == "district":
        st.district = str(value)
    nxt = q.next_step(step_id)
    st.step = nxt
    return ctx.turn(*ask(ctx, nxt or "confirm"))


def ask(ctx: Context, step_id: str, *, repeat: bool = False) -> list[OutboundMessage]:
    """The question for a step, with numbered choices (and buttons where the channel has them)."""
    q, lang = ctx.res.questionnaire, ctx.lang
    step = q.step(step_id)
    if step_id == "consent":
        text = q.text(lang, "consent")
    elif step_id == "phone" and ctx.facts.sender_phone:
        text = q.text(lang, "questions", "phone_same")
    elif step_id == "confirm":
        return [OutboundMessage(_summary(ctx), lang),
                _with_buttons(ctx, q.text(lang, "questions", "confirm"), ["yes", "no"], step)]
    else:
        text = q.text(lang, "questions", step_id)
    if step.kind in ("yes_no", "choice", "multi") and step_id != "confirm":
        options = [o for o, _ in q.option_titles(step, lang)]
        return [_with_buttons(ctx, text, options, step, numbered=True)]
    return [OutboundMessage(text, lang)]


def _with_buttons(ctx: Context, text: str, options: list[str], step: Any, *,
                  numbered: bool = False) -> OutboundMessage:
    titles = dict(ctx.res.questionnaire.option_titles(step, ctx.lang))
    lines = [text]
    if numbered:
        lines += [localise_digits(f"{n}. ", ctx.lang) + titles.get(o, o)
                  for n, o in enumerate(options, 1)]
    buttons = () if ctx.plain or step.kind == "multi" else tuple(
        Button(titles.get(o, o), str(n)) for n, o in enumerate(options, 1))
    return OutboundMessage("\n".join(lines), ctx.lang, buttons)


def _offer(ctx: Context, names: tuple[str, ...]) -> list[OutboundMessage]:
    shown = [_place_name(ctx, n) for n in names]
    q = ctx.res.questionnaire
    buttons: tuple[Button, ...] = ()
    if len(names) == 1:
        text = _say(ctx, "reask", "did_you_mean", district=shown[0]).text
        if not ctx.plain:
            yes, no = (title for _, title in q.option_titles(q.step("confirm"), ctx.lang))
            buttons = (Button(yes, "1"), Button(no, "2"))
        return [OutboundMessage(text, ctx.lang, buttons)]
    lines = [_say(ctx, "reask", "candidates").text]
    lines += [localise_digits(f"{n}. ", ctx.lang) + name for n, name in enumerate(shown, 1)]
    if not ctx.plain:
        buttons = tuple(Button(s, str(n)) for n, s in enumerate(shown, 1))
    return [OutboundMessage("\n".join(lines), ctx.lang, buttons)]


def _place_name(ctx: Context, name: str) -> str:
    info = ctx.res.library.districts.get(name)
    return str(info.get("bn", name)) if info and ctx.lang == "bn" else name


def _summary(ctx: Context) -> str:
    a, q, lang = ctx.state.answers, ctx.res.questionnaire, ctx.lang
    gender = dict(q.option_titles(q.step("gender"), lang)).get(a.get("gender", ""), "")
    needs_titles = dict(q.option_titles(q.step("needs"), lang))
    year, _, month = str(a.get("return_date", "")).partition("-")
    values = {
        "country": ctx.res.countries.name(str(a.get("country", "")), lang),
        "return_date": localise_digits(f"{month}/{year}", lang),
        "age": localise_digits(str(a.get("age", "")), lang), "gender": gender,
        "district": _place_name(ctx, str(a.get("district", ""))),
        "phone": a.get("phone", ""),
        "needs": ", ".join(needs_titles.get(n, n) for n in a.get("needs", [])),
    }
    return q.text(lang, "summary").format(**values)


def _say(ctx: Context, *path: str, **values: Any) -> OutboundMessage:
    text = ctx.res.questionnaire.text(ctx.lang, *path)
    if values:
        text = text.format_map(KeepUnknown({k: str(v) for k, v in values.items()}))
    return OutboundMessage(ctx.res.library.fill(text, ctx.lang), ctx.lang)


def finish(ctx: Context) -> Turn:
    """Decide, tell the person why, and hand the registration to the caller as an effect."""
    return conclude(ctx)
