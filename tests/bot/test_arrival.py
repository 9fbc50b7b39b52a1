"""The message stored and its sender linked in one statement on PostgreSQL (bot.inbox.arrive):
the same answers as storing and linking step by step (bot.inbox.insert, referral.contacts.link),
in one round trip."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text, update

from bot import inbox
from bot.messages import InboundMessage
from bot.service import person_key
from referral import contacts
from referral.models import ContactChannel, InboxMessage

ON_POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


def message(channel: str, user_id: str, provider_id: str, body: str = "hello") -> InboundMessage:
    return InboundMessage(channel, user_id, body, provider_id)  # type: ignore[arg-type]


async def arrive(sessions, channel: str, user_id: str, provider_id: str,  # type: ignore[no-untyped-def]
                 body: str = "hello"):
    phone = user_id if channel in ("sms", "whatsapp") else None
    return await inbox.arrive(sessions, message(channel, user_id, provider_id, body),
                              person_key(user_id), phone)


@ON_POSTGRES
async def test_arrival_links_a_person_across_channels_and_refuses_a_redelivery(sessions) -> None:  # type: ignore[no-untyped-def]
    first = await arrive(sessions, "sms", "+8801712345678", "SM1", "আমি খুলনায় থাকি")
    assert first is not None and first[1] is not None
    inbox_id, link = first
    assert link.new and not link.opted_out
    assert await arrive(sessions, "sms", "+8801712345678", "SM1") is None  # redelivered
    again = await arrive(sessions, "sms", "+8801712345678", "SM2")
    assert again is not None and again[1] == contacts.Link(link.contact_id, False, new=False)
    # The same phone on WhatsApp is the same person; a Telegram user is somebody new.
    wa = await arrive(sessions, "whatsapp", "whatsapp:+8801712345678", "WA1")
    assert wa is not None and wa[1] == contacts.Link(link.contact_id, False, new=False)
    tg = await arrive(sessions, "telegram", "42", "TG1")
    assert tg is not None and tg[1] is not None and tg[1].new
    assert tg[1].contact_id != link.contact_id
    async with sessions() as session:
        raw = (await session.execute(text("SELECT text FROM inbox_messages WHERE id = :i"),
                                     {"i": inbox_id})).scalar_one()
        assert "খুলনা".encode() not in bytes(raw)  # encrypted at rest, as the ORM writes it
        stored = await session.get(InboxMessage, inbox_id)
        assert stored is not None and stored.text == "আমি খুলনায় থাকি"
        assert stored.status == "received" and stored.address == "+8801712345678"
        kept = {(r.channel, r.address) for r in await session.scalars(select(ContactChannel))}
        assert kept == {("sms", "+8801712345678"), ("whatsapp", "whatsapp:+8801712345678"),
                        ("telegram", "42")}  # where a campaign's first message goes


@ON_POSTGRES
async def test_arrival_reports_an_opt_out_and_keeps_an_address_once(sessions) -> None:  # type: ignore[no-untyped-def]
    user_hash = person_key("+8801898765432")
    assert await arrive(sessions, "sms", "+8801898765432", "SM1") is not None
    async with sessions() as session:
        await contacts.set_opted_out(session, channel="sms", user_hash=user_hash, opted_out=True)
        # Linked before addresses were kept (migration 0010): the next message keeps it.
        await session.execute(update(ContactChannel).values(address=None))
        await session.commit()
    later = await arrive(sessions, "sms", "+8801898765432", "SM2")
    assert later is not None and later[1] is not None and later[1].opted_out
    async with sessions() as session:
        row = (await session.scalars(select(ContactChannel))).one()
        assert row.address == "+8801898765432"


@ON_POSTGRES
async def test_a_burst_from_a_new_person_makes_one_contact(sessions) -> None:  # type: ignore[no-untyped-def]
    # Ten messages of one new person at once, each on its own connection: every one is stored,
    # and those that come back without a link (another statement linked the person a moment
    # earlier) are linked the usual way, to the same contact.
    results = await asyncio.gather(*(arrive(sessions, "sms", "+8801555000111", f"SM{i}")
                                     for i in range(10)))
    assert all(r is not None for r in results)
    assert len({r[0] for r in results if r is not None}) == 10
    ids = set()
    for r in results:
        assert r is not None
        if r[1] is None:
            async with sessions() as session:
                link = await contacts.link(session, channel="sms",
                                           user_hash=person_key("+8801555000111"),
                                           phone="+8801555000111")
                await session.commit()
            ids.add(link.contact_id)
        else:
            ids.add(r[1].contact_id)
    assert len(ids) == 1
    async with sessions() as session:
        assert len((await session.scalars(select(ContactChannel))).all()) == 1
