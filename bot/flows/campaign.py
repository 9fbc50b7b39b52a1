"""A reply to a campaign, understood in its context: a quiz answer scored and followed by the
next question, or "1" after "reply 1 for more" showing the campaign's topic.

Called after the safety net and after STOP (both always win), and only for a lone number
while a campaign that reached the person waits for one (bot.casework looks it up).
"""

from __future__ import annotations

from bot.effects import CampaignReply
from bot.i18n import N_, ascii_digits
from bot.messages import OutboundMessage
from bot.turn import Context, Turn

RIGHT = N_("Right!")
WRONG = N_("Not quite: the right answer is {answer}.")
SCORE = N_("You answered {score} of {total} correctly. Thank you for taking part!")


def number(text: str) -> int | None:
    digits = ascii_digits(text).strip(" .)।")
    return int(digits) if digits.isdigit() and len(digits) == 1 else None


def answer(ctx: Context, text: str) -> Turn | None:
    """The turn for a campaign reply, or None when `text` is not one (read as usual)."""

    reply, n = ctx.facts.campaign, number(text)
    if reply is None or n is None:
        return None
    if reply.awaiting == "more":
        if n != 1 or not reply.topic:
            return None
        turn = ctx.topic(reply.topic)
        turn.effects.append(CampaignReply(reply.campaign_id))
        return turn
    if not 1 <= n <= reply.options:
        return None
    right = str(n) == reply.answer
    score = reply.score + right
    lines = [ctx.say(RIGHT) if right else ctx.say(WRONG, answer=reply.answer)]
    if reply.next_question:
        lines.append(OutboundMessage(reply.next_question, ctx.lang))
    else:
        lines.append(ctx.say(SCORE, score=score, total=reply.questions))
    return ctx.turn(*lines, effects=[CampaignReply(reply.campaign_id, step=reply.step,
                                                   answer=str(n))])
