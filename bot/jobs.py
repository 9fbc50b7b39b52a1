"""Scheduled work the worker runs: escalating tickets nobody accepted in time."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import alerts
from bot.render import Resources
from referral import tickets
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
