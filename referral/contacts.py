"""One person across channels: a contact keyed by their phone, and their address per channel with
that channel's opt-out."""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from referral.crypto import lookup_hash
from referral.models import Contact, ContactChannel, utcnow

DEFAULT_REGION = "BD"


def e164(phone: str, region: str = DEFAULT_REGION) -> str | None:
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


async def link(session: AsyncSession, *, channel: str, user_hash: str,
               phone: str | None = None) -> ContactChannel:
    """The channel address of a person, created with its contact on first contact (flushes)."""
    row = await session.get(ContactChannel, (channel, user_hash))
    if row is not None:
        row.last_seen_at = utcnow()
        return row
    contact = await _contact_for(session, phone)
    row = ContactChannel(channel=channel, user_hash=user_hash, contact_id=contact.id,
                         opted_out=False, last_seen_at=utcnow())
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another process linked the same address a moment ago
        row = await session.get(ContactChannel, (channel, user_hash), populate_existing=True)
        assert row is not None
    return row


async def _contact_for(session: AsyncSession, phone: str | None) -> Contact:
    number = e164(phone) if phone else None
    if number is not None:
        found = await session.scalar(select(Contact).where(Contact.phone_hash == phone_hash(number)))
        if found is not None:
            return found
    contact = Contact(phone_hash=phone_hash(number) if number else None, phone=number)
    try:
        async with session.begin_nested():
            session.add(contact)
    except IntegrityError:  # the same phone arrived on another channel at the same moment
        assert number is not None
        found = await session.scalar(select(Contact).where(Contact.phone_hash == phone_hash(number)))
        assert found is not None
        return found
    return contact


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
