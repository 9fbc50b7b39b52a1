"""Tickets: references, routing to the least-loaded organizer, status changes with an audit
trail, and who may see what. Functions flush; the caller commits."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.casework import OPEN_STATUSES, TICKET_STATUSES, StaffUser, Ticket, TicketEvent
from referral.errors import Conflict, Forbidden, Invalid, NotFound
from referral.models import utcnow

_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O or 1/I/L: read over the phone
# What staff may choose; "erased" is set by erasure alone (choosing it would erase nothing).
STAFF_CLOSING_REASONS = ("support_completed", "cancelled", "dropout", "duplicate",
                         "not_reachable")
CLOSING_REASONS = (*STAFF_CLOSING_REASONS, "erased")


def new_reference() -> str:
    return "PR-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def _routing() -> Select[Any]:
    """`route`'s statement, with the centre as a parameter."""
    # count(*), not count(id): the (assignee_id, status) index alone answers it (0008).
    open_count = (select(func.count()).select_from(Ticket)
                  .where(Ticket.assignee_id == StaffUser.id, Ticket.status.in_(OPEN_STATUSES))
                  .scalar_subquery())
    last = select(func.max(Ticket.assigned_at)).where(Ticket.assignee_id == StaffUser.id) \
        .scalar_subquery()
    return (select(StaffUser)
            .where(StaffUser.role == "organizer", StaffUser.centre_id == bindparam("centre"),
                   StaffUser.active.is_(True))
            .order_by(open_count, last.is_not(None), last, StaffUser.id).limit(1))


# Built once: every ticket is routed, and building this statement anew (coercing each clause,
# computing its cache key) was a fifth of the Python time of a ticket (docs/performance.md).
_ROUTING = _routing()


async def route(session: AsyncSession, centre_id: str | None) -> StaffUser | None:
    """The centre's organizer with the fewest open tickets; ties: assigned longest ago."""
    if centre_id is None:
        return None
    return await session.scalar(_ROUTING, {"centre": centre_id})


async def open_ticket_for(session: AsyncSession, contact_id: int) -> Ticket | None:
    return await session.scalar(
        select(Ticket).where(Ticket.contact_id == contact_id, Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.id.desc()).limit(1))


async def open_ticket_and_free_reference(
        session: AsyncSession, contact_id: int | None,
        generate: Callable[[], str] = new_reference) -> tuple[Ticket | None, str]:
    """The person's open ticket, and a reference no ticket carries yet, in one round trip.

    A turn tells the person the reference of a ticket it makes before the ticket is written,
    so the reference must be free then: with 300,000 tickets one random reference in 3,000 is
    taken, and the turn (an urgent case among them) would fail on the unique key."""
    while True:
        candidate = generate()
        statement = _MINE_OR_TAKEN if contact_id is not None else _TAKEN
        rows = list(await session.scalars(statement, {"contact": contact_id,
                                                      "reference": candidate}))
        if all(row.reference != candidate for row in rows):
            return (rows[0] if rows else None), candidate


# Built once, like _ROUTING: every turn asks.
_TAKEN = select(Ticket).where(Ticket.reference == bindparam("reference")) \
    .order_by(Ticket.id.desc())
_MINE_OR_TAKEN = select(Ticket).where(or_(
    and_(Ticket.contact_id == bindparam("contact"), Ticket.status.in_(OPEN_STATUSES)),
    Ticket.reference == bindparam("reference"))).order_by(Ticket.id.desc())


def record(session: AsyncSession, ticket: Ticket, kind: str, *, actor: StaffUser | None = None,
           who: str | None = None, note: str | None = None, **data: Any) -> TicketEvent:
    """An entry in the ticket's audit trail."""
    event = TicketEvent(**_event_row(ticket, kind, actor=actor, who=who, note=note, **data))
    session.add(event)
    return event


def _event_row(ticket: Ticket, kind: str, *, actor: StaffUser | None = None,
               who: str | None = None, note: str | None = None, **data: Any) -> dict[str, Any]:
    """An audit-trail row's columns: `who` names a non-staff actor ("person"), else the staff
    member who acted, else the system."""
    return {"ticket_id": ticket.id, "actor_id": actor.id if actor else None,
            "actor": who or ("staff" if actor else "system"), "kind": kind, "data": data,
            "note": note}


async def create(session: AsyncSession, *, routed: bool = True, **fields: Any) -> Ticket:
    """A new ticket, assigned to the centre's least-loaded organizer when there is one
    (`routed=False` leaves the assignment to the caller: urgent cases follow the on-call rota)."""
    # Routed before it is inserted, the ticket is written once, already assigned: one round
    # trip fewer than an insert and an update (docs/performance.md, volume).
    organizer = await route(session, fields.get("centre_id")) if routed else None
    ticket = Ticket(status="new", anonymised=False, **fields)
    if organizer is not None:
        _hand_to(ticket, organizer)
    session.add(ticket)
    await session.flush()
    # Its first events in one bulk insert, not through a second flush of the unit of work:
    # 1.6 -> 1.48 ms of Python time a ticket (docs/performance.md, volume).
    events = [_event_row(ticket, "created", who="person", priority=ticket.priority,
                         ticket_kind=ticket.kind)]
    if organizer is not None:
        events.append(_event_row(ticket, "assigned", assignee=organizer.id))
    await session.execute(insert(TicketEvent), events)
    return ticket


def assign(session: AsyncSession, ticket: Ticket, organizer: StaffUser, *,
           actor: StaffUser | None = None) -> None:
    _hand_to(ticket, organizer)
    record(session, ticket, "assigned", actor=actor, assignee=organizer.id)


