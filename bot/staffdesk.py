"""Field organizers on Telegram: buttons under alerts (Accept, Called, Close), `/tickets`, and a
reply to an alert relayed to the person. Their chats never reach the returnees' dialogue."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import alerts, cases, labels
from bot.i18n import N_
from bot.render import Resources
from referral import outbox, tickets
from referral.casework import OPEN_STATUSES, StaffUser, Ticket
from referral.crypto import inbox_key, lookup_hash
from referral.errors import DomainError
from referral.models import InboxMessage, OutboxMessage

log = logging.getLogger("prottasha.staffdesk")
_REFUSED = {"forbidden": N_("Only organizers and managers write to people; admins see the "
                            "figures."),
            "closed": N_("{reference} is closed: nothing was sent."),
            "reply": N_("Write the message in at most {count} characters."),
            "opted_out": N_("This person has asked for no more messages: nothing was sent."),
            "unreachable": N_("This person cannot be reached here any more.")}
STAFF_CHANNEL = "telegram_staff"  # staff updates in the inbox: claimed there, acted on once
CLOSE_REASONS = tickets.STAFF_CLOSING_REASONS


class StaffDesk:
    def __init__(self, *, sessionmaker: async_sessionmaker, resources: Resources) -> None:
        self.sessionmaker = sessionmaker
        self.res = resources

    async def staff_for_chat(self, chat_id: str) -> StaffUser | None:
        async with self.sessionmaker() as session:
            return await session.scalar(select(StaffUser).where(
                StaffUser.telegram_chat_id == chat_id, StaffUser.active.is_(True)))

    async def handle(self, user: StaffUser, text: str, *, reply_to: str | None = None,
                     provider_id: str | None = None) -> int:
        """One message or button press from a staff member; replies go to the outbox. A
        redelivered update (the same `provider_id`) acts once: 0 is returned for the copies."""
        if provider_id is not None and not await self._first_delivery(user, provider_id):
            return 0
        async with self.sessionmaker() as session:
            user = await session.get(StaffUser, user.id) or user
            to = (user.id, user.telegram_chat_id or "", user.language or "bn")
            try:
                answer, buttons = await self._act(session, user, text.strip(), reply_to)
            except DomainError as exc:
                await session.rollback()  # nothing half-done; the organizer is told why
                answer, buttons = exc.message, []
            self._reply(session, to, answer, buttons)
            if provider_id is not None:
                await session.execute(update(InboxMessage).where(
                    InboxMessage.channel == STAFF_CHANNEL,
                    InboxMessage.provider_id == inbox_key(STAFF_CHANNEL, provider_id))
                    .values(status="handled"))
            await session.commit()
        return 1

    async def _first_delivery(self, user: StaffUser, provider_id: str) -> bool:
        """Claim the update in the inbox, as people's messages are: False for a redelivery."""
        async with self.sessionmaker() as session:
            # Only the claim: what staff write may be about a person, and lives in the case
            # file (notes, replies) where erasure finds it.
            session.add(InboxMessage(channel=STAFF_CHANNEL,
                                     provider_id=inbox_key(STAFF_CHANNEL, provider_id),
                                     user_hash=lookup_hash(f"staff:{user.id}"), text=""))
            try:
                await session.commit()
            except IntegrityError:
                log.info("duplicate", extra={"channel": STAFF_CHANNEL})
                return False
        return True

    async def _act(self, session: AsyncSession, user: StaffUser, text: str,
                   reply_to: str | None) -> tuple[str, list[dict[str, str]]]:
        _ = self.res.catalogs.gettext
        lang = user.language or "bn"
        note = _note(text)
        if reply_to is not None and (note is not None or not text.startswith(("/", "ticket:"))):
            ticket = await self._ticket_of_alert(session, user, reply_to)
            if ticket is None:
                return _(lang, N_("Reply to a ticket alert to write to that person.")), []
            if note is not None:  # "/note ..." in reply to an alert: for the case file only
                cases.add_note(session, ticket, user, note)
                return _(lang, N_("Note added to {reference}."), reference=ticket.reference), []
            return await self._relay(session, user, ticket, text)
        if text.startswith("ticket:"):
            return await self._button(session, user, text)
        first = text.split(maxsplit=1)[0].split("@", 1)[0].lower() if text else ""
        if first in ("/tickets", "tickets"):
            return await self._list(session, user)
        return _(lang, N_("Send /tickets for your open tickets. To write to a person, reply to "
                          "their ticket alert; to add a note, reply with /note and the text.")), []

    async def _button(self, session: AsyncSession, user: StaffUser,
                      payload: str) -> tuple[str, list[dict[str, str]]]:
        _, action, ticket_id, *rest = payload.split(":") + [""]
        if not ticket_id.isdigit():
            return "?", []
        ticket = await tickets.get_visible(session, int(ticket_id), user)
        lang = user.language or "bn"
        say = self.res.catalogs.gettext
        if action == "show":
            tickets.record(session, ticket, "viewed", actor=user)
            return (alerts.describe(ticket, self.res, lang,
                                    phone=tickets.sees_personal_data(user)),
                    alerts.actions(ticket))
        if action == "accept":
            if cases.accept(session, ticket, user, self.res):
                return say(lang, N_("Accepted {reference}. The person has been told."),
                           reference=ticket.reference), []
            return say(lang, N_("{reference} was already accepted."),
                       reference=ticket.reference), []
        if action == "called":
            cases.change_status(session, ticket, "contacted", user, self.res)
            return say(lang, N_("{reference}: marked as contacted."),
                       reference=ticket.reference), []
        if action == "close":
            return say(lang, N_("Why close {reference}?"), reference=ticket.reference), [
                {"title": say(lang, labels.CLOSING[r]),
                 "payload": f"ticket:closewith:{ticket.id}:{r}"} for r in CLOSE_REASONS]
        if action == "closewith" and rest and rest[0] in CLOSE_REASONS:
            cases.change_status(session, ticket, "closed", user, self.res, reason=rest[0])
            return say(lang, N_("{reference} is closed."), reference=ticket.reference), []
        return "?", []

    async def _list(self, session: AsyncSession, user: StaffUser
                    ) -> tuple[str, list[dict[str, str]]]:
        lang = user.language or "bn"
        query = select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))
        query = query.where(Ticket.assignee_id == user.id) if user.role == "organizer" \
            else tickets.scoped(query, user)
        rows = (await session.scalars(query.order_by(Ticket.priority != "urgent",
                                                     Ticket.id.desc()).limit(10))).all()
        say = self.res.catalogs.gettext
        if not rows:
            return say(lang, N_("You have no open tickets.")), []
        header = say(lang, N_("Your open tickets:"))
        return header, [{"title": f"{t.reference} · {t.district or '?'} · {t.status}",
                         "payload": f"ticket:show:{t.id}"} for t in rows]

    async def _relay(self, session: AsyncSession, user: StaffUser, ticket: Ticket,
                     text: str) -> tuple[str, list[dict[str, str]]]:
        say = self.res.catalogs.gettext
        lang = user.language or "bn"
        refused = await cases.reply(session, ticket, user, text)
        if refused is not None:
            return say(lang, _REFUSED[refused], reference=ticket.reference,
                       count=alerts.REPLY_MAX), []
        return say(lang, N_("Sent to the person of {reference}."),
                   reference=ticket.reference), []

    async def _ticket_of_alert(self, session: AsyncSession, user: StaffUser,
                               provider_id: str) -> Ticket | None:
        """The ticket an alert was about: its buttons carry the ticket's id."""
        row = await session.scalar(select(OutboxMessage).where(
            OutboxMessage.provider_id == provider_id, OutboxMessage.channel == "telegram"))
        if row is None or row.address != user.telegram_chat_id:
            return None
        ids = {b["payload"].split(":")[2] for b in row.buttons or []
               if b.get("payload", "").startswith("ticket:")}
        if len(ids) != 1:
            return None
        return await tickets.get_visible(session, int(ids.pop()), user)

    def _reply(self, session: AsyncSession, to: tuple[int, str, str], text: str,
               buttons: list[dict[str, str]]) -> None:
        user_id, chat_id, language = to
        outbox.enqueue(session, channel="telegram", user_hash=lookup_hash(f"staff:{user_id}"),
                       address=chat_id, text=text, buttons=buttons, language=language,
                       kind="reply")


def _note(text: str) -> str | None:
    """The text of "/note ..." (or "note: ..."), else None."""
    for prefix in ("/note", "note:", "নোট:"):
        if text.lower().startswith(prefix):
            return text[len(prefix):].strip()
    return None
