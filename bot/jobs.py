"""Scheduled work the worker runs: escalating tickets nobody accepted in time, and enrolling
the people who joined a drip campaign's segment since the last round."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import alerts
from bot.campaigns import Composer
from bot.render import Resources
from referral import tickets
from referral.campaigns import sending
from referral.campaigns.models import Campaign
from referral.casework import Ticket
from referral.models import utcnow

log = logging.getLogger("prottasha.jobs")
# A person in danger cannot wait an hour: an urgent case nobody accepted is escalated quickly.
URGENT_HOURS = 0.25


async def escalate(sessionmaker: async_sessionmaker, res: Resources, *,
                   now: datetime | None = None, normal_hours: float = 24,
                   urgent_hours: float = URGENT_HOURS) -> int:
    """Alert the managers about tickets not accepted within 24 h (15 minutes when urgent);
    urgent cases with no centre go to every manager and the admins."""
    now = now or utcnow()
    async with sessionmaker() as session:
        due = (await session.scalars(
            select(Ticket).where(tickets.due_for_escalation(now, normal_hours=normal_hours,
                                                            urgent_hours=urgent_hours))
            .with_for_update(skip_locked=True))).all()
        for ticket in due:
            ticket.escalated_at = now
            tickets.record(session, ticket, "escalated", hours_waiting=round(
                (now - _aware(ticket.assigned_at or ticket.created_at, now)).total_seconds() / 3600, 1))
            await alerts.ticket(session, ticket, res, managers=True)
        await session.commit()
    if due:
        log.info("escalated", extra={"count": len(due)})
    return len(due)


def _aware(moment: datetime | None, now: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    if moment is None:
        return now
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


async def enrol_drips(sessionmaker: async_sessionmaker, res: Resources, *,
                      now: datetime | None = None) -> int:
    """Start each running drip series for the contacts who joined its segment since; the
    number enrolled. Each campaign in its own transaction; a second worker doing the same at
    once collides on the recipients' key and rolls back, so nobody is enrolled twice."""
    now = now or utcnow()
    enrolled = 0
    async with sessionmaker() as session:
        ids = list(await session.scalars(select(Campaign.id).where(
            Campaign.kind == "drip", Campaign.state == "started")))
    for campaign_id in ids:
        async with sessionmaker() as session:
            campaign = await session.get(Campaign, campaign_id)
            if campaign is None or (campaign.send_at and _aware(campaign.send_at, now) > now):
                continue
            try:
                plan = await sending.enrol(session, campaign,
                                           Composer.for_campaign(campaign, res.catalogs), now=now)
                await session.commit()
            except IntegrityError:
                await session.rollback()
                continue
        enrolled += plan.recipients
    if enrolled:
        log.info("drip_enrolled", extra={"count": enrolled})
    return enrolled
