"""A segment: the contacts a campaign goes to, chosen by what the service learnt about them.

One row per contact, on the channel they wrote on last among those the segment allows, and
never on a channel they opted out of. Filters are SQL, so 100,000 contacts are one query
streamed in chunks; only the phone's country needs the (decrypted) phone and is checked here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.campaigns import quiet
from referral.campaigns.models import CampaignRecipient
from referral.casework import Screening
from referral.home import HOME_REGION
from referral.models import Contact, ContactChannel, InboxMessage

PUSH_CHANNELS = ("sms", "whatsapp", "telegram", "messenger")
LANGUAGES = ("bn", "en", "banglish")


@dataclass(frozen=True)
class Segment:
    """Empty filters choose everyone; each given filter narrows the segment."""

    languages: tuple[str, ...] = ()  # "bn" also takes Banglish writers: both read Bangla
    districts: tuple[str, ...] = ()
    channels: tuple[str, ...] = PUSH_CHANNELS
    registered: bool | None = None  # completed the questionnaire (or not)
    topics: tuple[str, ...] = ()  # intents the person asked about
    countries: tuple[str, ...] = ()  # ISO regions of the phone ("SA", "MY"; "BD" at home)
    destinations: tuple[str, ...] = ()  # countries asked about ("Saudi Arabia", "Malaysia")
    seen_after: datetime | None = None
    seen_before: datetime | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        def tup(key: str) -> tuple[str, ...]:
            return tuple(str(v) for v in data.get(key) or ())

        return cls(languages=tup("languages"), districts=tup("districts"),
                   channels=tup("channels") or PUSH_CHANNELS, registered=data.get("registered"),
                   topics=tup("topics"), countries=tuple(c.upper() for c in tup("countries")),
                   destinations=tup("destinations"),
                   seen_after=_when(data.get("seen_after")),
                   seen_before=_when(data.get("seen_before")))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"languages": list(self.languages),
                                "districts": list(self.districts),
                                "channels": list(self.channels), "registered": self.registered,
                                "topics": list(self.topics), "countries": list(self.countries),
                                "destinations": list(self.destinations),
                                "seen_after": _iso(self.seen_after),
                                "seen_before": _iso(self.seen_before)}
        return {k: v for k, v in data.items() if v not in (None, [])}


@dataclass(frozen=True)
class Member:
    """One contact of a segment, with what sending to them needs."""

    contact_id: int
    channel: str
    user_hash: str
    address: str
    language: str | None
    district: str | None
    region: str  # where the phone is from ("BD" when unknown)
    tz: str  # the recipient's time zone, for quiet hours
    last_seen_at: datetime  # their last message on this channel (WhatsApp's 24-hour window)


def _when(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def query(segment: Segment, not_in_campaign: int | None = None) -> Any:
    cc, c = ContactChannel, Contact
    q = (select(cc.contact_id, cc.channel, cc.user_hash, cc.address, cc.last_seen_at,
                c.language, c.district, c.phone)
         .join(c, c.id == cc.contact_id)
         .where(cc.channel.in_(segment.channels), cc.opted_out.is_(False),
                cc.address.is_not(None)))
    if segment.languages:
        wanted = set(segment.languages) | ({"banglish"} if "bn" in segment.languages else set())
        q = q.where(c.language.in_(sorted(wanted)))
    if segment.districts:
        q = q.where(c.district.in_(segment.districts))
    if segment.destinations:
        q = q.where(c.destination.in_(segment.destinations))
    if segment.registered is not None:
        done = exists().where(Screening.contact_id == cc.contact_id)
        q = q.where(done if segment.registered else ~done)
    if segment.topics:
        q = q.where(exists().where(InboxMessage.channel == cc.channel,
                                   InboxMessage.user_hash == cc.user_hash,
                                   InboxMessage.intent.in_(segment.topics)))
    if not_in_campaign is not None:  # a drip's later runs: only those who joined since
        q = q.where(~exists().where(CampaignRecipient.campaign_id == not_in_campaign,
                                    CampaignRecipient.contact_id == cc.contact_id))
    if segment.seen_after:
        q = q.where(cc.last_seen_at >= segment.seen_after)
    if segment.seen_before:
        q = q.where(cc.last_seen_at < segment.seen_before)
    # Each contact's most recent channel first: the one they are likeliest to read.
    return q.order_by(cc.contact_id, cc.last_seen_at.desc(), cc.channel)


async def members(session: AsyncSession, segment: Segment, *, chunk: int = 2000,
                  not_in_campaign: int | None = None) -> AsyncIterator[Member]:
    """Everyone in the segment, once each, in contact order."""
    last: int | None = None
    stream = await session.stream(query(segment, not_in_campaign)
                                  .execution_options(yield_per=chunk))
    async for row in stream:
        if row.contact_id == last:
            continue
        last = row.contact_id
        region = _region(row.phone)
        if segment.countries and region not in segment.countries:
            continue
        yield Member(row.contact_id, row.channel, row.user_hash, row.address, row.language,
                     row.district, region, quiet.zone_for(row.phone, region),
                     row.last_seen_at)


def _region(phone: str | None) -> str:
    if not phone or phone.startswith("+880"):  # most contacts: no need to parse
        return HOME_REGION
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone)) or HOME_REGION
    except phonenumbers.NumberParseException:
        return HOME_REGION
