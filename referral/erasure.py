"""Erasure on request ("DELETE", "মুছে ফেলুন"): every piece of a person's personal data goes;
their tickets stay, anonymised, for the programme's statistics."""

from __future__ import annotations

from sqlalchemy import String, cast, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral.campaigns.models import CampaignRecipient
from referral.casework import ConsentRecord, Screening, Ticket, TicketEvent
from referral.models import Contact, ContactChannel, ConversationState, InboxMessage, OutboxMessage, utcnow

ERASED = "erased"  # the user_hash of an erased person's inbox rows
ERASED_ALERT = "(erased on the person's request)"


async def erase(session: AsyncSession, *, contact_id: int | None, channel: str,
                user_hash: str, keep_inbox_id: int | None = None) -> int:
    """Erase one person (all their channels); the number of tickets anonymised (flushes).

    `keep_inbox_id` is the message that confirmed the erasure ("1"): the reply to it still
    has to be recorded and sent, so that one row stays.
    """
    links = [(channel, user_hash)]
    if contact_id is not None:
        rows = (await session.scalars(
            select(ContactChannel).where(ContactChannel.contact_id == contact_id))).all()
        links = list({(r.channel, r.user_hash) for r in rows} | set(links))
    hashes = sorted({h for _, h in links})
    now = utcnow()
    anonymised = 0
    if contact_id is not None:
        ids = (await session.scalars(select(Ticket.id).where(Ticket.contact_id == contact_id))).all()
        anonymised = len(ids)
        for ticket in (await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))).all():
            if ticket.status != "closed":
                ticket.status, ticket.closed_at, ticket.closing_reason = "closed", now, "erased"
            ticket.contact_id = None
            ticket.phone = ticket.phone_hash = ticket.address = None
            ticket.anonymised = True
            session.add(TicketEvent(ticket_id=ticket.id, actor="person", kind="erased", data={}))
        if ids:
            await session.execute(update(TicketEvent).where(TicketEvent.ticket_id.in_(ids))
                                  .values(note=None))
        for ticket_id in ids:
            # Alerts to staff about their tickets carry the phone and their words: the rows
            # keep only the fact that an alert went (what Telegram shows is beyond our reach).
            await session.execute(update(OutboxMessage).where(
                OutboxMessage.kind == "alert",
                cast(OutboxMessage.buttons, String).like(f'%ticket:accept:{ticket_id}"%'))
                .values(text=ERASED_ALERT))
        await session.execute(update(Screening).where(Screening.contact_id == contact_id)
                              .values(answers=None, contact_id=None))
        await session.execute(update(ConsentRecord).where(ConsentRecord.contact_id == contact_id)
                              .values(contact_id=None, withdrawn_at=now))
        await session.execute(delete(CampaignRecipient)
                              .where(CampaignRecipient.contact_id == contact_id))
        await session.execute(delete(ContactChannel).where(ContactChannel.contact_id == contact_id))
        await session.execute(delete(Contact).where(Contact.id == contact_id))
    await session.execute(delete(OutboxMessage).where(OutboxMessage.user_hash.in_(hashes)))
    # Inbox rows stay as tombstones: the words and the person's hash go, the hashed provider
    # id stays, so a provider's replay of an old message is a duplicate, not a new turn.
    await session.execute(update(InboxMessage).where(InboxMessage.user_hash.in_(hashes),
                                                     InboxMessage.id != (keep_inbox_id or -1))
                          .values(text="", user_hash=ERASED, status="erased", language=None,
                                  address=None))
    await session.execute(delete(ConversationState).where(ConversationState.user_hash.in_(hashes)))
    if contact_id is not None:  # the state is kept per contact (bot.service.state_key)
        await session.execute(delete(ConversationState).where(
            ConversationState.channel == "contact",
            ConversationState.user_hash == str(contact_id)))
    await session.flush()
    return anonymised
