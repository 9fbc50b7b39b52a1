"""Ticket actions, each in one place with its rules, for the REST API, the dashboard and the
staff desk on Telegram alike (issue 16). Each checks who may act (`referral.tickets`), changes
the ticket with its audit event, and queues what follows in the caller's transaction (the person
told their case was taken up, a new assignee alerted); the caller commits."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import alerts, notify
from bot.alerts import ReplyRefusal
from bot.render import Resources
from referral import tickets
from referral.casework import StaffUser, Ticket


def accept(session: AsyncSession, ticket: Ticket, user: StaffUser, res: Resources) -> bool:
    """Take the ticket up; the person is told. False when someone had already taken it."""
    taken = tickets.accept(session, ticket, user)
    if taken:
        notify.accepted(session, ticket, res)
    return taken


def change_status(session: AsyncSession, ticket: Ticket, status: str, user: StaffUser,
                  res: Resources, *, reason: str | None = None) -> None:
    """Any move past "new" takes the ticket up too: then the person is told, as on accept."""
    was_accepted = ticket.accepted_at is not None
    tickets.change_status(session, ticket, status, user, reason=reason)
    if not was_accepted and ticket.accepted_at is not None:
        notify.accepted(session, ticket, res)


async def reassign(session: AsyncSession, ticket: Ticket, user: StaffUser, assignee_id: int,
                   res: Resources) -> None:
    """Managers and admins only; the new assignee is alerted."""
    await tickets.reassign(session, ticket, user, assignee_id)
    await alerts.ticket(session, ticket, res)


async def reply(session: AsyncSession, ticket: Ticket, user: StaffUser,
                text: str) -> ReplyRefusal | None:
    """A message to the person on their own channel (alerts.reply_to_person's rules: not to a
    closed ticket, not too long, not after STOP). A new or assigned ticket is then contacted:
    the message is the contact, so no "taken up" notice goes with it."""
    refused = await alerts.reply_to_person(session, ticket, user, text)
    if refused is None and ticket.status in ("new", "assigned"):
        tickets.change_status(session, ticket, "contacted", user)
    return refused


def add_note(session: AsyncSession, ticket: Ticket, user: StaffUser, note: str) -> None:
    tickets.add_note(session, ticket, user, note)
