"""Messages about tickets, queued in the outbox in the same transaction as the change:
alerts to organizers (Telegram with buttons, or SMS), escalations to managers, and the
person's own updates."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.render import Resources
from referral import contacts, oncall, outbox, tickets
from referral.casework import StaffUser, Ticket
from referral.crypto import lookup_hash
from referral.models import utcnow

_KIND = {"registration": N_("New registration"), "handoff": N_("Wants to talk to a person"),
         "urgent": N_("URGENT: person may be in danger")}
_PRIORITY = {"urgent": N_("urgent"), "high": N_("high"), "normal": N_("normal")}
# What the danger detector read, so whoever calls knows what they are calling about.
_DANGER = {"self_harm": N_("may hurt themselves"), "violence": N_("violence"),
           "sexual_violence": N_("sexual violence"), "confinement": N_("held, not free to leave"),
           "passport_forced_labour": N_("passport taken or forced labour"),
           "no_wages_food": N_("no wages or no food"), "trafficking_ransom": N_("trafficking or ransom"),
           "medical_emergency": N_("medical emergency"), "missing_detained": N_("missing or detained"),
           "death_abroad": N_("death abroad"), "asked_for_a_person": N_("asked for a person")}


def actions(ticket: Ticket) -> list[dict[str, str]]:
    """The buttons under an alert; the Telegram adapter turns them into inline buttons."""
    return [{"title": "✅ Accept", "payload": f"ticket:accept:{ticket.id}"},
            {"title": "📞 Called", "payload": f"ticket:called:{ticket.id}"},
            {"title": "✔️ Close", "payload": f"ticket:close:{ticket.id}"}]


async def recipients(session: AsyncSession, ticket: Ticket, *, managers: bool = False
                     ) -> list[StaffUser]:
    """The assignee; the centre's managers when asked, when nobody is assigned or when urgent.
    A case with no centre yet goes to the national on-call rota and the admins; escalated, to
    every manager too (the on-call queue is theirs)."""
    people: list[StaffUser] = []
    if ticket.assignee_id and not managers:
        assignee = await session.get(StaffUser, ticket.assignee_id)
        if assignee is not None and assignee.active:
            people.append(assignee)
    if managers or not people or ticket.priority == "urgent":
        query = select(StaffUser).where(StaffUser.active.is_(True))
        if ticket.centre_id:
            query = query.where(StaffUser.role == "manager", StaffUser.centre_id == ticket.centre_id)
        elif managers:
            query = query.where(StaffUser.role.in_(("manager", "admin")))
        else:
            people += [p for p in await oncall.on_call(session, oncall.NATIONAL)
                       if p not in people]
            query = query.where(StaffUser.role == "admin")
        people += [p for p in (await session.scalars(query)).all() if p not in people]
    return people


def describe(ticket: Ticket, res: Resources, lang: str, *, phone: bool = True,
             danger: str | None = None) -> str:
    """The alert's text; the phone only for those allowed to see it (not admins)."""
    _ = res.catalogs.gettext
    lines = [f"{_(lang, _KIND.get(ticket.kind, ticket.kind))}: {ticket.reference} "
             f"({_(lang, _PRIORITY.get(ticket.priority, ticket.priority))})"]
    if danger in _DANGER:
        lines.append(_(lang, _DANGER[danger]))
    place = ticket.district or _(lang, N_("district not known"))
    lines.append(place + (f" · {ticket.decision}" if ticket.decision else ""))
    if ticket.needs:
        lines.append(_(lang, N_("Needs:")) + " " + ", ".join(ticket.needs))
    if ticket.phone and phone:
        lines.append(_(lang, N_("Phone:")) + " " + ticket.phone)
    return "\n".join(lines)


async def ticket(session: AsyncSession, ticket: Ticket, res: Resources, *, updated: bool = False,
                 reason: str | None = None, managers: bool = False,
                 danger: str | None = None) -> int:
    """Queue an alert about a ticket to whoever should act on it; the count queued."""
    sent = 0
    for person in await recipients(session, ticket, managers=managers):
        lang = person.language or "bn"
        text = describe(ticket, res, lang, phone=tickets.sees_personal_data(person),
                        danger=danger)
        if updated:
            text = res.catalogs.gettext(lang, N_("Updated:")) + " " + text
        if managers:
            text = res.catalogs.gettext(lang, N_("Not accepted in time:")) + " " + text
        sent += _queue_staff(session, person, text, lang, actions(ticket))
    return sent


async def message_from_person(session: AsyncSession, ticket: Ticket, res: Resources,
                              text: str) -> int:
    """Relay what the person wrote to the organizer working their ticket."""
    if ticket.assignee_id is None:
        return 0
    person = await session.get(StaffUser, ticket.assignee_id)
    if person is None or not person.active:
        return 0
    lang = person.language or "bn"
    header = res.catalogs.gettext(lang, N_("Message from {reference} (reply to this message to "
                                           "answer):"), reference=ticket.reference)
    return _queue_staff(session, person, f"{header}\n{text}", lang, actions(ticket))


def _queue_staff(session: AsyncSession, person: StaffUser, text: str, lang: str,
                 buttons: list[dict[str, str]]) -> int:
    if person.telegram_chat_id:
        channel, address = "telegram", person.telegram_chat_id
    elif person.phone:
        channel, address, buttons = "sms", person.phone, []
    else:
        return 0  # dashboard only
    outbox.enqueue(session, channel=channel, user_hash=lookup_hash(f"staff:{person.id}"),
                   address=address, text=text, buttons=buttons, language=lang, kind="alert")
    return 1


REPLY_MAX = 1000  # characters in a staff member's message to a person
# Why a reply to a person was refused; the dashboard and Telegram each say it their way.
ReplyRefusal = Literal["forbidden", "closed", "reply", "opted_out", "unreachable"]


async def reply_to_person(session: AsyncSession, ticket: Ticket, user: StaffUser,
                          text: str) -> ReplyRefusal | None:
    """A staff member writes to the person of a ticket: one rule for the dashboard and
    Telegram. None when it is queued (recorded, first contact set); else why not."""
    text = text.strip()
    if not tickets.sees_personal_data(user):
        return "forbidden"  # admins see figures, not people
    if ticket.status == "closed":
        return "closed"
    if not text or len(text) > REPLY_MAX:
        return "reply"
    if ticket.address and await contacts.opted_out(
            session, channel=ticket.channel, user_hash=lookup_hash(ticket.address.strip())):
        return "opted_out"  # STOP means no more messages, from staff too
    if not to_person(session, ticket, text):
        return "unreachable"
    tickets.record(session, ticket, "reply", actor=user, note=text, channel=ticket.channel)
    if ticket.first_contact_at is None:  # a message reaching the person is a first contact
        ticket.first_contact_at = utcnow()
    return None


def to_person(session: AsyncSession, ticket: Ticket, text: str) -> bool:
    """A message to the person of a ticket, on the channel they registered from."""
    if not ticket.address or ticket.anonymised:
        return False
    # Priority 1: before campaigns and other proactive messages, after replies and alerts.
    outbox.enqueue(session, channel=ticket.channel, user_hash=lookup_hash(ticket.address.strip()),
                   address=ticket.address, text=text, language=ticket.language,
                   kind="proactive", priority=1)
    return True
