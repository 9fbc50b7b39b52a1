"""The end of the questionnaire: the decision, its reasons in the person's language, and the
registration handed to the caller (who stores it and makes or updates the ticket)."""

from __future__ import annotations

from bot.effects import Register
from bot.flows.dates import months_between
from bot.messages import OutboundMessage
from bot.turn import Context, Turn

MAX_REASONS_SHOWN = 3  # the rest are stored and shown to staff; an SMS has little room


def priority(decision: str, urgent: bool) -> str:
    if urgent:
        return "urgent"
    return "high" if decision == "eligible" else "normal"


def conclude(ctx: Context) -> Turn:

    st, res, lang = ctx.state, ctx.res, ctx.lang
    answers = dict(st.answers)
    year, month = (int(p) for p in str(answers["return_date"]).split("-"))
    facts = {**answers, "returned": "yes",
             "months_since_return": months_between((year, month), ctx.facts.today)}
    decision = res.rules.decide(facts)
    referred = decision.decision in ("eligible", "needs_assessment") or st.safety
    centre = res.library.centre_for_district(str(answers.get("district", "")))
    existing = ctx.facts.open_ticket
    reference = existing.reference if existing else ctx.facts.new_reference
    q = res.questionnaire

    lines = [decision.summary.get(lang) or decision.summary.get("en", "")]
    reasons = decision.reasons_in(lang)[:MAX_REASONS_SHOWN]
    if reasons:
        lines.append(q.text(lang, "outcome_reasons") + " " + " ".join(reasons))
    replies = [OutboundMessage(res.library.fill("\n".join(lines), lang), lang)]
    if referred and centre is not None:
        done = q.text(lang, "done", "updated" if existing else "created").format(ticket=reference)
        routed = q.text(lang, "done", "routed").format(
            centre=centre.names.get(lang) or centre.names.get("en", centre.id))
        replies.append(OutboundMessage(f"{done} {routed}", lang))
    else:
        replies.append(OutboundMessage(res.library.fill(q.text(lang, "other_services"), lang),
                                       lang))
    effect = Register(
        answers=answers, consent_version=q.consent_version, questionnaire_version=q.version,
        rules_version=decision.rules_version, score=decision.score, decision=decision.decision,
        reasons=tuple({"id": r.id, **r.text} for r in decision.reasons), refer=referred,
        priority=priority(decision.decision, st.safety), centre=centre.id if centre else None,
        reference=reference, language=lang, update=existing is not None)
    st.flow, st.step, st.answers, st.pending, st.flow_paused = None, None, {}, [], False
    return ctx.turn(*replies, effects=[effect])
