"""M&E figures: counts by status, district, centre, gender, need and week; time to first
contact; and the questions the bot could not answer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.casework import StaffUser, Ticket
from referral.models import InboxMessage

UNANSWERED_INTENTS = ("nlu_fallback", "out_of_scope")
WEEKS = 12


@dataclass
class Figures:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_district: dict[str, int] = field(default_factory=dict)
    by_centre: dict[str, int] = field(default_factory=dict)
    by_gender: dict[str, int] = field(default_factory=dict)
    by_need: dict[str, int] = field(default_factory=dict)
    by_week: dict[str, int] = field(default_factory=dict)  # ISO week -> tickets created
    median_hours_to_contact: float | None = None
    contacted: int = 0


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _scope(query: Any, user: StaffUser) -> Any:
    return query if user.role == "admin" else query.where(Ticket.centre_id == user.centre_id)


async def _grouped(session: AsyncSession, user: StaffUser, column: Any) -> dict[str, int]:
    query = _scope(select(column, func.count(Ticket.id)).group_by(column), user)
    rows = (await session.execute(query)).all()
    return dict(sorted(((str(k) if k else "unknown"), int(n)) for k, n in rows))


async def figures(session: AsyncSession, user: StaffUser, *, now: datetime | None = None) -> Figures:
    """What the M&E page shows, for the tickets `user` may see."""
    now = now or datetime.now(UTC)
    out = Figures()
    out.by_status = await _grouped(session, user, Ticket.status)
    out.by_district = await _grouped(session, user, Ticket.district)
    out.by_centre = await _grouped(session, user, Ticket.centre_id)
    out.by_gender = await _grouped(session, user, Ticket.gender)
    out.total = sum(out.by_status.values())
    # needs is a JSON list and weeks differ by database: these two are counted here, not in SQL.
    rows = (await session.execute(_scope(
        select(Ticket.needs, Ticket.created_at, Ticket.first_contact_at), user))).all()
    needs: Counter[str] = Counter()
    weeks: Counter[str] = Counter()
    first = (now - timedelta(weeks=WEEKS - 1)).date()
    for w in range(WEEKS):
        year, week, _ = (first + timedelta(weeks=w)).isocalendar()
        weeks[f"{year}-W{week:02d}"] = 0
    waits = []
    for ticket_needs, created, contacted in rows:
        needs.update(ticket_needs or [])
        year, week, _ = _aware(created).isocalendar()
        if f"{year}-W{week:02d}" in weeks:
            weeks[f"{year}-W{week:02d}"] += 1
        if contacted is not None:
            waits.append((_aware(contacted) - _aware(created)).total_seconds() / 3600)
    out.by_need = dict(needs.most_common())
    out.by_week = dict(sorted(weeks.items()))
    out.contacted = len(waits)
    out.median_hours_to_contact = round(median(waits), 1) if waits else None
    return out


async def unanswered(session: AsyncSession, *, limit: int = 100) -> list[InboxMessage]:
    """Messages the NLU could not place, newest first: material for content and training."""
    return list((await session.scalars(
        select(InboxMessage).where(InboxMessage.intent.in_(UNANSWERED_INTENTS),
                                   InboxMessage.flow.is_(None),
                                   InboxMessage.status != "erased")
        .order_by(InboxMessage.received_at.desc(), InboxMessage.id.desc()).limit(limit))).all())


async def unsure(session: AsyncSession, *, below: float, days: int,
                 limit: int = 20_000) -> list[InboxMessage]:
    """Free messages (not questionnaire answers) of the last `days` the NLU could not place or
    was less sure of than `below`: the input of `prottasha nlu review`."""
    since = datetime.now(UTC) - timedelta(days=days)
    return list((await session.scalars(
        select(InboxMessage).where(
            (InboxMessage.intent.in_(UNANSWERED_INTENTS)) | (InboxMessage.confidence < below),
            InboxMessage.flow.is_(None), InboxMessage.status == "handled",
            InboxMessage.received_at >= since)
        .order_by(InboxMessage.received_at.desc(), InboxMessage.id.desc()).limit(limit))).all())
