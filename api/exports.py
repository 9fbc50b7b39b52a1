"""`/api/v1/exports/tickets.csv|xlsx`: the tickets a caller may see, in ProMIS's terms."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session, staff
from api.dashboard.filters import Filters, Need
from referral import tickets as service
from referral.casework import Screening, StaffUser, Ticket

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])
Status = Literal["new", "assigned", "contacted", "in_progress", "referred", "closed"]
Priority = Literal["urgent", "high", "normal"]
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ProMIS case statuses (promis.md): a closed ticket's reason says which ending it had.
PROMIS_CASE = {"new": "New Case", "assigned": "Assigned Profiling",
               "contacted": "Support Ongoing", "in_progress": "Support Ongoing",
               "referred": "Support Ongoing"}
PROMIS_CLOSED = {"support_completed": "Support Completed", "cancelled": "Cancelled",
                 "dropout": "Dropout", "not_reachable": "Dropout", "duplicate": "Cancelled",
                 "erased": "Cancelled"}
PROMIS_SEX = {"female": "Female", "male": "Male", "other": "Other"}
COLUMNS = ["reference", "promis_case_status", "promis_referral_status", "status",
           "closing_reason", "priority", "kind", "centre", "district", "sex", "needs",
           "decision", "score", "reasons", "rules_version", "channel", "language",
           "created_at", "assigned_at", "first_contact_at", "closed_at"]
PHONE_COLUMN = "phone"


def promis_status(ticket: Ticket) -> tuple[str, str]:
    """(case status, referral follow-up status) as ProMIS names them."""
    if ticket.status == "closed":
        return PROMIS_CLOSED.get(ticket.closing_reason or "", "Cancelled"), ""
    return PROMIS_CASE.get(ticket.status, "New Case"), \
        "In Process" if ticket.status == "referred" else ""


def _when(value: datetime | None) -> datetime | None:
    """UTC without tzinfo: spreadsheets cannot hold a zone."""
    if value is None:
        return None
    return (value.astimezone(UTC) if value.tzinfo else value).replace(tzinfo=None, microsecond=0)


def row(ticket: Ticket, score: int | None, *, phone: bool) -> list[Any]:
    case, referral = promis_status(ticket)
    values: list[Any] = [
        ticket.reference, case, referral, ticket.status, ticket.closing_reason or "",
        ticket.priority, ticket.kind, ticket.centre_id or "", ticket.district or "",
        PROMIS_SEX.get(ticket.gender or "", ""), "; ".join(ticket.needs or []),
        ticket.decision or "", score if score is not None else "",
        "; ".join(r.get("en") or r.get("id", "") for r in ticket.reasons or []),
        ticket.rules_version or "", ticket.channel, ticket.language,
        _when(ticket.created_at), _when(ticket.assigned_at), _when(ticket.first_contact_at),
        _when(ticket.closed_at)]
    if phone:
        values.append(ticket.phone or "")
    return values


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not value[1:].isdigit():
        return "'" + value
    return value


async def table(db: AsyncSession, user: StaffUser, query: Any) -> tuple[list[str], list[list[Any]]]:
    """Header and rows; exporting phones is a view of personal data, audited per ticket."""
    phone = service.sees_personal_data(user)
    joined = query.add_columns(Screening.score).outerjoin(
        Screening, Screening.id == Ticket.screening_id).order_by(Ticket.id)
    result = (await db.execute(joined)).all()
    rows = [[_cell(v) for v in row(t, score, phone=phone)] for t, score in result]
    if phone:
        for t, _score in result:
            if t.phone and not t.anonymised:
                service.record(db, t, "viewed", actor=user, via="export")
        await db.commit()
    return COLUMNS + ([PHONE_COLUMN] if phone else []), rows


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow(["" if v is None else v.isoformat(sep=" ") if isinstance(v, datetime)
                         else v for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 (Bangla)


def to_xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("tickets")
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(body: bytes, kind: str) -> Response:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(body, media_type=CSV_TYPE if kind == "csv" else XLSX_TYPE, headers={
        "Content-Disposition": f'attachment; filename="prottasha-tickets-{stamp}.{kind}"',
        "Cache-Control": "no-store"})


async def _export(user: StaffUser, db: AsyncSession, filters: Filters, kind: str) -> Response:
    header, rows = await table(db, user, filters.query(user))
    return download(to_csv(header, rows) if kind == "csv" else to_xlsx(header, rows), kind)


def _filters(status: Status | None = None, district: str | None = None, centre: str | None = None,
             phone: str | None = None, priority: Priority | None = None, need: Need | None = None,
             since: date | None = Query(None, description="created on or after (YYYY-MM-DD)"),
             until: date | None = Query(None, description="created on or before (YYYY-MM-DD)"),
             ) -> Filters:
    return Filters(status=status or "", district=district or "", centre=centre or "",
                   phone=phone or "", priority=priority or "", need=need or "", since=since,
                   until=until)


@router.get("/tickets.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
async def tickets_csv(user: StaffUser = Depends(staff), db: AsyncSession = Depends(session),
                      filters: Filters = Depends(_filters)) -> Response:
    """The tickets you may see, filtered like the list; phone only for organizers and managers."""
    return await _export(user, db, filters, "csv")


@router.get("/tickets.xlsx", response_class=Response,
            responses={200: {"content": {XLSX_TYPE: {}}}})
async def tickets_xlsx(user: StaffUser = Depends(staff), db: AsyncSession = Depends(session),
                       filters: Filters = Depends(_filters)) -> Response:
    """The same as the CSV, as an Excel workbook."""
    return await _export(user, db, filters, "xlsx")
