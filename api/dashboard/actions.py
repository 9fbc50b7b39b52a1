"""What a field worker does to a ticket: accept, change status, reassign, note, reply."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.dashboard.session import PATH, FormUser
from bot import alerts, cases
from referral import tickets as service
from referral.casework import StaffUser, Ticket
from referral.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

router = APIRouter()
REPLY_MAX = alerts.REPLY_MAX


def _back(ticket_id: int, **flag: str) -> Response:
    key, value = next(iter(flag.items()))
    return RedirectResponse(f"{PATH}/tickets/{ticket_id}?{key}={value}#actions", status_code=303)


def _error_key(exc: DomainError, default: str) -> str:
    if isinstance(exc, Conflict):
        return "closed"
    if isinstance(exc, Forbidden):
        return "forbidden"
    return default


async def _ticket(db: AsyncSession, ticket_id: int, user: StaffUser) -> Ticket | None:
    try:
        return await service.get_visible(db, ticket_id, user)
    except NotFound:
        return None


def _missing(ticket_id: int) -> Response:
    return RedirectResponse(f"{PATH}/tickets/{ticket_id}", status_code=303)


@router.post("/tickets/{ticket_id}/accept")
async def accept(ticket_id: int, request: Request, user: StaffUser = FormUser,
                 db: AsyncSession = Depends(session)) -> Response:
    ticket = await _ticket(db, ticket_id, user)
    if ticket is None:
        return _missing(ticket_id)
    try:
        taken = cases.accept(db, ticket, user, request.app.state.services.resources)
    except DomainError as exc:
        return _back(ticket_id, error=_error_key(exc, "forbidden"))
    await db.commit()
    request.app.state.services.wake_outbox()
    return _back(ticket_id, done="accepted" if taken else "taken")


@router.post("/tickets/{ticket_id}/status")
async def change_status(ticket_id: int, request: Request, user: StaffUser = FormUser,
                        status: str = Form(...), reason: str = Form(""),
                        db: AsyncSession = Depends(session)) -> Response:
    ticket = await _ticket(db, ticket_id, user)
    if ticket is None:
        return _missing(ticket_id)
    try:
        cases.change_status(db, ticket, status, user, request.app.state.services.resources,
                            reason=reason or None)
    except Invalid:
        return _back(ticket_id, error="reason" if status == "closed" else "status")
    except DomainError as exc:
        return _back(ticket_id, error=_error_key(exc, "status"))
    await db.commit()
    request.app.state.services.wake_outbox()
    return _back(ticket_id, done="status")


@router.post("/tickets/{ticket_id}/note")
async def add_note(ticket_id: int, user: StaffUser = FormUser, note: str = Form(""),
                   db: AsyncSession = Depends(session)) -> Response:
    ticket = await _ticket(db, ticket_id, user)
    if ticket is None:
        return _missing(ticket_id)
    try:
        cases.add_note(db, ticket, user, note)
    except DomainError as exc:
        return _back(ticket_id, error=_error_key(exc, "note"))
    await db.commit()
    return _back(ticket_id, done="note")


@router.post("/tickets/{ticket_id}/reassign")
async def reassign(ticket_id: int, request: Request, user: StaffUser = FormUser,
                   assignee: int = Form(0), db: AsyncSession = Depends(session)) -> Response:
    ticket = await _ticket(db, ticket_id, user)
    if ticket is None:
        return _missing(ticket_id)
    try:
        await cases.reassign(db, ticket, user, assignee, request.app.state.services.resources)
    except Invalid:
        return _back(ticket_id, error="assignee")
    except DomainError as exc:
        return _back(ticket_id, error=_error_key(exc, "assignee"))
    await db.commit()
    request.app.state.services.wake_outbox()
    return _back(ticket_id, done="reassigned")


@router.post("/tickets/{ticket_id}/reply")
async def reply(ticket_id: int, request: Request, user: StaffUser = FormUser,
                text: str = Form(""), db: AsyncSession = Depends(session)) -> Response:
    """A message to the person on their own channel, kept in the audit trail."""
    ticket = await _ticket(db, ticket_id, user)
    if ticket is None:
        return _missing(ticket_id)
    refused = await cases.reply(db, ticket, user, text)
    if refused is not None:
        return _back(ticket_id, error=refused)
    await db.commit()
    request.app.state.services.wake_outbox()
    return _back(ticket_id, done="reply")
