"""Import a case list from Excel (managers and admins): a report per row, all or nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from api.auth import session
from api.dashboard.session import CurrentUser, FormUser
from api.dashboard.web import render
from bot.i18n import N_
from referral import importer
from referral.casework import StaffUser
from referral.errors import Invalid

router = APIRouter()
MAX_BYTES = 900 * 1024  # under the app's 1 MiB body limit, with room for the form
FORBIDDEN = N_("Only managers and admins can import cases.")
NOT_XLSX = N_("Choose an Excel file (.xlsx) of at most 900 KB.")
RACE = N_("Another import added one of these references a moment ago: nothing was imported.")


def _page(request: Request, user: StaffUser, status: int = 200, **context: Any) -> Response:
    return render(request, "import.html", user=user, status=status, columns=importer.COLUMNS,
                  required=importer.REQUIRED, needs=importer.NEEDS, **context)


async def _undo(db: AsyncSession, user: StaffUser) -> None:
    """Roll everything back; the user is read again because a rollback expires it."""
    await db.rollback()
    await db.refresh(user)


@router.get("/import")
async def import_form(request: Request, user: StaffUser = CurrentUser) -> Response:
    if user.role == "organizer":
        return render(request, "error.html", user=user, status=403, message=FORBIDDEN)
    return _page(request, user)


@router.post("/import")
async def import_cases(request: Request, user: StaffUser = FormUser,
                       db: AsyncSession = Depends(session)) -> Response:
    if user.role == "organizer":
        return render(request, "error.html", user=user, status=403, message=FORBIDDEN)
    upload = (await request.form()).get("file")
    data = await upload.read(MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
    if not data or len(data) > MAX_BYTES:
        return _page(request, user, status=422, problem=NOT_XLSX)
    try:
        report = await importer.import_cases(db, data, actor=user)
        if report.errors:
            await _undo(db, user)  # nothing half-imported
            return _page(request, user, status=422, report=report)
        await db.commit()
    except Invalid as exc:
        await _undo(db, user)
        return _page(request, user, status=422, problem_text=exc.message)
    except IntegrityError:
        await _undo(db, user)
        return _page(request, user, status=409, problem=RACE)
    return _page(request, user, report=report)
