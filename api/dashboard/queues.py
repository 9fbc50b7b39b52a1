"""The queues: my tickets, my centre's, or all of them (admins), with filters and pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.dashboard.filters import NEEDS, Filters, queue_order, tabs_for
from api.dashboard.session import CurrentUser
from api.dashboard.web import render
from referral.casework import PRIORITIES, TICKET_STATUSES, Centre, District, StaffUser

router = APIRouter()
PAGE = 30  # a phone screen scrolls; more pages beat one slow, long list


@router.get("")
@router.get("/")
async def queue(request: Request, user: StaffUser = CurrentUser, page: int = Query(1, ge=1, le=10_000),
                db: AsyncSession = Depends(session)) -> Response:
    filters = Filters.parse(request.query_params, user)
    query = filters.query(user)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    tickets = (await db.scalars(queue_order(query).limit(PAGE).offset((page - 1) * PAGE))).all()
    staff_ids = {t.assignee_id for t in tickets if t.assignee_id}
    names = {u.id: u.name for u in (await db.scalars(
        select(StaffUser).where(StaffUser.id.in_(staff_ids)))).all()} if staff_ids else {}
    districts = (await db.scalars(select(District).order_by(District.name))).all()
    if user.role != "admin":
        districts = [d for d in districts if d.centre_id == user.centre_id]
    centres = (await db.scalars(select(Centre).order_by(Centre.id))).all() \
        if user.role == "admin" else []
    tabs = tabs_for(user)
    return render(request, "queue.html", user=user, tickets=tickets, total=total, page=page,
                  pages=max(1, -(-total // PAGE)), filters=filters, names=names, tabs=tabs,
                  statuses=TICKET_STATUSES, priorities=PRIORITIES, needs=NEEDS,
                  districts=districts, centres=centres)
