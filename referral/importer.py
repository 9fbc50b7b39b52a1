"""Import an existing case list (XLSX) as tickets: every row checked, all or nothing."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from referral import tickets
from referral.casework import PRIORITIES, TICKET_STATUSES, District, StaffUser, Ticket
from referral.contacts import phone_hash
from referral.errors import Invalid
from referral.home import HOME_REGION
from referral.models import utcnow

MAX_ROWS = 5000
NEEDS = ("business", "skills", "job", "counselling", "medical", "legal", "loan")
GENDERS = ("female", "male", "other", "prefer_not")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/-]{1,19}$")
# ProMIS case statuses (promis.md) -> our status and, for endings, the closing reason.
PROMIS = {"new case": ("new", None), "assigned profiling": ("assigned", None),
          "support ongoing": ("in_progress", None), "graduated": ("closed", "support_completed"),
          "support completed": ("closed", "support_completed"),
          "cancelled": ("closed", "cancelled"), "dropout": ("closed", "dropout")}
ALIASES = {"sex": "gender", "promis_case_status": "status", "case_status": "status",
           "date": "created_at", "created": "created_at", "mobile": "phone",
           "phone_number": "phone"}
COLUMNS = ("reference", "status", "closing_reason", "priority", "district", "gender", "needs",
           "phone", "created_at", "language")
REQUIRED = ("reference", "district", "status")


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    errors: list[RowError] = field(default_factory=list)


# A workbook is a zip of XML: what it claims is checked before anything is parsed, so that
# a few kilobytes cannot ask for gigabytes ("A1:XFD1048576", five million shared strings).
MAX_UNZIPPED = 40 * 1024 * 1024  # bytes of XML in all, unpacked
MAX_RATIO = 200  # unpacked / packed for any one member: more is a zip bomb
MAX_SHEET_ROWS = 50_000  # rows read, empty ones included, before we stop
MAX_COLUMNS = 60


def _check_zip(data: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Invalid("the file is not an Excel workbook (.xlsx)") from exc
    if sum(m.file_size for m in members) > MAX_UNZIPPED or any(
            m.file_size > MAX_RATIO * max(m.compress_size, 1024) for m in members):
        raise Invalid("the workbook is too large once unpacked; save only the case list sheet")


def read_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The first sheet's header (normalised names) and its non-empty rows. Blocking and
    CPU-bound: call it in a thread (`import_cases` does)."""
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception as exc:  # broken, sheetless, entity or XXE tricks: all one answer
        raise Invalid("the file is not an Excel workbook (.xlsx) we can read") from exc
    try:
        sheet.reset_dimensions()  # ignore the size the file claims; read what is there
        return _rows(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    except Invalid:
        raise
    except Exception as exc:
        raise Invalid("the file is not an Excel workbook (.xlsx) we can read") from exc
    finally:
        book.close()


def _rows(lines: Any) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    names = (str(v or "").strip().lower().replace(" ", "_") for v in next(lines, ()))
    header = [ALIASES.get(n, n) for n in names]
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(lines, start=2):
        if number > MAX_SHEET_ROWS:
            raise Invalid(f"the sheet is longer than {MAX_SHEET_ROWS} rows")
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise Invalid(f"at most {MAX_ROWS} rows in one import")
        rows.append((number, {name: values[i] if i < len(values) else None
                              for i, name in enumerate(header) if name}))
    return header, rows


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    return "" if value is None else str(value).strip()


def _phone(value: Any) -> str | None:
    try:
        number = phonenumbers.parse(_text(value), HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), UTC)
    try:
        return datetime.combine(date.fromisoformat(_text(value)[:10]), time(), UTC)
    except ValueError:
        return None


class _Row:
    """One row's checked fields, or its errors."""

    def __init__(self, number: int, cells: dict[str, Any]) -> None:
        self.number, self.cells = number, cells
        self.errors: list[RowError] = []
        self.fields: dict[str, Any] = {}

    def text(self, column: str) -> str:
        return _text(self.cells.get(column))

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))


