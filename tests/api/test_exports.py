"""The exports: the caller's tickets, the list's filters, ProMIS's terms, phones only for the
roles that call people, and every exported phone audited."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api import exports
from api.exports import COLUMNS, promis_status
from referral.casework import Ticket, TicketEvent
from tests.api.test_dashboard_factories import app_client, make_ticket, make_user

__all__ = ["app_client"]


def _rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())  # Excel reads Bangla as UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_csv_maps_to_promis_and_scopes_by_centre(sessions, app_client: TestClient
                                                       ) -> None:  # type: ignore[no-untyped-def]
    manager = await make_user(sessions, "Karim Manager", "manager", "cumilla")
    admin = await make_user(sessions, "Asha Admin", "admin")
    ours = await make_ticket(sessions, phone="+8801712000222", needs=("job", "loan"))
    await make_ticket(sessions, centre="sylhet", district="Sylhet", address="tg-9")
    rows = _rows(app_client.get("/api/v1/exports/tickets.csv",
                                headers={"Authorization": f"Bearer {manager.token}"}))
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == COLUMNS + ["phone"]
    assert row["promis_case_status"] == "New Case" and row["centre"] == "cumilla"  # no organizer
    assert row["sex"] == "Female" and row["needs"] == "job; loan" and row["score"] == "7"
    assert row["decision"] == "eligible" and row["reasons"] == "Came back within 12 months"
    assert row["phone"] == "+8801712000222" and row["created_at"]
    async with sessions() as s:
        viewed = (await s.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ours, TicketEvent.kind == "viewed"))).all()
    assert [e.data for e in viewed] == [{"via": "export"}]

    everything = _rows(app_client.get("/api/v1/exports/tickets.csv",
                                      headers={"Authorization": f"Bearer {admin.token}"}))
    assert len(everything) == 2 and "phone" not in everything[0]


async def test_filters_are_the_lists(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    manager = await make_user(sessions, "Karim Manager", "manager", "cumilla")
    auth = {"Authorization": f"Bearer {manager.token}"}
    await make_ticket(sessions, priority="urgent", phone="+8801712000333", needs=("medical",))
    await make_ticket(sessions, district="Feni", address="tg-2", needs=("loan",))

    def count(query: str) -> int:
        return len(_rows(app_client.get(f"/api/v1/exports/tickets.csv?{query}", headers=auth)))

    assert count("") == 2
    assert count("district=feni") == 1
    assert count("priority=urgent") == 1
    assert count("need=loan") == 1
    assert count("phone=01712000333") == 1
    assert count("status=closed") == 0
    assert count("since=2000-01-01&until=2000-01-31") == 0
    bad = app_client.get("/api/v1/exports/tickets.csv?status=lost", headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    bad = app_client.get("/api/v1/exports/tickets.csv?phone=12", headers=auth)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_phone"


async def test_xlsx_has_the_same_table(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    organizer = await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    await make_ticket(sessions, phone="+8801712000444")
    r = app_client.get("/api/v1/exports/tickets.xlsx",
                       headers={"Authorization": f"Bearer {organizer.token}"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    assert "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == COLUMNS + ["phone"] and len(values) == 2
    assert values[1][COLUMNS.index("promis_case_status")] == "Assigned Profiling"
    assert values[1][-1] == "+8801712000444"


async def test_formula_text_cannot_run_in_a_spreadsheet(sessions, app_client: TestClient
                                                        ) -> None:  # type: ignore[no-untyped-def]
    admin = await make_user(sessions, "Asha Admin", "admin")
    ticket_id = await make_ticket(sessions)
    async with sessions() as s:
        (await s.get(Ticket, ticket_id)).district = "=HYPERLINK(\"http://evil.example\")"
        await s.commit()
    auth = {"Authorization": f"Bearer {admin.token}"}
    row = _rows(app_client.get("/api/v1/exports/tickets.csv", headers=auth))[0]
    assert row["district"].startswith("'=")
    sheet = load_workbook(io.BytesIO(app_client.get("/api/v1/exports/tickets.xlsx",
                                                    headers=auth).content)).active
    cell = sheet.cell(row=2, column=COLUMNS.index("district") + 1)
    assert cell.data_type == "s" and str(cell.value).startswith("'=")


def test_promis_status_mapping() -> None:
    def status(s: str, reason: str | None = None) -> tuple[str, str]:
        return promis_status(Ticket(status=s, closing_reason=reason))

    assert status("new") == ("New Case", "")
    assert status("assigned") == ("Assigned Profiling", "")
    assert status("contacted") == status("in_progress") == ("Support Ongoing", "")
    assert status("referred") == ("Support Ongoing", "In Process")
    assert status("closed", "support_completed") == ("Support Completed", "")
    assert status("closed", "dropout") == ("Dropout", "")
    assert status("closed", "cancelled") == ("Cancelled", "")
    assert status("closed", "not_reachable") == ("Dropout", "")


async def test_a_large_export_streams_in_batches_each_row_once_and_audited(
        sessions, app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(exports, "BATCH", 2)  # five tickets: three pages of the keyset
    manager = await make_user(sessions, "Karim Manager", "manager", "cumilla")
    made = [await make_ticket(sessions, address=f"tg-{n}") for n in range(5)]
    with app_client.stream("GET", "/api/v1/exports/tickets.csv",
                           headers={"Authorization": f"Bearer {manager.token}"}) as response:
        assert "content-length" not in response.headers  # streamed, not built in memory
        body = b"".join(response.iter_bytes())
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    async with sessions() as s:
        references = {t.id: t.reference for t in (await s.scalars(select(Ticket))).all()}
        viewed = (await s.scalars(select(TicketEvent.ticket_id).where(
            TicketEvent.kind == "viewed"))).all()
    assert [r["reference"] for r in rows] == [references[i] for i in made]
    assert sorted(viewed) == made  # one audit event per exported phone
    empty = _rows(app_client.get("/api/v1/exports/tickets.csv?status=closed",
                                 headers={"Authorization": f"Bearer {manager.token}"}))
    assert empty == []
