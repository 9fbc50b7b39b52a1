"""One person across channels: a contact keyed by their phone, and their address per channel with
that channel's opt-out."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral.crypto import lookup_hash
from referral.db import dialect_insert
from referral.home import HOME_REGION
from referral.models import Contact, ContactChannel, utcnow


def e164(phone: str, region: str = HOME_REGION) -> str | None:
    """The phone in E.164 (`+8801712345678`), or None when it is not a possible number."""
    try:
        number = phonenumbers.parse(phone.removeprefix("whatsapp:"), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_hash(phone_e164: str) -> str:
    return lookup_hash("phone:" + phone_e164)


@dataclass(frozen=True)
class Link:
    """A person's address on a channel, as found or created when a message arrives."""

    contact_id: int
    opted_out: bool  # on this channel, before this message
    new: bool  # a contact created just now: no conversation, tickets or screening yet


async def link(session: AsyncSession, *, channel: str, user_hash: str,
               phone: str | None = None, address: str | None = None) -> Link:
    """The channel address of a person, created with its contact on first contact.

    Statements rather than ORM objects, and INSERT ... ON CONFLICT rather than savepoints: this
    runs for every message, and a known address costs one round trip, a new person three.
    `address` (where to write to them) is kept once, for a campaign's first message."""
    now = utcnow()
    where = (ContactChannel.channel == channel, ContactChannel.user_hash == user_hash)
    seen = (await session.execute(
        update(ContactChannel).where(*where).values(last_seen_at=now)
        .returning(ContactChannel.contact_id, ContactChannel.opted_out,
                   # Not `address IS NULL`: SQLite 3.40 answers it wrongly in RETURNING.
                   func.length(ContactChannel.address).label("kept")))).first()
    if seen is not None:
        if seen.kept is None and address:  # linked before addresses were kept (0010): once
            await session.execute(update(ContactChannel).where(*where).values(address=address))
        return Link(seen.contact_id, bool(seen.opted_out), new=False)
    contact_id, created = await _contact_for(session, phone)
    linked = await session.scalar(
        dialect_insert(session, ContactChannel)
        .values(channel=channel, user_hash=user_hash, contact_id=contact_id, opted_out=False,
                last_seen_at=now, address=address)
        .on_conflict_do_nothing(index_elements=["channel", "user_hash"])
        .returning(ContactChannel.contact_id))
    if linked is None:  # another process linked the same address a moment ago
        row = (await session.execute(
            select(ContactChannel.contact_id, ContactChannel.opted_out)
            .where(ContactChannel.channel == channel,
                   ContactChannel.user_hash == user_hash))).one()
        return Link(row.contact_id, bool(row.opted_out), new=False)
    return Link(contact_id, False, new=created)


async def _contact_for(session: AsyncSession, phone: str | None) -> tuple[int, bool]:
    """(contact id, created now): the contact with this phone, or a new one."""
    number = e164(phone) if phone else None
    key = phone_hash(number) if number else None
    # A new person is the common case on this path, so insert first and look up on conflict.
    insert = dialect_insert(session, Contact).values(phone_hash=key, phone=number)
    if key is not None:
        insert = insert.on_conflict_do_nothing(index_elements=["phone_hash"])
    created = await session.scalar(insert.returning(Contact.id))
    if created is not None:
        return created, True
    # The same phone wrote before on another channel (or at this moment).
    found = await session.scalar(select(Contact.id).where(Contact.phone_hash == key))
    assert found is not None
    return found, False


async def set_opted_out(session: AsyncSession, *, channel: str, user_hash: str,
                        opted_out: bool) -> None:
    """Stop (or resume) proactive messages to one address; a no-op for an unknown address."""
    await session.execute(
        update(ContactChannel)
        .where(ContactChannel.channel == channel, ContactChannel.user_hash == user_hash)
        .values(opted_out=opted_out, opted_out_at=utcnow() if opted_out else None))


async def opted_out(session: AsyncSession, *, channel: str, user_hash: str) -> bool:
    value = await session.scalar(
        select(ContactChannel.opted_out)
        .where(ContactChannel.channel == channel, ContactChannel.user_hash == user_hash))
    return bool(value)


async def remember(session: AsyncSession, contact_id: int, *, language: str | None,
                   district: str | None, destination: str | None = None) -> None:
    """What a conversation showed about a person, for campaign segments (the caller commits)."""
    await session.execute(update(Contact).where(Contact.id == contact_id)
                          .values(language=language, district=district,
                                  destination=destination))
