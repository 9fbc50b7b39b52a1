"""What the ticket page shows: the answers, the conversation and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.dashboard.web import aware
from bot.flows.questionnaire import Questionnaire
from bot.i18n import N_, localise_digits
from referral.casework import Screening, StaffUser, Ticket, TicketEvent
from referral.crypto import lookup_hash
from referral.models import ContactChannel, InboxMessage, OutboxMessage

CONVERSATION_LIMIT = 200  # the most recent messages; older ones stay in the database
ANSWER_LABELS = {
    "returned": N_("Came back from work abroad"), "country": N_("Country"),
    "return_date": N_("Date of return"), "age": N_("Age"), "gender": N_("Gender"),
    "district": N_("District"), "upazila": N_("Upazila"), "return_reason": N_("Why they came back"),
    "income": N_("Income now"), "debt": N_("Debt from migrating"),
    "health_problem": N_("Health problem or injury"), "distress": N_("Feels sad, afraid or hopeless"),
    "dependants": N_("People depending on them"), "needs": N_("Needs"), "phone": N_("Phone"),
}
SKIPPED = ("consent", "confirm")  # always "yes" on a completed questionnaire


@dataclass(frozen=True)
class Message:
    at: datetime
    incoming: bool
    text: str
    channel: str
    status: str


def answers(screening: Screening | None, questionnaire: Questionnaire,
            lang: str) -> list[tuple[str, str]]:
    """(label msgid or step id, value in the staff member's language), in questionnaire order."""
    given = (screening.answers or {}) if screening else {}
    rows = []
    for step in questionnaire.steps:
        if step.id in SKIPPED or step.id not in given:
            continue
        titles = dict(questionnaire.option_titles(step, lang)) if step.options or \
            step.kind == "yes_no" else {}
        value = given[step.id]
        shown = ", ".join(titles.get(str(v), str(v)) for v in value) if isinstance(value, list) \
            else titles.get(str(value), str(value))
        if step.kind == "number":
            shown = localise_digits(shown, lang)  # phones stay ASCII: they are dialled
        rows.append((ANSWER_LABELS.get(step.id, step.id), shown))
    return rows


async def addresses(db: AsyncSession, ticket: Ticket) -> list[tuple[str, str]]:
    """(channel, user_hash) of every address the person wrote from."""
    pairs: set[tuple[str, str]] = set()
    if ticket.contact_id is not None:
        rows = (await db.scalars(select(ContactChannel)
                                 .where(ContactChannel.contact_id == ticket.contact_id))).all()
        pairs |= {(r.channel, r.user_hash) for r in rows}
    if ticket.address and not ticket.anonymised:
        pairs.add((ticket.channel, lookup_hash(ticket.address.strip())))
    return sorted(pairs)


async def conversation(db: AsyncSession, ticket: Ticket) -> list[Message]:
    """Both directions, oldest first; texts come back decrypted from their columns."""
    pairs = await addresses(db, ticket)
    if not pairs:
        return []

    def match(model: Any) -> Any:
        return or_(*(and_(model.channel == c, model.user_hash == h) for c, h in pairs))

    inbox = (await db.scalars(select(InboxMessage).where(match(InboxMessage))
                              .order_by(InboxMessage.id.desc()).limit(CONVERSATION_LIMIT))).all()
    outbox = (await db.scalars(select(OutboxMessage).where(match(OutboxMessage))
                               .order_by(OutboxMessage.id.desc()).limit(CONVERSATION_LIMIT))).all()
    messages = [Message(aware(m.received_at), True, m.text, m.channel, m.status) for m in inbox]
    messages += [Message(aware(m.sent_at or m.created_at), False, m.text, m.channel, m.status)
                 for m in outbox]
    return sorted(messages, key=lambda m: m.at)[-CONVERSATION_LIMIT:]


async def trail(db: AsyncSession, ticket: Ticket) -> tuple[list[TicketEvent], dict[int, str]]:
    """The audit trail, oldest first, and the names of the staff in it."""
    events = (await db.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                               .order_by(TicketEvent.id))).all()
    ids = {e.actor_id for e in events if e.actor_id} | {ticket.assignee_id or 0}
    names = {u.id: u.name for u in (await db.scalars(
        select(StaffUser).where(StaffUser.id.in_(ids)))).all()}
    return list(events), names


async def organizers(db: AsyncSession, centre_id: str | None) -> list[StaffUser]:
    """Who a manager can hand the ticket to."""
    if centre_id is None:
        return []
    return list((await db.scalars(select(StaffUser).where(
        StaffUser.role == "organizer", StaffUser.centre_id == centre_id,
        StaffUser.active.is_(True)).order_by(StaffUser.name))).all())