def _hand_to(ticket: Ticket, organizer: StaffUser) -> None:
    ticket.assignee_id = organizer.id
    ticket.assigned_at = utcnow()
    ticket.accepted_at = None
    ticket.escalated_at = None
    if ticket.status == "new":
        ticket.status = "assigned"


def can_see(user: StaffUser, ticket: Ticket) -> bool:
    """Admins see all; staff their centre's; managers also the on-call queue (cases with no
    centre yet); whoever a ticket is assigned to sees it, whichever rota put it there."""
    if user.role == "admin" or ticket.assignee_id == user.id:
        return True
    if ticket.centre_id is None:
        return user.role == "manager"
    return ticket.centre_id == user.centre_id


def sees_personal_data(user: StaffUser) -> bool:
    """Organizers and managers call people; admins work with figures, not phone numbers."""
    return user.role in ("organizer", "manager")


def scoped(query: Select[Any], user: StaffUser, *, centre: str | None = None,
           assignee: int | None = None) -> Select[Any]:
    """The rows `can_see` allows, as a query, narrowed to one `centre` or `assignee` if given."""
    if centre is not None:
        query = query.where(Ticket.centre_id == centre)
    if assignee is not None:
        query = query.where(Ticket.assignee_id == assignee)
    # Narrowed to the user's own centre or own tickets, the query asks for nothing they may not
    # see; the OR below would only hide that from the planner, which then reads every row of a
    # centre instead of one page of an index (docs/performance.md, volume).
    if user.role == "admin" or assignee == user.id or \
            (centre is not None and centre == user.centre_id):
        return query
    own = or_(Ticket.centre_id == user.centre_id, Ticket.assignee_id == user.id)
    if user.role == "manager":
        return query.where(or_(own, Ticket.centre_id.is_(None)))
    return query.where(own)


async def get_visible(session: AsyncSession, ticket_id: int, user: StaffUser) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    # Another centre's ticket looks the same as a missing one: its existence is not disclosed.
    if ticket is None or not can_see(user, ticket):
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


def accept(session: AsyncSession, ticket: Ticket, user: StaffUser) -> bool:
    """The assigned organizer (or a manager) takes the ticket; False when it was already taken."""
    _may_work(ticket, user)
    if ticket.accepted_at is not None:
        return False
    if ticket.assignee_id != user.id and user.role == "organizer":
        assign(session, ticket, user, actor=user)
    ticket.accepted_at = utcnow()
    record(session, ticket, "accepted", actor=user)
    return True


def change_status(session: AsyncSession, ticket: Ticket, status: str, user: StaffUser, *,
                  reason: str | None = None) -> None:
    _may_work(ticket, user)
    if status not in TICKET_STATUSES:
        raise Invalid(f"status must be one of {', '.join(TICKET_STATUSES)}")
    if status == "closed" and reason not in STAFF_CLOSING_REASONS:
        raise Invalid(f"closing needs a reason: one of {', '.join(STAFF_CLOSING_REASONS)}")
    if status == ticket.status:
        return
    now = utcnow()
    if status in ("contacted", "in_progress", "referred") and ticket.first_contact_at is None:
        ticket.first_contact_at = now
    if ticket.accepted_at is None and status != "new":
        ticket.accepted_at = now
    previous, ticket.status = ticket.status, status
    if status == "closed":
        ticket.closed_at, ticket.closing_reason = now, reason
    record(session, ticket, "status", actor=user, before=previous, after=status, reason=reason)


def add_note(session: AsyncSession, ticket: Ticket, user: StaffUser, note: str) -> None:
    note = note.strip()
    if not note or len(note) > 4000:
        raise Invalid("a note has 1 to 4000 characters")
    record(session, ticket, "note", actor=user, note=note)


async def reassign(session: AsyncSession, ticket: Ticket, user: StaffUser,
                   assignee_id: int) -> StaffUser:
    if user.role == "organizer":
        raise Forbidden("only a manager or an admin can reassign a ticket")
    organizer = await session.get(StaffUser, assignee_id)
    if organizer is None or not organizer.active or organizer.role != "organizer" \
            or organizer.centre_id != ticket.centre_id:
        raise Invalid("the assignee must be an active organizer of the ticket's centre")
    _open(ticket)
    assign(session, ticket, organizer, actor=user)
    return organizer


def _open(ticket: Ticket) -> None:
    if ticket.status == "closed":
        raise Conflict("the ticket is closed")


def _may_work(ticket: Ticket, user: StaffUser) -> None:
    _open(ticket)
    if not can_see(user, ticket):
        raise NotFound(f"no ticket {ticket.id}")


def due_for_escalation(now: datetime, *, normal_hours: float = 24,
                       urgent_hours: float = 1) -> Any:
    """Not accepted within the time its priority allows, not escalated yet: counted from the
    assignment, or from its arrival when nobody could be assigned (no organizer, no one on call)."""
    urgent_since = now - timedelta(hours=urgent_hours)
    normal_since = now - timedelta(hours=normal_hours)
    waiting = or_(and_(Ticket.status == "assigned", Ticket.priority == "urgent",
                       Ticket.assigned_at <= urgent_since),
                  and_(Ticket.status == "assigned", Ticket.priority != "urgent",
                       Ticket.assigned_at <= normal_since),
                  and_(Ticket.status == "new", Ticket.priority == "urgent",
                       Ticket.created_at <= urgent_since),
                  and_(Ticket.status == "new", Ticket.priority != "urgent",
                       Ticket.created_at <= normal_since))
    return and_(Ticket.accepted_at.is_(None), Ticket.escalated_at.is_(None), waiting)
