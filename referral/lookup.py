"""What a turn reads before the dialogue runs, in one round trip: the person's conversation
state, their open ticket, a ticket reference nobody carries yet, and whether any staff member
would be reached by an urgent case.

Four statements were four round trips, each costing the event loop, asyncpg and SQLAlchemy a
share of a millisecond on every message (docs/performance.md). Read together they are one
`SELECT` over a one-row subquery, left-joined to the tickets it concerns, on SQLite and
PostgreSQL alike. It runs after the turn's per-person lock, so the state it reads is the last
one committed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.casework import OPEN_STATUSES, Ticket
from referral.models import ConversationState
from referral.oncall import ANYONE
from referral.tickets import new_reference


@dataclass(frozen=True)
class TurnReads:
    state: dict[str, Any] | None  # None: no state stored yet
    ticket: Ticket | None  # the person's most recent open ticket
    reference: str  # free when read: a ticket made in this turn may carry it
    anyone: bool  # an active organizer or manager exists (oncall.anyone)


def _statement() -> Any:
    one_row = select(
        select(ConversationState.data)
        .where(ConversationState.channel == bindparam("state_channel"),
               ConversationState.user_hash == bindparam("state_user"))
        .scalar_subquery().label("state"),
        exists(ANYONE).label("anyone"),
    ).subquery("reads")
    concerned = or_(
        and_(Ticket.contact_id == bindparam("contact"), Ticket.status.in_(OPEN_STATUSES)),
        Ticket.reference == bindparam("reference"))
    return (select(one_row.c.state, one_row.c.anyone, Ticket).select_from(one_row)
            .outerjoin(Ticket, concerned).order_by(Ticket.id.desc()))


# Built once: every message runs it (building and caching a statement per call costs more than
# the round trip it replaces).
_READS = _statement()


async def turn_reads(session: AsyncSession, contact_id: int | None, state_key: tuple[str, str],
                     generate: Callable[[], str] = new_reference) -> TurnReads:
    """One round trip, repeated only in the rare case that the reference drawn is taken: with
    300,000 tickets one in 3,000 is, and a turn that promised it would fail on the unique key."""
    while True:
        candidate = generate()
        rows = (await session.execute(_READS, {
            "state_channel": state_key[0], "state_user": state_key[1],
            "contact": contact_id, "reference": candidate})).all()
        tickets = [row.Ticket for row in rows if row.Ticket is not None]
        if all(t.reference != candidate for t in tickets):
            mine = next((t for t in tickets if t.contact_id == contact_id), None)
            return TurnReads(state=rows[0].state, ticket=mine, reference=candidate,
                             anyone=bool(rows[0].anyone))
