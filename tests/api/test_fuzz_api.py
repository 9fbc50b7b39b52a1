"""Property-based fuzzing of the REST API with valid tokens (issue 14): odd ids, queries and
bodies from every role get a 2xx or a 4xx JSON error, never a 5xx. FUZZ_EXAMPLES sets the
number of examples per test (tests/channels/test_fuzz.py)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.api.test_tickets_api import auth, client, setup  # noqa: F401  (fixtures)
from tests.channels.test_fuzz import FUZZ, JSON, ODD, TEXT

ROLES = st.sampled_from(["admin", "manager", "org", "other"])
VALUE = st.one_of(TEXT, ODD, st.integers(min_value=-(2**70), max_value=2**70).map(str),
                  st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "open", "urgent"]))
QUERY = st.dictionaries(st.sampled_from(["status", "priority", "centre", "district", "limit",
                                         "offset", "since", "until", "assignee", "q", "tab"]),
                        VALUE, max_size=5)
TICKET = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT, ODD).map(
    lambda t: quote(t, safe="")).filter(lambda t: t not in ("", ".", ".."))


def _ok(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
            "application/json"):
        assert response.json()["error"]["code"]


@FUZZ
@given(role=ROLES, query=QUERY, kind=st.sampled_from(["csv", "xlsx"]))
def test_lists_and_exports(client: TestClient, role: str, query: dict[str, str],  # noqa: F811
                           kind: str) -> None:
    tokens = _tokens(client)
    _ok(client.get("/api/v1/tickets", params=query, headers=auth(tokens[role])))
    _ok(client.get(f"/api/v1/exports/tickets.{kind}", params=query, headers=auth(tokens[role])))


@FUZZ
@given(role=ROLES, ticket=TICKET, body=st.one_of(JSON, st.fixed_dictionaries({}, optional={
    "status": st.one_of(VALUE, JSON), "assignee": st.one_of(VALUE, JSON, st.integers()),
    "closing_reason": st.one_of(VALUE, JSON), "note": st.one_of(TEXT, JSON)})))
def test_one_ticket(client: TestClient, role: str, ticket: str, body: Any) -> None:  # noqa: F811
    tokens = _tokens(client)
    _ok(client.get(f"/api/v1/tickets/{ticket}", headers=auth(tokens[role])))
    _ok(client.patch(f"/api/v1/tickets/{ticket}", content=json.dumps(body).encode(),
                     headers={**auth(tokens[role]), "content-type": "application/json"}))
    real = str(client.app.state.fuzz_ids["ticket"])  # type: ignore[attr-defined]
    _ok(client.patch(f"/api/v1/tickets/{real}", content=json.dumps(body).encode(),
                     headers={**auth(tokens[role]), "content-type": "application/json"}))


def _tokens(client: TestClient) -> dict[str, str]:  # noqa: F811
    """Staff and a ticket made once per app (hypothesis calls the test many times)."""
    state = client.app.state  # type: ignore[attr-defined]
    if not hasattr(state, "fuzz_ids"):
        state.fuzz_ids = setup(client)
    return state.fuzz_ids  # type: ignore[no-any-return]
