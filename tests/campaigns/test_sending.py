"""Campaigns on SQLite and PostgreSQL: segment, estimate, one message per contact within the
cap, opt-out at send time, cancel, quiet hours with an injected clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from api.worker import OutboxWorker
from bot import sms
from bot.campaigns import Composer
from bot.i18n import Catalogs
from referral import contacts
from referral.campaigns import drafts, sending
from referral.campaigns.models import Campaign, CampaignRecipient
from referral.errors import Invalid
from referral.models import ContactChannel, OutboxMessage
from referral.ratelimit import MemoryLimiter

CATALOGS = Catalogs()
MESSAGES = {"bn": "বিদেশ যাওয়ার আগে চুক্তিপত্র পড়ে নিন।",
            "en": "Read your contract before you go abroad.",
            "banglish": "Bidesh jawar age chuktipotro pore nin."}


def at(dhaka_hour: int, minute: int = 0, day: int = 10) -> datetime:
    """A moment given in Bangladesh time (UTC+6), as an aware UTC time."""
    return datetime(2027, 1, day, dhaka_hour, minute, tzinfo=UTC) - timedelta(hours=6)


NOON = at(12, 0)


class Recorder:
    """The provider at the edge: what was sent, to whom, and when (by the worker's loop)."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, OutboxMessage]] = []

    async def send(self, row: OutboxMessage) -> str:
        self.sent.append((asyncio.get_running_loop().time(), row))
        return f"SM{row.id:032d}"


async def person(session: Any, i: int, *, channel: str = "sms", language: str | None = "bn",
                 district: str | None = "Sylhet", phone: str | None = None,
                 opted_out: bool = False, address: bool = True) -> int:
    phone = phone or f"+8801712{i:06d}"
    where = phone if channel in ("sms", "whatsapp") else f"chat-{i}"
    link = await contacts.link(session, channel=channel, user_hash=f"{channel}-{i}",
                               phone=phone if channel in ("sms", "whatsapp") else None,
                               address=where if address else None)
    await contacts.remember(session, link.contact_id, language=language, district=district)
    if opted_out:
        await contacts.set_opted_out(session, channel=channel, user_hash=f"{channel}-{i}",
                                     opted_out=True)
    return link.contact_id


async def campaign(session: Any, **segment: Any) -> Any:
    made = await drafts.create(session, None, name="Pre-departure", segment=segment,
                               messages=MESSAGES)
    await session.commit()
    return made


def worker(sessions: Any, sender: Recorder, clock: Any = None, **caps: float) -> OutboxWorker:
    """A worker whose clock says midday in Bangladesh unless told otherwise (the suite runs
    at any hour; quiet hours are tested on their own)."""
    return OutboxWorker(sessionmaker=sessions, senders={"sms": sender, "telegram": sender},
                        limiter=MemoryLimiter(), caps=caps or None, backoff_seconds=0,
                        clock=clock or (lambda: NOON))


async def drain(w: OutboxWorker) -> None:
    while await w.drain_once():
        pass


async def test_a_campaign_reaches_its_segment_once_each_in_their_language_within_the_cap(
        sessions: Any) -> None:
    async with sessions() as s:
        wanted: dict[int, str] = {}
        for i in range(30):
            language = ("bn", "en", "banglish")[i % 3]
            wanted[await person(s, i, language=language)] = language
        await person(s, 100, opted_out=True)  # opted out: never
        await person(s, 101, district="Khulna")  # outside the segment
        await person(s, 102, address=False)  # no address known: cannot be reached
        both = await person(s, 103, language="en")  # SMS and Telegram: one message only
        await contacts.link(s, channel="telegram", user_hash="tg-103", address="chat-103")
        wanted[both] = "en"
        await s.commit()
        made = await campaign(s, districts=["sylhet"], channels=["sms"])
        compose = Composer(made.messages, CATALOGS)
        dry = await sending.plan(s, made, compose)
        assert dry.recipients == 31 and dry.by_language == {"bn": 10, "en": 11, "banglish": 10}
        await sending.start(s, made, compose, now=NOON)
    sender = Recorder()
    await drain(worker(sessions, sender, sms=10.0))

    sent = [row for _, row in sender.sent]
    async with sessions() as s:
        who = {r.user_hash: r.contact_id for r in await s.scalars(
            select(ContactChannel))}
        counts = await sending.progress(s, made.id)
        made = await s.get(Campaign, made.id)
    got = Counter(who[row.user_hash] for row in sent)
    assert set(got) == set(wanted) and set(got.values()) == {1}
    for row in sent:
        version = wanted[who[row.user_hash]]
        assert row.text.startswith(MESSAGES[version]) and "STOP" in row.text
    assert made.estimate == {"messages": 31,
                             "sms_segments": sum(sms.cost(row.text).parts for row in sent)}
    assert made.estimate["sms_segments"] > 31  # Bangla costs two UCS-2 parts with its footer
    assert counts["sent"] == len(sent) == 31 and counts["pending"] == 0
    times = [t for t, _ in sender.sent]
    assert all(times[i + 10] - times[i] >= 0.99 for i in range(len(times) - 10)), \
        "more than 10 in a sliding second"


async def test_starting_twice_is_refused_and_recipients_are_unique(sessions: Any) -> None:
    async with sessions() as s:
        for i in range(3):
            await person(s, i)
        await s.commit()
        made = await campaign(s)
        compose = Composer(made.messages, CATALOGS)
        await sending.start(s, made, compose, now=NOON)
        try:
            await sending.start(s, made, compose, now=NOON)
        except sending.AlreadyStarted:
            pass
        else:
            raise AssertionError("a second start was accepted")
        assert len((await s.scalars(select(CampaignRecipient))).all()) == 3
        assert len((await s.scalars(select(OutboxMessage))).all()) == 3


async def test_opt_out_after_start_is_respected_at_send_time_and_cancel_stops_the_rest(
        sessions: Any) -> None:
    async with sessions() as s:
        for i in range(6):
            await person(s, i)
        await s.commit()
        made = await campaign(s)
        await sending.start(s, made, Composer(made.messages, CATALOGS), now=NOON)
        await contacts.set_opted_out(s, channel="sms", user_hash="sms-0", opted_out=True)
        await s.commit()
    sender = Recorder()
    w = worker(sessions, sender)
    w.batch = 3
    await w.drain_once()  # three claimed: sms-0 skipped, two sent
    async with sessions() as s:
        await sending.cancel(s, made)
    await drain(w)
    assert sorted(r.user_hash for _, r in sender.sent) == ["sms-1", "sms-2"]
    async with sessions() as s:
        counts = await sending.progress(s, made.id)
        made = await s.get(Campaign, made.id)
        assert sending.status(made, counts, datetime.now(UTC)) == "cancelled"
    assert (counts["sent"], counts["skipped"], counts["cancelled"]) == (2, 1, 3)
    assert counts["opted_out"] == 1


async def test_quiet_hours_hold_a_send_at_23_00_bangladesh_time_until_morning(
        sessions: Any) -> None:
    async with sessions() as s:
        await person(s, 1)  # in Bangladesh
        await person(s, 2, phone="+966501234567")  # a Saudi SIM: three hours behind Dhaka
        await s.commit()
        made = await campaign(s)
        # Queued in the evening (allowed), but the worker only gets to it at 23:00.
        await sending.start(s, made, Composer(made.messages, CATALOGS), now=at(20, 59))
    now = [at(23, 0)]
    sender = Recorder()
    w = worker(sessions, sender, clock=lambda: now[0])
    await drain(w)
    # 23:00 in Dhaka is 20:00 in Riyadh: only the Saudi SIM's message goes.
    assert [r.user_hash for _, r in sender.sent] == ["sms-2"]
    async with sessions() as s:
        held = (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.user_hash == "sms-1"))).one()
        assert held.status == "pending" and held.attempts == 0
        assert held.available_at.replace(tzinfo=UTC) == at(8, 0, day=11)
    now[0] = at(7, 59, day=11)
    await drain(w)
    assert len(sender.sent) == 1
    now[0] = at(8, 0, day=11)
    await drain(w)
    assert [r.user_hash for _, r in sender.sent] == ["sms-2", "sms-1"]


