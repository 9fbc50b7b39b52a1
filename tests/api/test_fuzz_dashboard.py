"""Property-based fuzzing of the dashboard (issue 14): a logged-in manager's forms and queries
with any values (a valid CSRF token, odd everything else) get a page or a 4xx, never a 5xx.
FUZZ_EXAMPLES sets the number of examples per test (tests/channels/test_fuzz.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.api.test_dashboard_factories import app_client, log_in, make_ticket, make_user  # noqa: F401
from tests.api.test_fuzz_api import QUERY, VALUE
from tests.channels.test_fuzz import FUZZ, TEXT

FORM = st.dictionaries(st.sampled_from(["status", "reason", "note", "text", "assignee", "to",
                                        "language", "next", "closing_reason"]),
                       st.one_of(VALUE, TEXT), max_size=4)
ACTION = st.sampled_from(["accept", "status", "note", "reassign", "reply"])
TICKET = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT).map(
    lambda t: quote(t, safe="")).filter(lambda t: t not in ("", ".", ".."))


def _ok(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])


async def _logged_in(client: TestClient, sessions: Any) -> str:
    state = client.app.state  # type: ignore[attr-defined]
    if not hasattr(state, "fuzz_csrf"):
        await make_user(sessions, "Karim Manager", "manager", "cumilla")
        state.fuzz_ticket = await make_ticket(sessions)
        state.fuzz_csrf = log_in(client, "Karim Manager")
    return str(state.fuzz_csrf)


async def test_ticket_forms_and_pages(sessions: Any, app_client: TestClient) -> None:  # noqa: F811
    csrf = await _logged_in(app_client, sessions)
    real = str(app_client.app.state.fuzz_ticket)  # type: ignore[attr-defined]

    @FUZZ
    @given(action=ACTION, ticket=st.one_of(TICKET, st.just(real)), form=FORM, query=QUERY)
    def fuzz(action: str, ticket: str, form: dict[str, str], query: dict[str, str]) -> None:
        _ok(app_client.post(f"/dashboard/tickets/{ticket}/{action}", data={**form, "csrf": csrf}))
        _ok(app_client.get(f"/dashboard/tickets/{ticket}"))
        _ok(app_client.get("/dashboard", params=query))
        _ok(app_client.get("/dashboard/stats", params=query))

    fuzz()


def test_login_and_language_forms(app_client: TestClient) -> None:  # noqa: F811
    @FUZZ
    @given(form=st.dictionaries(st.sampled_from(["who", "password", "csrf", "next",
                                                 "language"]), st.one_of(VALUE, TEXT),
                                max_size=5))
    def fuzz(form: dict[str, str]) -> None:
        _ok(app_client.post("/dashboard/login", data=form))
        _ok(app_client.post("/dashboard/language", data=form))

    fuzz()
