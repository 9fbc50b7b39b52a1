"""The M&E figures and page: counts, median time to first contact, unanswered questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from referral import reports
from referral.casework import StaffUser, Ticket
from referral.models import InboxMessage
from tests.api.test_dashboard_factories import app_client, log_in, make_ticket, make_user

__all__ = ["app_client"]


async def _contacted_after(sessions, ticket_id: int, hours: float) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        ticket = await s.get(Ticket, ticket_id)
        created = ticket.created_at if ticket.created_at.tzinfo else \
            ticket.created_at.replace(tzinfo=UTC)
        ticket.first_contact_at = created + timedelta(hours=hours)
        ticket.status = "contacted"
        await s.commit()


async def test_figures_count_and_time_to_contact(sessions) -> None:  # type: ignore[no-untyped-def]
    admin = await make_user(sessions, "Asha Admin", "admin")
    manager = await make_user(sessions, "Karim Manager", "manager", "cumilla")
    a = await make_ticket(sessions, needs=("job", "loan"), address="a")
    b = await make_ticket(sessions, district="Feni", needs=("job",), gender="male", address="b")
    await make_ticket(sessions, centre="sylhet", district="Sylhet", needs=(), address="c")
    await _contacted_after(sessions, a, 2)
    await _contacted_after(sessions, b, 4)
    async with sessions() as s:
        everything = await reports.figures(s, await s.get(StaffUser, admin.id))
        cumilla = await reports.figures(s, await s.get(StaffUser, manager.id))
    assert everything.total == 3 and cumilla.total == 2
    assert everything.by_status == {"contacted": 2, "new": 1}
    assert everything.by_centre == {"cumilla": 2, "sylhet": 1}
    assert cumilla.by_district == {"Cumilla": 1, "Feni": 1}
    assert cumilla.by_gender == {"female": 1, "male": 1}
    assert cumilla.by_need == {"job": 2, "loan": 1}
    assert len(everything.by_week) == reports.WEEKS and list(everything.by_week.values())[-1] == 3
    assert everything.median_hours_to_contact == 3.0 and everything.contacted == 2


async def test_unanswered_questions_newest_first(sessions) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    async with sessions() as s:
        for n, (text, intent) in enumerate([("kobe taka pabo", "nlu_fallback"),
                                            ("who won the match", "out_of_scope"),
                                            ("hello", "greet"),
                                            ("Mokbul Hossain", "nlu_fallback")]):
            # The last is an answer to the questionnaire (a name), not a question.
            s.add(InboxMessage(channel="sms", provider_id=f"q{n}", user_hash=f"h{n}", text=text,
                               intent=intent, received_at=now + timedelta(minutes=n),
                               flow="register" if n == 3 else None))
        await s.commit()
        found = await reports.unanswered(s)
    assert [m.text for m in found] == ["who won the match", "kobe taka pabo"]


async def test_the_stats_page(sessions, settings, nlu_model) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Asha Admin", "admin")
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    await make_ticket(sessions, inbox="amar passport harai geche ki korbo, Mokbul 01711-222333",
                      intent="nlu_fallback")
    with TestClient(create_app(settings, nlu=nlu_model), follow_redirects=False) as client:
        log_in(client, "Asha Admin")
        page = client.get("/dashboard/stats")
        assert page.status_code == 200 and page.text.count("<svg") == 6
        assert "Tickets by status" in page.text and "amar passport harai geche ki korbo" in page.text
        # Admins see no personal data: the question is masked.
        assert "Mokbul" not in page.text and "222333" not in page.text
        assert "&lt;phone&gt;" in page.text
        client.cookies.clear()
        log_in(client, "Karim Manager")
        page = client.get("/dashboard/stats")
        assert page.status_code == 200 and "amar passport" not in page.text  # admins only


async def test_admin_downloads_the_review_export_masked(  # type: ignore[no-untyped-def]
        sessions, settings, nlu_model) -> None:
    await make_user(sessions, "Asha Admin", "admin")
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    await make_ticket(sessions, inbox="amar nam Mokbul, 01711-222333 e call den, dalal 2 lakh nise",
                      intent="nlu_fallback")
    async with sessions() as s:  # make_ticket's inbox row is still "received": handle it
        for row in (await s.scalars(select(InboxMessage))).all():
            row.status = "handled"
        await s.commit()
    with TestClient(create_app(settings, nlu=nlu_model), follow_redirects=False) as client:
        log_in(client, "Asha Admin")
        assert "/dashboard/stats/review.yml" in client.get("/dashboard/stats").text
        got = client.get("/dashboard/stats/review.yml")
        assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
        assert "reviewed: false" in got.text and "<phone>" in got.text
        for secret in ("Mokbul", "01711", "222333", "2 lakh"):
            assert secret not in got.text
        client.cookies.clear()
        log_in(client, "Karim Manager")
        assert client.get("/dashboard/stats/review.yml").status_code == 403
