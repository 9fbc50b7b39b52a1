"""The dashboard end to end on SQLite and PostgreSQL: log in, queues, a ticket, its actions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from referral.casework import Ticket, TicketEvent
from referral.models import OutboxMessage
from tests.api.test_dashboard_factories import app_client, csrf_of, log_in, make_ticket, make_user

__all__ = ["app_client"]


async def _events(sessions, ticket_id: int) -> list[TicketEvent]:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return list((await s.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                                     .order_by(TicketEvent.id))).all())


async def test_organizer_works_a_ticket_from_login_to_close(sessions, app_client: TestClient
                                                            ) -> None:  # type: ignore[no-untyped-def]
    organizer = await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    ticket_id = await make_ticket(sessions, phone="+8801712345678")
    csrf = log_in(app_client, "Rahima Organizer")

    queue = app_client.get("/dashboard")
    assert queue.status_code == 200 and "Rahima Organizer" in queue.text
    assert f"/dashboard/tickets/{ticket_id}" in queue.text  # routed to her: in "mine"

    page = app_client.get(f"/dashboard/tickets/{ticket_id}")
    assert page.status_code == 200
    assert "+8801712345678" in page.text  # her role sees the phone
    assert "I came back from Dubai and need work" in page.text  # the conversation, decrypted
    assert "Came back within 12 months" in page.text  # eligibility reasons
    assert "Under 1 lakh" in page.text  # an answer, with the option's title

    r = app_client.post(f"/dashboard/tickets/{ticket_id}/accept", data={"csrf": csrf})
    assert r.status_code == 303 and "done=accepted" in r.headers["location"]
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/status",
                        data={"csrf": csrf, "status": "contacted"})
    assert "done=status" in r.headers["location"]
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/note",
                        data={"csrf": csrf, "note": "Called, will visit on Sunday"})
    assert "done=note" in r.headers["location"]
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reply",
                        data={"csrf": csrf, "text": "We will visit you on Sunday."})
    assert "done=reply" in r.headers["location"]
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/status",
                        data={"csrf": csrf, "status": "closed"})
    assert "error=reason" in r.headers["location"]  # closing needs a reason
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/status",
                        data={"csrf": csrf, "status": "closed", "reason": "support_completed"})
    assert "done=status" in r.headers["location"]

    async with sessions() as s:
        ticket = await s.get(Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.closing_reason == "support_completed"
        assert ticket.assignee_id == organizer.id and ticket.first_contact_at is not None
        sent = (await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "proactive")
                                .order_by(OutboxMessage.id))).all()
        assert [m.text for m in sent][-1] == "We will visit you on Sunday."
        assert sent[-1].address == "tg-100200" and sent[-1].channel == "telegram"
    kinds = [e.kind for e in await _events(sessions, ticket_id)]
    for kind in ("viewed", "accepted", "status", "note", "reply"):
        assert kind in kinds
    reply = [e for e in await _events(sessions, ticket_id) if e.kind == "reply"][0]
    assert reply.note == "We will visit you on Sunday." and reply.actor_id == organizer.id

    closed = app_client.get(f"/dashboard/tickets/{ticket_id}?done=status")
    assert "Support completed" in closed.text and 'id="accept"' not in closed.text


async def test_every_view_of_personal_data_is_audited(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    ticket_id = await make_ticket(sessions)
    log_in(app_client, "Karim Manager")
    app_client.get(f"/dashboard/tickets/{ticket_id}")
    app_client.get(f"/dashboard/tickets/{ticket_id}")
    viewed = [e for e in await _events(sessions, ticket_id) if e.kind == "viewed"]
    assert len(viewed) == 2 and viewed[0].data == {"via": "dashboard"}


async def test_admin_sees_every_centre_but_no_personal_data(sessions, app_client: TestClient
                                                            ) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Admin Person", "admin")
    cumilla = await make_ticket(sessions)
    sylhet = await make_ticket(sessions, centre="sylhet", district="Sylhet", address="tg-2",
                               phone="+8801811223344")
    log_in(app_client, "Admin Person")
    queue = app_client.get("/dashboard").text
    assert f"/dashboard/tickets/{cumilla}" in queue and f"/dashboard/tickets/{sylhet}" in queue
    page = app_client.get(f"/dashboard/tickets/{sylhet}")
    assert page.status_code == 200
    assert "+8801811223344" not in page.text and "Dubai" not in page.text
    assert not [e for e in await _events(sessions, sylhet) if e.kind == "viewed"]


async def test_filters_narrow_the_queue(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    urgent = await make_ticket(sessions, priority="urgent", needs=("medical",), address="a1")
    normal = await make_ticket(sessions, district="Feni", needs=("loan", "job"), address="a2")
    log_in(app_client, "Karim Manager")

    def ids(query: str) -> set[int]:
        html = app_client.get(f"/dashboard?{query}").text
        return {t for t in (urgent, normal) if f"/dashboard/tickets/{t}\"" in html}

    assert ids("") == {urgent, normal}
    assert ids("priority=urgent") == {urgent}
    assert ids("need=loan") == {normal}
    assert ids("need=job") == {normal}
    assert ids("district=feni") == {normal}
    assert ids("status=closed") == set()
    assert ids("since=2000-01-01&until=2000-01-02") == set()
    assert ids("priority=bogus&need=%27%3B--") == {urgent, normal}  # unknown values are dropped


async def test_manager_reassigns_within_the_centre(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    first = await make_user(sessions, "First Organizer", "organizer", "cumilla")
    ticket_id = await make_ticket(sessions)
    second = await make_user(sessions, "Second Organizer", "organizer", "cumilla")
    other = await make_user(sessions, "Sylhet Organizer", "organizer", "sylhet")
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    csrf = log_in(app_client, "Karim Manager")
    page = app_client.get(f"/dashboard/tickets/{ticket_id}").text
    assert "Second Organizer" in page and "Sylhet Organizer" not in page
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reassign",
                        data={"csrf": csrf, "assignee": str(other.id)})
    assert "error=assignee" in r.headers["location"]
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reassign",
                        data={"csrf": csrf, "assignee": str(second.id)})
    assert "done=reassigned" in r.headers["location"]
    async with sessions() as s:
        assert (await s.get(Ticket, ticket_id)).assignee_id == second.id != first.id


async def test_pages_follow_the_users_language(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Bangla Organizer", "organizer", "cumilla", language="bn")
    ticket_id = await make_ticket(sessions)
    csrf = log_in(app_client, "Bangla Organizer")
    page = app_client.get(f"/dashboard/tickets/{ticket_id}").text
    assert "টিকিট" in page or "গ্রহণ" in page
    assert "১২ মাসের মধ্যে ফিরেছেন" in page  # the Bangla reason
    r = app_client.post("/dashboard/language", data={"csrf": csrf, "lang": "en",
                                                     "back": "/dashboard"})
    assert r.status_code == 303
    assert "Log out" in app_client.get("/dashboard").text


def test_login_page_is_bilingual_and_phone_ready(app_client: TestClient) -> None:
    bn = app_client.get("/dashboard/login")
    assert bn.status_code == 200 and 'name="viewport"' in bn.text and "লগ ইন" in bn.text
    en = app_client.get("/dashboard/login?lang=en")
    assert "Log in" in en.text
    assert app_client.get("/dashboard/static/dashboard.css").status_code == 200
    assert "frame-ancestors 'none'" in bn.headers["content-security-policy"]
    assert csrf_of(bn.text)


async def test_a_reply_to_a_person_who_opted_out_is_refused(sessions, app_client) -> None:  # type: ignore[no-untyped-def]
    """STOP means no more messages, from staff too: refused, nothing recorded, no first
    contact, and the organizer is told why (the worker would block the send, but the case
    file would say it went)."""
    from sqlalchemy import update

    from referral.casework import TicketEvent
    from referral.models import ContactChannel

    await make_user(sessions, "Nadia Organizer", "organizer", "cumilla")
    ticket_id = await make_ticket(sessions)
    async with sessions() as s:
        await s.execute(update(ContactChannel).values(opted_out=True))
        await s.commit()
    csrf = log_in(app_client, "nadia organizer")
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reply",
                        data={"csrf": csrf, "text": "Are you still there?"})
    assert "error=opted_out" in r.headers["location"]
    async with sessions() as s:
        ticket = await s.get(Ticket, ticket_id)
        assert ticket.first_contact_at is None
        assert not (await s.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "proactive"))).all()
        assert not (await s.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "reply"))).all()
