"""Bad input gets a 4xx JSON error (or a polite answer), never a 500: numbers too big for the
database, dates at the ends of the calendar, lone surrogates, odd digits from Twilio."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.test_tickets_api import auth, client, setup  # noqa: F401  (fixtures)

BIG = str(2**63)


@pytest.mark.parametrize("path", [
    f"/api/v1/tickets/{BIG}", f"/api/v1/tickets/{2**64}",
    f"/api/v1/tickets?offset={BIG}", "/api/v1/tickets?limit=99999999999999999999",
    "/api/v1/tickets/export.csv?since=0001-01-01", "/api/v1/tickets/export.csv?until=9999-12-31",
    "/api/v1/tickets/export.csv?since=9999-12-31&until=0001-01-01",
])
def test_the_api_answers_4xx_or_200(client: TestClient, path: str) -> None:  # noqa: F811
    ids = setup(client)
    response = client.get(path, headers=auth(ids["admin"]))
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["code"]


def test_a_big_assignee_is_a_4xx(client: TestClient) -> None:  # noqa: F811
    ids = setup(client)
    response = client.patch(f"/api/v1/tickets/{ids['ticket']}", json={"assignee": 2**63},
                            headers=auth(ids["manager"]))
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(("body", "status"), [
    # A lone surrogate is valid JSON but not text: it becomes U+FFFD and the rest is answered.
    (b'{"user_id": "u1", "text": "hello \\ud800"}', 200),
    (b'{"user_id": "\\udfff", "text": "hello"}', 422),  # an id the page made: refused
    (b'{"user_id": "u1", "text": {"nested": ["json"]}}', 422),
])
def test_web_chat_never_fails_on_odd_json(client: TestClient, body: bytes,  # noqa: F811
                                          status: int) -> None:
    response = client.post("/webchat/messages", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["messages"]


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/"), ("POST", "/webchat/messages"), ("GET", "/api/v1/tickets"), ("GET", "/healthz"),
    ("GET", "/dashboard/login"),
])
def test_every_response_carries_the_security_headers(client: TestClient, method: str,  # noqa: F811
                                                      path: str) -> None:
    response = client.request(method, path, json={"user_id": "h", "text": "hello"}
                              if method == "POST" else None)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Referrer-Policy" in response.headers
    if path.startswith(("/webchat/", "/api/")):
        assert response.headers["Cache-Control"] == "no-store"


def test_staff_cannot_close_with_the_reason_erased(client: TestClient) -> None:  # noqa: F811
    """Only erasure closes a ticket as "erased": a person choosing it would erase nothing."""
    ids = setup(client)
    response = client.patch(f"/api/v1/tickets/{ids['ticket']}", headers=auth(ids["org"]),
                            json={"status": "closed", "closing_reason": "erased"})
    assert response.status_code == 422 and "erased" not in response.json()["error"]["message"]
