"""One ticket: the case, the person's answers and messages, the audit trail, the actions."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.dashboard import casefile
from api.dashboard.session import CurrentUser
from api.dashboard.web import language, render
from bot.i18n import N_
from referral import tickets as service
from referral.casework import Centre, Screening, StaffUser
from referral.errors import NotFound

router = APIRouter()
NOT_FOUND = N_("There is no such ticket, or it belongs to another centre.")
DONE = {"accepted": N_("You have accepted this ticket."),
        "taken": N_("This ticket was already accepted."),
        "status": N_("The status was changed."), "note": N_("Your note was added."),
        "reply": N_("Your reply is on its way to the person."),
        "reassigned": N_("The ticket was handed to another organizer.")}
ERRORS = {"closed": N_("The ticket is closed: it cannot be changed."),
          "reason": N_("To close a ticket, choose a closing reason."),
          "status": N_("Choose a valid status."),
          "note": N_("Write a note of 1 to 4000 characters."),
          "reply": N_("Write a reply of 1 to 1000 characters."),
          "unreachable": N_("This person cannot be reached by message: call them instead."),
          "opted_out": N_("This person asked for no more messages: call them instead."),
          "assignee": N_("Choose an active organizer of this ticket's centre."),
          "forbidden": N_("Your role cannot do this.")}


@router.get("/tickets/{ticket_id}")
async def ticket_view(ticket_id: int, request: Request, user: StaffUser = CurrentUser,
                      db: AsyncSession = Depends(session)) -> Response:
    try:
        ticket = await service.get_visible(db, ticket_id, user)
    except NotFound:
        return render(request, "error.html", user=user, status=404, message=NOT_FOUND)
    lang = language(request, user)
    personal = service.sees_personal_data(user) and not ticket.anonymised
    screening = await db.get(Screening, ticket.screening_id) if ticket.screening_id else None
    answers = casefile.answers(screening, request.app.state.services.resources.questionnaire,
                               lang) if personal else []
    messages = await casefile.conversation(db, ticket) if personal else []
    events, names = await casefile.trail(db, ticket)
    centre = await db.get(Centre, ticket.centre_id) if ticket.centre_id else None
    staff = await casefile.organizers(db, ticket.centre_id) if user.role != "organizer" else []
    if personal:
        service.record(db, ticket, "viewed", actor=user, via="dashboard")  # audited, every time
        await db.commit()
    reasons = [r.get(lang) or r.get("en") or r.get("id", "") for r in ticket.reasons or []]
    done = DONE.get(request.query_params.get("done", ""))
    error = ERRORS.get(request.query_params.get("error", ""))
    return render(request, "ticket.html", user=user, ticket=ticket, personal=personal,
                  answers=answers, messages=messages, events=events, names=names, centre=centre,
                  organizers=staff, reasons=reasons, score=screening.score if screening else None,
                  closing_reasons=service.STAFF_CLOSING_REASONS, statuses=service.TICKET_STATUSES,
                  done=done, error=error)
