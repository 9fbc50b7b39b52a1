"""The exports from the dashboard: the same files as the API, with the login session."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api import exports
from api.dashboard.filters import Filters
from api.dashboard.session import CurrentUser
from referral.casework import StaffUser

router = APIRouter()


@router.get("/exports/tickets.{kind}")
async def download(kind: Literal["csv", "xlsx"], request: Request,
                   user: StaffUser = CurrentUser) -> Response:
    """What the queue shows, with its filters, as CSV or Excel."""
    filters = Filters.parse(request.query_params, user)
    return await exports.export(request.app.state.services.sessionmaker, user,
                                filters.query(user), kind)
