"""Who may do what: every dashboard and export route with every role, sessions, CSRF,
escaping, the lockout and the per-address limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.settings import Settings
from referral.casework import StaffUser, Ticket, TicketEvent
from tests.api.test_dashboard_factories import (
    PASSWORD,
    NoNLU,
    app_client,
    csrf_of,
    log_in,
    make_ticket,
    make_user,
)

__all__ = ["app_client"]


async def _people(sessions):  # type: ignore[no-untyped-def]
    people = {
        "admin": await make_user(sessions, "Asha Admin", "admin"),
        "manager": await make_user(sessions, "Karim Manager", "manager", "cumilla"),
        "organizer": await make_user(sessions, "Rahima Organizer", "organizer", "cumilla"),
        "stranger": await make_user(sessions, "Sylhet Organizer", "organizer", "sylhet"),
    }
    return people


async def test_every_route_with_every_role(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    people = await _people(sessions)
    ticket_id = await make_ticket(sessions, phone="+8801712000111")
    routes = ["/dashboard", f"/dashboard/tickets/{ticket_id}", "/dashboard/stats",
              "/dashboard/import", "/dashboard/exports/tickets.csv",
              "/dashboard/exports/tickets.xlsx", "/dashboard/content"]
    expected = {
        "admin": [200, 200, 200, 200, 200, 200, 200],
        "manager": [200, 200, 200, 200, 200, 200, 403],
        "organizer": [200, 200, 200, 403, 200, 200, 403],
        "stranger": [200, 404, 200, 403, 200, 200, 403],
    }
    for route in routes:  # no session: to the login page, remembering where to come back
        r = app_client.get(route)
        assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/login?next=")
    for role, statuses in expected.items():
        app_client.cookies.clear()
        log_in(app_client, people[role].name)
        got = [app_client.get(route).status_code for route in routes]
        assert got == statuses, role
        csv = app_client.get("/dashboard/exports/tickets.csv").text
        assert ("+8801712000111" in csv) == (role in ("manager", "organizer")), role
        assert ("PR-" in csv) == (role != "stranger"), role
    # The REST exports: bearer tokens, the same scoping.
    for kind in ("csv", "xlsx"):
        url = f"/api/v1/exports/tickets.{kind}"
        assert app_client.get(url).status_code == 401
        bad = app_client.get(url, headers={"Authorization": "Bearer pt_not-a-real-token"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
        for role in expected:
            r = app_client.get(url, headers={"Authorization": f"Bearer {people[role].token}"})
            assert r.status_code == 200, (role, r.text)


async def test_posts_need_a_session_and_its_csrf_token(sessions, app_client: TestClient
                                                       ) -> None:  # type: ignore[no-untyped-def]
    people = await _people(sessions)
    ticket_id = await make_ticket(sessions)
    actions = {"accept": {}, "status": {"status": "contacted"}, "note": {"note": "hello"},
               "reply": {"text": "hello"}, "reassign": {"assignee": str(people["organizer"].id)}}
    for action, data in actions.items():
        r = app_client.post(f"/dashboard/tickets/{ticket_id}/{action}",
                            data={**data, "csrf": "x"})
        assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/login")
    csrf = log_in(app_client, people["manager"].name)
    for action, data in actions.items():
        forged = app_client.post(f"/dashboard/tickets/{ticket_id}/{action}",
                                 data={**data, "csrf": csrf[:-2] + "xx"})
        assert forged.status_code == 403, action
        missing = app_client.post(f"/dashboard/tickets/{ticket_id}/{action}", data=data)
        assert missing.status_code == 403, action
    for path, data in (("/dashboard/logout", {}), ("/dashboard/language", {"lang": "bn"}),
                       ("/dashboard/import", {})):
        assert app_client.post(path, data={**data, "csrf": "forged"}).status_code == 403
    async with sessions() as s:
        ticket = await s.get(Ticket, ticket_id)
        kinds = (await s.scalars(select(TicketEvent.kind)
                                 .where(TicketEvent.ticket_id == ticket_id))).all()
    assert ticket.status == "assigned" and ticket.accepted_at is None
    assert set(kinds) == {"created", "assigned"}
    # Another session's token does not work with this session's cookie.
    mine = app_client.cookies.get("pt_session")
    app_client.cookies.clear()
    other_csrf = log_in(app_client, people["admin"].name)
    app_client.cookies.set("pt_session", mine, path="/dashboard")
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/note",
                        data={"note": "x", "csrf": other_csrf})
    assert r.status_code == 403


async def test_another_centres_ticket_is_invisible(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    people = await _people(sessions)
    ticket_id = await make_ticket(sessions)  # a Cumilla ticket
    csrf = log_in(app_client, people["stranger"].name)
    assert app_client.get(f"/dashboard/tickets/{ticket_id}").status_code == 404
    assert f"/dashboard/tickets/{ticket_id}" not in app_client.get("/dashboard?tab=mine").text
    for action, data in {"accept": {}, "status": {"status": "closed", "reason": "dropout"},
                         "note": {"note": "x"}, "reply": {"text": "x"}}.items():
        r = app_client.post(f"/dashboard/tickets/{ticket_id}/{action}",
                            data={**data, "csrf": csrf})
        assert r.headers["location"] == f"/dashboard/tickets/{ticket_id}"  # to the 404 page
    async with sessions() as s:
        assert (await s.get(Ticket, ticket_id)).status == "assigned"


async def test_roles_limit_actions(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    people = await _people(sessions)
    ticket_id = await make_ticket(sessions)
    csrf = log_in(app_client, people["organizer"].name)
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reassign",
                        data={"csrf": csrf, "assignee": str(people["organizer"].id)})
    assert "error=forbidden" in r.headers["location"]
    app_client.cookies.clear()
    csrf = log_in(app_client, people["admin"].name)
    r = app_client.post(f"/dashboard/tickets/{ticket_id}/reply", data={"csrf": csrf, "text": "x"})
    assert "error=forbidden" in r.headers["location"]  # admins work with figures, not people


async def test_output_is_escaped(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    evil = "<script>alert(1)</script>"
    await make_user(sessions, evil, "manager", "cumilla")
    ticket_id = await make_ticket(sessions, inbox=f"hi {evil}", gender="<b>x</b>")
    async with sessions() as s:
        ticket = await s.get(Ticket, ticket_id)
        ticket.district = '"><img src=x onerror=alert(2)>'
        await s.commit()
    csrf = log_in(app_client, "#" + str(await _user_id(sessions, evil)))
    app_client.post(f"/dashboard/tickets/{ticket_id}/note", data={"csrf": csrf, "note": evil})
    for url in ("/dashboard", f"/dashboard/tickets/{ticket_id}", "/dashboard/stats"):
        html = app_client.get(url).text
        assert "<script>" not in html and "<img src=x" not in html and "<b>x</b>" not in html
    page = app_client.get(f"/dashboard/tickets/{ticket_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "onerror=alert(2)&gt;" in page


async def _user_id(sessions, name: str) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        return int(await s.scalar(select(StaffUser.id).where(StaffUser.name == name)))


async def test_login_locks_after_five_failures(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    token = csrf_of(app_client.get("/dashboard/login").text)

    def attempt(who: str, password: str) -> int:
        return app_client.post("/dashboard/login", data={
            "who": who, "password": password, "csrf": token}).status_code

    assert [attempt("rahima organizer", "wrong") for _ in range(4)] == [401] * 4
    assert attempt("rahima organizer", "wrong") == 429  # the fifth failure locks
    assert attempt("Rahima  Organizer", PASSWORD) == 429  # even the right password, while locked
    # A name that does not exist answers exactly alike: no telling which staff names are real.
    assert [attempt("nobody at all", "wrong") for _ in range(5)] == [401] * 4 + [429]
    # Fifteen minutes later the lock has run out.
    limiter = app_client.app.state.services.limiter  # type: ignore[attr-defined]
    real = limiter.clock
    limiter.clock = lambda: real() + 16 * 60
    try:
        assert attempt("rahima organizer", PASSWORD) == 303
    finally:
        limiter.clock = real


async def test_a_lock_is_per_address(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    """Five wrong passwords from one address must not lock the organizer out everywhere."""
    from api.dashboard.login import MAX_FAILURES

    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    token = csrf_of(app_client.get("/dashboard/login").text)
    limiter = app_client.app.state.services.limiter  # type: ignore[attr-defined]
    from referral.crypto import lookup_hash

    elsewhere = f"dashboard-fail:{lookup_hash('rahima organizer')}:203.0.113.9"
    for _ in range(MAX_FAILURES):
        await limiter.hit(elsewhere, 900.0)  # an attacker at another address
    assert app_client.post("/dashboard/login", data={
        "who": "rahima organizer", "password": PASSWORD, "csrf": token}).status_code == 303


async def test_logout_ends_a_copied_session(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    csrf = log_in(app_client, "rahima organizer")
    copied = app_client.cookies.get("pt_session")
    assert copied and app_client.get("/dashboard").status_code == 200
    app_client.post("/dashboard/logout", data={"csrf": csrf})
    app_client.cookies.set("pt_session", copied, path="/dashboard")
    response = app_client.get("/dashboard", follow_redirects=False)
    assert response.status_code in (302, 303) and "/dashboard/login" in response.headers[
        "location"]


async def test_an_admin_revoke_ends_sessions_and_tokens(sessions, app_client: TestClient  # type: ignore[no-untyped-def]
                                                        ) -> None:
    """A lost phone: `prottasha users revoke` ends the dashboard session on it and the API
    token, without the person logging out; their colleague's session is untouched."""
    from sqlalchemy import select

    from referral import staff
    from referral.casework import StaffUser

    person = await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    log_in(app_client, "rahima organizer")
    headers = {"Authorization": f"Bearer {person.token}"}
    assert app_client.get("/api/v1/tickets", headers=headers).status_code == 200
    async with sessions() as s:
        user = await s.scalar(select(StaffUser).where(StaffUser.id == person.id))
        assert await staff.revoke(s, user) == 1
        await s.commit()
    response = app_client.get("/dashboard", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert app_client.get("/api/v1/tickets", headers=headers).status_code == 401
    log_in(app_client, "rahima organizer")  # the password still works: only sessions ended
    assert app_client.get("/dashboard").status_code == 200


async def test_login_is_limited_per_address(sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Rahima Organizer", "organizer", "cumilla")
    token = csrf_of(app_client.get("/dashboard/login").text)
    codes = [app_client.post("/dashboard/login", data={
        "who": f"nobody {n}", "password": "x", "csrf": token}).status_code for n in range(31)]
    assert codes[:30] == [401] * 30 and codes[30] == 429
    r = app_client.post("/dashboard/login", data={"who": "Rahima Organizer",
                                                  "password": PASSWORD, "csrf": token})
    assert r.status_code == 429  # the right password too, from this address, for a while


def test_login_form_needs_its_token(app_client: TestClient) -> None:
    r = app_client.post("/dashboard/login", data={"who": "a", "password": "b", "csrf": "c"})
    assert r.status_code == 403


async def test_session_cookie_is_signed_httponly_and_lax(sessions, app_client: TestClient
                                                         ) -> None:  # type: ignore[no-untyped-def]
    person = await make_user(sessions, "Karim Manager", "manager", "cumilla")
    page = app_client.get("/dashboard/login")
    r = app_client.post("/dashboard/login", data={"who": "Karim Manager", "password": PASSWORD,
                                                  "csrf": csrf_of(page.text),
                                                  "next": "https://evil.example/phish"})
    assert r.headers["location"] == "/dashboard"  # no open redirect
    cookie = [c for c in r.headers.get_list("set-cookie") if c.startswith("pt_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/dashboard" in cookie
    assert "Secure" not in cookie  # http in tests; see the https test below
    assert app_client.get("/dashboard").status_code == 200
    value = app_client.cookies.get("pt_session")
    app_client.cookies.set("pt_session", value[:-3] + "abc", path="/dashboard")
    assert app_client.get("/dashboard").status_code == 303  # tampered: back to login
    app_client.cookies.set("pt_session", value, path="/dashboard")
    assert app_client.get("/dashboard").status_code == 200
    async with sessions() as s:  # a new password ends every old session
        from referral.staff import set_password

        user = await s.get(StaffUser, person.id)
        set_password(user, "another long password")
        await s.commit()
    assert app_client.get("/dashboard").status_code == 303


async def test_cookie_is_secure_behind_https(sessions, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    await make_user(sessions, "Karim Manager", "manager", "cumilla")
    secure = settings.model_copy(update={"public_base_url": "https://prottasha.example"})
    with TestClient(create_app(secure, nlu=NoNLU()), base_url="https://testserver",
                    follow_redirects=False) as client:
        page = client.get("/dashboard/login")
        assert "Secure" in page.headers["set-cookie"]
        r = client.post("/dashboard/login", data={"who": "Karim Manager", "password": PASSWORD,
                                                  "csrf": csrf_of(page.text)})
        cookie = [c for c in r.headers.get_list("set-cookie") if c.startswith("pt_session=")][0]
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(("role", "centre", "tab"), [
    ("organizer", "cumilla", "centre"), ("organizer", "cumilla", "mine"),
    ("manager", "khulna", "centre"), ("manager", "khulna", "oncall"),
    ("manager", "khulna", "all"),  # not a manager's tab: falls back, still scoped
])
async def test_every_tab_keeps_to_the_centre(sessions, app_client: TestClient, role: str,  # type: ignore[no-untyped-def]
                                             centre: str, tab: str) -> None:
    """Another centre's Sylhet ticket never shows, whatever tab is asked for."""
    theirs = await make_ticket(sessions, centre="sylhet", district="Habiganj")
    await make_user(sessions, "Other Centre", role, centre)
    log_in(app_client, "other centre")
    page = app_client.get(f"/dashboard?tab={tab}")
    assert page.status_code == 200
    assert f"/dashboard/tickets/{theirs}" not in page.text
    assert app_client.get(f"/dashboard/tickets/{theirs}").status_code == 404


async def test_a_forged_form_is_refused_in_the_staff_members_language(
        sessions, app_client: TestClient) -> None:  # type: ignore[no-untyped-def]
    ticket_id = await make_ticket(sessions)
    english = await make_user(sessions, "Nadia English", "manager", "cumilla", language="en")
    bangla = await make_user(sessions, "Sumon Bangla", "manager", "cumilla", language="bn")
    for person, expected in ((english, "not sent from your dashboard session"),
                             (bangla, "ড্যাশবোর্ড")):
        log_in(app_client, person.name)
        forged = app_client.post(f"/dashboard/tickets/{ticket_id}/accept",
                                 data={"csrf": "forged"})
        assert forged.status_code == 403
        assert expected in forged.text, (person.name, forged.text[:300])
        app_client.cookies.clear()
