"""`/api/v1/exports/tickets.csv|xlsx`: the tickets a caller may see, in ProMIS's terms."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.auth import staff
from api.dashboard.filters import Filters, Need
from referral import tickets as service
from referral.casework import Screening, StaffUser, Ticket, TicketEvent, TicketStatus

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])
Status = TicketStatus
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
BATCH = 1000  # rows read, audited and sent at a time


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


async def batches(maker: async_sessionmaker, user: StaffUser, query: Any
                  ) -> AsyncIterator[list[list[Any]]]:
    """The rows in ticket order, BATCH at a time from a session of their own, so an export of
    any size streams in constant memory. Exporting phones is a view of personal data: a batch's
    `viewed` events are committed before its rows are handed out."""
    phone = service.sees_personal_data(user)
    page = query.add_columns(Screening.score).outerjoin(
        Screening, Screening.id == Ticket.screening_id).order_by(Ticket.id).limit(BATCH)
    last = 0
    async with maker() as db:
        while True:
            # Keyset pages, not one cursor: each page's audit commits without ending the read.
            result = (await db.execute(page.where(Ticket.id > last))).all()
            if not result:
                return
            last = result[-1][0].id
            rows = [[_cell(v) for v in row(t, score, phone=phone)] for t, score in result]
            if phone:
                viewed = [{"ticket_id": t.id, "actor_id": user.id, "actor": "staff",
                           "kind": "viewed", "data": {"via": "export"}}
                          for t, _score in result if t.phone and not t.anonymised]
                if viewed:
                    await db.execute(insert(TicketEvent), viewed)
                await db.commit()
            db.expunge_all()
            yield rows


def header(user: StaffUser) -> list[str]:
    return COLUMNS + ([PHONE_COLUMN] if service.sees_personal_data(user) else [])


async def csv_chunks(head: list[str], rows: AsyncIterator[list[list[Any]]]) -> AsyncIterator[bytes]:
    """The CSV, a batch at a time; the BOM makes Excel read UTF-8 (Bangla)."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(head)
    async for batch in rows:
        for values in batch:
            writer.writerow(["" if v is None else v.isoformat(sep=" ") if isinstance(v, datetime)
                             else v for v in values])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")  # an empty export: the header alone


async def to_xlsx(head: list[str], rows: AsyncIterator[list[list[Any]]]) -> bytes:
    """A workbook is a zip that cannot be sent before it is complete; write-only mode keeps
    the rows on disk until then."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("tickets")
    sheet.append(head)
    async for batch in rows:
        for values in batch:
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _disposition(kind: str) -> dict[str, str]:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return {"Content-Disposition": f'attachment; filename="prottasha-tickets-{stamp}.{kind}"',
            "Cache-Control": "no-store"}


async def export(maker: async_sessionmaker, user: StaffUser, query: Any, kind: str) -> Response:
    """The file of the tickets `query` selects: CSV streamed, Excel built then sent."""
    rows = batches(maker, user, query)
    if kind == "csv":
        return StreamingResponse(csv_chunks(header(user), rows), media_type=CSV_TYPE,
                                 headers=_disposition(kind))
    return Response(await to_xlsx(header(user), rows), media_type=XLSX_TYPE,
                    headers=_disposition(kind))


async def _export(request: Request, user: StaffUser, filters: Filters, kind: str) -> Response:
    return await export(request.app.state.services.sessionmaker, user, filters.query(user), kind)


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
async def tickets_csv(request: Request, user: StaffUser = Depends(staff),
                      filters: Filters = Depends(_filters)) -> Response:
    """The tickets you may see, filtered like the list; phone only for organizers and managers."""
    return await _export(request, user, filters, "csv")


@router.get("/tickets.xlsx", response_class=Response,
            responses={200: {"content": {XLSX_TYPE: {}}}})
async def tickets_xlsx(request: Request, user: StaffUser = Depends(staff),
                       filters: Filters = Depends(_filters)) -> Response:
    """The same as the CSV, as an Excel workbook."""
    return await _export(request, user, filters, "xlsx")
