"""`/api/v1/tickets`: the referral tickets a staff member may see, and changes to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session, staff
from api.errors import ApiError
from bot import cases
from referral import tickets as service
from referral.casework import StaffUser, Ticket, TicketStatus
from referral.contacts import e164, phone_hash

router = APIRouter(prefix="/api/v1", tags=["tickets"])
Status = TicketStatus


class Eligibility(BaseModel):
    decision: str | None
    reasons: list[str]
    rules_version: str | None


class TicketOut(BaseModel):
    id: int
    reference: str
    kind: str
    status: str
    priority: str
    district: str | None
    centre: str | None
    assignee: int | None
    channel: str
    phone: str | None = Field(description="E.164; only for organizers and managers")
    language: str
    needs: list[str]
    eligibility: Eligibility
    created_at: datetime
    updated_at: datetime


class TicketList(BaseModel):
    items: list[TicketOut]
    total: int


class TicketUpdate(BaseModel):
    status: Status | None = None
    closing_reason: str | None = Field(None, description="needed when status is closed")
    assignee: int | None = Field(None, description="a staff user id (managers and admins)")
    note: str | None = Field(None, max_length=4000)


def to_out(ticket: Ticket, user: StaffUser) -> TicketOut:
    lang = user.language if user.language in ("bn", "en") else "en"
    return TicketOut(
        id=ticket.id, reference=ticket.reference, kind=ticket.kind, status=ticket.status,
        priority=ticket.priority, district=ticket.district, centre=ticket.centre_id,
        assignee=ticket.assignee_id, channel=ticket.channel,
        phone=ticket.phone if service.sees_personal_data(user) else None,
        language=ticket.language, needs=list(ticket.needs or []),
        eligibility=Eligibility(decision=ticket.decision,
                                reasons=[r.get(lang) or r.get("en", r.get("id", ""))
                                         for r in ticket.reasons or []],
                                rules_version=ticket.rules_version),
        created_at=ticket.created_at, updated_at=ticket.updated_at)


def filtered(user: StaffUser, *, status: str | None = None, district: str | None = None,
             centre: str | None = None, phone: str | None = None,
             assignee: int | None = None) -> Any:
    """The tickets `user` may see, narrowed by the list's filters (shared with the exports)."""
    query = service.scoped(select(Ticket), user, centre=centre.lower() if centre else None,
                           assignee=assignee)
    if status:
        query = query.where(Ticket.status == status)
    if district:
        query = query.where(func.lower(Ticket.district) == district.lower())
    if phone:
        number = e164(phone)
        if number is None:
            raise ApiError("phone must be a phone number in E.164, e.g. +8801712345678",
                           status=422, code="invalid_phone")
        query = query.where(Ticket.phone_hash == phone_hash(number))
    return query


@router.get("/tickets", response_model=TicketList)
async def list_tickets(user: StaffUser = Depends(staff), db: AsyncSession = Depends(session),
                       status: Status | None = None, district: str | None = None,
                       centre: str | None = None, phone: str | None = None,
                       limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                       ) -> TicketList:
    """Tickets you may see: an organizer or a manager their centre's, an admin all."""
    query = filtered(user, status=status, district=district, centre=centre, phone=phone)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = (await db.scalars(query.order_by(Ticket.id.desc()).limit(limit).offset(offset))).all()
    return TicketList(items=[to_out(t, user) for t in rows], total=total)


@router.get("/tickets/{ticket_id}", response_model=TicketOut)
async def get_ticket(ticket_id: int, user: StaffUser = Depends(staff),
                     db: AsyncSession = Depends(session)) -> TicketOut:
    ticket = await service.get_visible(db, ticket_id, user)
    if service.sees_personal_data(user) and ticket.phone:
        service.record(db, ticket, "viewed", actor=user)  # every view of personal data is audited
        await db.commit()
    return to_out(ticket, user)


@router.patch("/tickets/{ticket_id}", response_model=TicketOut)
async def update_ticket(ticket_id: int, body: TicketUpdate, request: Request,
                        user: StaffUser = Depends(staff),
                        db: AsyncSession = Depends(session)) -> TicketOut:
    """Change the status, reassign (managers, admins) or add a note."""
    ticket = await service.get_visible(db, ticket_id, user)
    if body.status is None and body.assignee is None and body.note is None:
        raise ApiError("nothing to change: give status, assignee or note", status=422,
                       code="empty_update")
    res = request.app.state.services.resources
    if body.assignee is not None:
        await cases.reassign(db, ticket, user, body.assignee, res)
    if body.status is not None:
        cases.change_status(db, ticket, body.status, user, res, reason=body.closing_reason)
    if body.note is not None:
        cases.add_note(db, ticket, user, body.note)
    await db.commit()
    await db.refresh(ticket)
    return to_out(ticket, user)
