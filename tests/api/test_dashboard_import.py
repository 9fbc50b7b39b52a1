"""Importing a case list: row-by-row checks, a clear report, and nothing half-imported."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select

from referral.casework import StaffUser, Ticket, TicketEvent
from referral.errors import Invalid
from referral.importer import import_cases
from tests.api.test_dashboard_factories import app_client, csrf_of, log_in, make_ticket, make_user

__all__ = ["app_client"]
HEADER = ["Reference", "District", "Case status", "Closing reason", "Sex", "Needs", "Mobile",
          "Date", "Priority"]


def workbook(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = workbook(
    ["rsc-001", "Cumilla", "Support Ongoing", None, "Female", "job; loan", "01712-345679",
     datetime(2025, 3, 1), "high"],
    ["RSC-002", "কুমিল্লা", "Dropout", None, "male", None, 8801812345670, "2025-04-02", None],
    ["RSC-003", "feni", "new", None, None, "skills", None, None, None],
    [None, None, None, None, None, None, None, None, None],  # blank rows are skipped
)


async def _count(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return int(await s.scalar(select(func.count(Ticket.id))) or 0)


async def _user(sessions, person) -> StaffUser:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return await s.get(StaffUser, person.id)


async def test_a_valid_list_is_imported(sessions) -> None:  # type: ignore[no-untyped-def]
    admin = await _user(sessions, await make_user(sessions, "Asha Admin", "admin"))
    async with sessions() as s:
        report = await import_cases(s, GOOD, actor=admin)
        await s.commit()
    assert report.errors == [] and report.created == 3
    async with sessions() as s:
        rows = {t.reference: t for t in (await s.scalars(select(Ticket))).all()}
        events = (await s.scalars(select(TicketEvent.kind))).all()
    assert set(rows) == {"RSC-001", "RSC-002", "RSC-003"}
    one, two, three = rows["RSC-001"], rows["RSC-002"], rows["RSC-003"]
    assert (one.status, one.centre_id, one.gender, one.needs, one.priority) == \
        ("in_progress", "cumilla", "female", ["job", "loan"], "high")
    assert one.phone == "+8801712345679" and one.phone_hash
    assert (two.status, two.closing_reason, two.district) == ("closed", "dropout", "Cumilla")
    assert two.phone == "+8801812345670"
    assert (three.district, three.centre_id, three.status) == ("Feni", "cumilla", "new")
    assert events == ["imported"] * 3


async def test_every_bad_row_is_reported_and_nothing_is_imported(sessions) -> None:  # type: ignore[no-untyped-def]
    admin = await _user(sessions, await make_user(sessions, "Asha Admin", "admin"))
    await make_ticket(sessions)
    async with sessions() as s:
        existing = await s.scalar(select(Ticket.reference))
    before = await _count(sessions)
    data = workbook(
        ["OK-1", "Cumilla", "new", None, None, None, None, None, None],
        ["OK-1", "Atlantis", "lost", None, None, "flying", "12345", "tomorrow", "asap"],
        [existing, "Sylhet", "closed", None, "robot", None, None, "2999-01-01", None],
    )
    async with sessions() as s:
        report = await import_cases(s, data, actor=admin)
        await s.rollback()
    assert report.created == 0
    got = {(e.row, e.column) for e in report.errors}
    assert got == {(3, "reference"), (3, "district"), (3, "status"), (3, "needs"),
                   (3, "phone"), (3, "created_at"), (3, "priority"),
                   (4, "reference"), (4, "closing_reason"), (4, "gender"), (4, "created_at")}
    assert all(e.message for e in report.errors)
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(3, "reference")] == "also on row 2"
    assert "exists already" in messages[(4, "reference")]
    assert await _count(sessions) == before


async def test_missing_columns_and_wrong_files(sessions) -> None:  # type: ignore[no-untyped-def]
    admin = await _user(sessions, await make_user(sessions, "Asha Admin", "admin"))
    async with sessions() as s:
        report = await import_cases(s, workbook(["X-1"], header=["reference"]), actor=admin)
        assert {(e.row, e.column) for e in report.errors} == {(1, "district"), (1, "status")}
        with pytest.raises(Invalid):
            await import_cases(s, b"reference,district\nX,Y\n", actor=admin)


async def test_a_manager_imports_only_their_centres_districts(sessions) -> None:  # type: ignore[no-untyped-def]
    manager = await _user(sessions, await make_user(sessions, "Karim Manager", "manager",
                                                    "cumilla"))
    data = workbook(["S-1", "Sylhet", "new", None, None, None, None, None, None])
    async with sessions() as s:
        report = await import_cases(s, data, actor=manager)
    assert [(e.row, e.column) for e in report.errors] == [(2, "district")]


async def test_the_import_page(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    csrf = log_in(app_client, "Karim Manager")
    page = app_client.get("/dashboard/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    bad = workbook(["B-1", "Atlantis", "new", None, None, None, None, None, None])
    r = app_client.post("/dashboard/import", data={"csrf": csrf},
                        files={"file": ("cases.xlsx", bad, xlsx)})
    assert r.status_code == 422 and "Atlantis" in r.text and "Nothing was imported" in r.text
    r = app_client.post("/dashboard/import", data={"csrf": csrf},
                        files={"file": ("cases.xlsx", b"not a workbook", xlsx)})
    assert r.status_code == 422 and "not an Excel workbook" in r.text
    r = app_client.post("/dashboard/import", data={"csrf": csrf},
                        files={"file": ("cases.xlsx", GOOD, xlsx)})
    assert r.status_code == 200 and "3 cases imported" in r.text
    assert await _count(sessions) == 3
    r = app_client.post("/dashboard/import", data={"csrf": csrf},
                        files={"file": ("cases.xlsx", GOOD, xlsx)})
    assert r.status_code == 422 and "exists already" in r.text  # a second upload adds nothing
    assert await _count(sessions) == 3
    app_client.cookies.clear()
    csrf = log_in(app_client, "Rahima Organizer")
    assert app_client.get("/dashboard/import").status_code == 403
    r = app_client.post("/dashboard/import", data={"csrf": csrf},
                        files={"file": ("cases.xlsx", GOOD, xlsx)})
    assert r.status_code == 403
    assert csrf_of(page.text)


def _rezip(data: bytes, **replace: bytes) -> bytes:
    """The same workbook with some members replaced (keys use "__" for "/", "_" for ".")."""
    import zipfile

    names = {k.replace("__", "/").replace("_xml", ".xml"): v for k, v in replace.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, names.pop(item.filename, None) or src.read(item))
        for name, body in names.items():
            dst.writestr(name, body)
    return out.getvalue()


def _claims_the_whole_sheet() -> bytes:
    """4 KB that claims A1:XFD1048576, with one cell in the last row."""
    book = Workbook()
    book.active.append(HEADER)
    book.active["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
         + b"".join(f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">'
                    .encode() for i in range(1, 10))
         + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>"
         b"</sheetData></worksheet>")
_XXE = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
        b"</sheetData></worksheet>")


@pytest.mark.parametrize("name", ["whole sheet", "shared strings", "entity bomb", "xxe",
                                  "sheetless", "broken zip"])
def test_hostile_workbooks_are_refused_quickly(name: str) -> None:
    """Each of these once took minutes or answered 500 (issue 14): now a clear Invalid,
    after bounded work."""
    from referral.importer import read_rows

    good = workbook(["X-1", "Cumilla", "new"])
    data = {
        "whole sheet": _claims_the_whole_sheet,
        "shared strings": lambda: _rezip(good, xl__sharedStrings_xml=(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t>a</t></si>" * 5_000_000 + b"</sst>")),
        "entity bomb": lambda: _rezip(good, xl__worksheets__sheet1_xml=_BOMB),
        "xxe": lambda: _rezip(good, xl__worksheets__sheet1_xml=_XXE),
        "sheetless": lambda: _rezip(good, xl__workbook_xml=(
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheets/></workbook>")),
        "broken zip": lambda: good[: len(good) // 2],
    }[name]()
    try:
        header, rows = read_rows(data)
    except Invalid as exc:
        assert exc.message
        return
    # Read without expanding anything: no passwd file, no billion laughs.
    assert all("root:" not in str(v) and len(str(v)) < 1000
               for _, row in rows for v in row.values()), name
    assert name in ("xxe", "entity bomb"), f"{name} was read: {header}"