def _check(row: _Row, districts: dict[str, District], allowed: set[str] | None) -> None:
    reference = row.text("reference").upper()  # references are read out in capitals
    if not REFERENCE.match(reference):
        row.fail("reference", "2 to 20 letters, digits, '-', '_' or '/'")
    row.fields["reference"] = reference
    district = districts.get(row.text("district").lower())
    if district is None:
        row.fail("district", f"not one of the 64 districts: {row.text('district')!r}"[:120])
    elif allowed is not None and district.centre_id not in allowed:
        row.fail("district", f"{district.name} belongs to another centre")
    else:
        row.fields.update(district=district.name, centre_id=district.centre_id)
    status, reason = row.text("status").lower().replace(" ", "_"), row.text("closing_reason")
    if status.replace("_", " ") in PROMIS:
        status, implied = PROMIS[status.replace("_", " ")]
        reason = reason or implied or ""
    if status not in TICKET_STATUSES:
        row.fail("status", f"one of {', '.join(TICKET_STATUSES)} or a ProMIS case status")
    elif status == "closed" and reason not in tickets.STAFF_CLOSING_REASONS:
        row.fail("closing_reason", f"a closed case needs one of "
                                   f"{', '.join(tickets.STAFF_CLOSING_REASONS)}")
    row.fields.update(status=status, closing_reason=reason if status == "closed" else None)
    _optional(row)


def _optional(row: _Row) -> None:
    priority = row.text("priority").lower() or "normal"
    if priority not in PRIORITIES:
        row.fail("priority", f"one of {', '.join(PRIORITIES)}")
    gender = row.text("gender").lower().replace(" ", "_") or None
    if gender is not None and gender not in GENDERS:
        row.fail("gender", f"one of {', '.join(GENDERS)}")
    needs = [n.strip().lower() for n in re.split(r"[;,]", row.text("needs")) if n.strip()]
    if unknown := [n for n in needs if n not in NEEDS]:
        row.fail("needs", f"unknown {', '.join(unknown)[:60]}; use {', '.join(NEEDS)}")
    phone = _phone(row.cells.get("phone")) if row.text("phone") else None
    if row.text("phone") and phone is None:
        row.fail("phone", "not a valid phone number (e.g. +8801712345678 or 01712345678)")
    created = _when(row.cells.get("created_at")) if row.text("created_at") else utcnow()
    if created is None or created > utcnow():
        row.fail("created_at", "a date (YYYY-MM-DD) that is not in the future")
    language = row.text("language").lower() or "bn"
    if language not in ("bn", "en"):
        row.fail("language", "bn or en")
    row.fields.update(priority=priority, gender=gender, needs=needs, phone=phone,
                      phone_hash=phone_hash(phone) if phone else None, created_at=created,
                      language=language)


async def import_cases(session: AsyncSession, data: bytes, *, actor: StaffUser) -> ImportReport:
    """Check every row; add the tickets only when all are valid (flushes; the caller commits)."""
    # Off the event loop: a workbook takes time to read, and webhooks must not wait for it.
    header, rows = await asyncio.to_thread(read_rows, data)
    report = ImportReport()
    for column in REQUIRED:
        if column not in header:
            report.errors.append(RowError(1, column, "this column is missing"))
    if report.errors:
        return report
    districts = {}
    for d in (await session.scalars(select(District))).all():
        districts[d.name.lower()] = districts[d.name_bn.lower()] = d
    allowed = None if actor.role == "admin" else {actor.centre_id or ""}
    checked = [_Row(number, cells) for number, cells in rows]
    seen: dict[str, int] = {}
    for row in checked:
        _check(row, districts, allowed)
        ref = row.fields["reference"]
        if ref in seen:
            row.fail("reference", f"also on row {seen[ref]}")
        seen.setdefault(ref, row.number)
    refs = list(seen)
    taken = set((await session.scalars(select(Ticket.reference).where(
        Ticket.reference.in_(refs)))).all()) if refs else set()
    for row in checked:
        if row.fields["reference"] in taken:
            row.fail("reference", "a ticket with this reference exists already")
        report.errors += row.errors
    if report.errors or not checked:
        return report
    return await _add(session, checked, actor, report)


async def _add(session: AsyncSession, checked: list[_Row], actor: StaffUser,
               report: ImportReport) -> ImportReport:
    made = []
    for row in checked:
        f = row.fields
        closed = f["status"] == "closed"
        ticket = Ticket(kind="registration", channel="import", anonymised=False, reasons=[],
                        updated_at=utcnow(), closed_at=f["created_at"] if closed else None, **f)
        session.add(ticket)
        made.append(ticket)
    await session.flush()
    for ticket in made:
        tickets.record(session, ticket, "imported", actor=actor)
    await session.flush()
    report.created = len(made)
    return report