async def test_a_campaign_started_at_night_is_queued_for_the_morning(sessions: Any) -> None:
    async with sessions() as s:
        await person(s, 1)
        await s.commit()
        made = await drafts.create(s, None, name="Night", segment={}, messages=MESSAGES)
        quiet_off = await drafts.create(s, None, name="Urgent warning", segment={},
                                        messages=MESSAGES, quiet_hours=False)
        await s.commit()
        for c in (made, quiet_off):
            await sending.start(s, c, Composer(c.messages, CATALOGS), now=at(23, 30))
        rows = {r.campaign_id: r for r in await s.scalars(select(OutboxMessage))}
    assert rows[made.id].available_at.replace(tzinfo=UTC) == at(8, 0, day=11)
    assert rows[quiet_off.id].available_at.replace(tzinfo=UTC) == at(23, 30)
    assert rows[quiet_off.id].quiet_tz is None


TEMPLATE = "HX" + "0123456789abcdef" * 2


async def test_whatsapp_outside_the_24_hour_window_goes_only_as_an_approved_template(
        sessions: Any) -> None:
    from sqlalchemy import update

    async with sessions() as s:
        await person(s, 1, channel="whatsapp")  # wrote an hour before
        await person(s, 2, channel="whatsapp")  # wrote two days before
        for user, ago in (("whatsapp-1", 1), ("whatsapp-2", 48)):
            await s.execute(update(ContactChannel).where(ContactChannel.user_hash == user)
                            .values(last_seen_at=NOON - timedelta(hours=ago)))
        await s.commit()
        plain = await drafts.create(s, None, name="a", segment={}, messages=MESSAGES)
        templated = await drafts.create(s, None, name="b", segment={}, messages=MESSAGES,
                                        whatsapp_template=TEMPLATE)
        await s.commit()
        dry = await sending.plan(s, plain, Composer.for_campaign(plain, CATALOGS), now=NOON)
        assert dry.recipients == 1 and dry.excluded == {"whatsapp_window": 1}
        for c in (plain, templated):
            await sending.start(s, c, Composer.for_campaign(c, CATALOGS), now=NOON)
        rows = [(r.campaign_id, r.user_hash, r.template)
                for r in await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert rows == [(plain.id, "whatsapp-1", None), (templated.id, "whatsapp-1", None),
                    (templated.id, "whatsapp-2", TEMPLATE)]
    try:
        async with sessions() as s:
            await drafts.create(s, None, name="c", segment={}, messages=MESSAGES,
                                whatsapp_template="my-template")
    except Invalid:
        pass
    else:
        raise AssertionError("a made-up template name was accepted")


async def test_the_twilio_sender_sends_a_template_by_its_content_sid() -> None:
    from api.channels.twilio.sender import TwilioSender
    from tests.channels.standin import TwilioAPI

    server = TwilioAPI()
    try:
        async with httpx.AsyncClient() as client:
            sender = TwilioSender(account_sid="AC" + "0" * 32, auth_token="t", sms_from=None,
                                  whatsapp_from="+14155238886", api_base=server.url,
                                  status_callback="https://bot.example.org/status",
                                  client=client)
            await sender.send(row_for_template())
        [call] = server.matching("/Messages.json")
        assert call["params"]["ContentSid"] == TEMPLATE and "Body" not in call["params"]
        assert call["params"]["To"] == "whatsapp:+8801712000001"
    finally:
        server.close()


def row_for_template() -> OutboxMessage:
    return OutboxMessage(id=1, channel="whatsapp", address="+8801712000001", text="x",
                         language="en", buttons=[], template=TEMPLATE)


async def test_an_address_is_kept_once_even_for_people_linked_before_addresses_were(
        sessions: Any) -> None:
    async with sessions() as s:
        await contacts.link(s, channel="telegram", user_hash="tg-old")  # before 0010
        await contacts.link(s, channel="telegram", user_hash="tg-old", address="chat-1")
        await contacts.link(s, channel="telegram", user_hash="tg-old", address="chat-2")
        await s.commit()
        row = (await s.scalars(select(ContactChannel))).one()
    assert row.address == "chat-1"


async def test_a_send_time_in_bangladesh_time_is_kept_in_utc_and_started_from_storage(
        sessions: Any) -> None:
    async with sessions() as s:
        await person(s, 1)
        await s.commit()
        made = await drafts.create(s, None, name="Later", segment={}, messages=MESSAGES,
                                   send_at="2027-01-15T10:00")  # Bangladesh time, no zone
        await s.commit()
        made_id = made.id
    async with sessions() as s:  # read back: on SQLite the stored time has lost its zone
        stored = await s.get(Campaign, made_id)
        assert stored.send_at.replace(tzinfo=stored.send_at.tzinfo or UTC) == at(10, day=15)
        await sending.start(s, stored, Composer(stored.messages, CATALOGS), now=NOON)
        row = (await s.scalars(select(OutboxMessage))).one()
    assert row.available_at.replace(tzinfo=UTC) == at(10, day=15)
