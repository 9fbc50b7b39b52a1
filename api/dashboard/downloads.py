"""The exports from the dashboard: the same files as the API, with the login session."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from api import exports
from api.auth import session
from api.dashboard.filters import Filters
from api.dashboard.session import CurrentUser
from referral.casework import StaffUser

router = APIRouter()


@router.get("/exports/tickets.{kind}")
async def download(kind: Literal["csv", "xlsx"], request: Request, user: StaffUser = CurrentUser,
                   db: AsyncSession = Depends(session)) -> Response:
    """What the queue shows, with its filters, as CSV or Excel."""
    filters = Filters.parse(request.query_params, user)
    header, rows = await exports.table(db, user, filters.query(user))
    body = exports.to_csv(header, rows) if kind == "csv" else exports.to_xlsx(header, rows)
    return exports.download(body, kind)
