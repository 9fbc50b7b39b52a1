"""`/api/v1/tickets` with bearer tokens: every role, scope, personal data, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from referral import staff, tickets


@pytest.fixture
def client(settings: Settings, nlu_model: Any):  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, nlu=nlu_model)) as c:
        yield c


def setup(client: TestClient) -> dict[str, Any]:
    async def run() -> dict[str, Any]:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            org, org_token = await staff.create_user(s, name="Org", role="organizer",
                                                     centre="sylhet")
            other, other_token = await staff.create_user(s, name="Other", role="organizer",
                                                         centre="khulna")
            manager, manager_token = await staff.create_user(s, name="Man", role="manager",
                                                             centre="sylhet")
            _, admin_token = await staff.create_user(s, name="Adm", role="admin")
            ticket = await tickets.create(
                s, reference="PR-API001", kind="registration", priority="high",
                centre_id="sylhet", district="Habiganj", needs=["business"], channel="sms",
                language="bn", phone="+8801712345678", phone_hash=None, reasons=[
                    {"id": "no_income", "en": "You have no income now.", "bn": "আয় নেই"}],
                decision="eligible", rules_version="default-1", address="+8801712345678")
            from referral.contacts import phone_hash

            ticket.phone_hash = phone_hash("+8801712345678")
            await s.commit()
            return {"org": org_token, "other": other_token, "manager": manager_token,
                    "admin": admin_token, "ticket": ticket.id, "org_id": org.id,
                    "other_id": other.id, "manager_id": manager.id}

    return client.portal.call(run)  # type: ignore[union-attr]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_missing_or_bad_token_is_401(client: TestClient) -> None:
    setup(client)
    assert client.get("/api/v1/tickets").status_code == 401
    response = client.get("/api/v1/tickets", headers=auth("pt_nope"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_scope_and_shape_by_role(client: TestClient) -> None:
    ids = setup(client)
    mine = client.get("/api/v1/tickets", headers=auth(ids["org"])).json()
    assert mine["total"] == 1
    item = mine["items"][0]
    for key in ("id", "status", "priority", "district", "centre", "assignee", "channel", "phone",
                "language", "needs", "eligibility", "created_at", "updated_at"):
        assert key in item
    assert item["phone"] == "+8801712345678" and item["centre"] == "sylhet"
    assert item["eligibility"] == {"decision": "eligible", "reasons": ["আয় নেই"],
                                   "rules_version": "default-1"}
    assert client.get("/api/v1/tickets", headers=auth(ids["other"])).json()["total"] == 0
    admin = client.get("/api/v1/tickets", headers=auth(ids["admin"])).json()
    assert admin["total"] == 1 and admin["items"][0]["phone"] is None  # admins: figures only
    assert client.get(f"/api/v1/tickets/{ids['ticket']}", headers=auth(ids["other"])) \
        .status_code == 404


def test_filters(client: TestClient) -> None:
    ids = setup(client)
    h = auth(ids["admin"])
    assert client.get("/api/v1/tickets?district=habiganj", headers=h).json()["total"] == 1
    assert client.get("/api/v1/tickets?centre=khulna", headers=h).json()["total"] == 0
    assert client.get("/api/v1/tickets?status=assigned", headers=h).json()["total"] == 1
    assert client.get("/api/v1/tickets?phone=%2B8801712345678", headers=h).json()["total"] == 1
    assert client.get("/api/v1/tickets?phone=%2B8801799999999", headers=h).json()["total"] == 0
    assert client.get("/api/v1/tickets?phone=banana", headers=h).status_code == 422
    assert client.get("/api/v1/tickets?status=lost", headers=h).status_code == 422


def test_patch_status_note_and_assignee(client: TestClient) -> None:
    ids = setup(client)
    url = f"/api/v1/tickets/{ids['ticket']}"
    org = auth(ids["org"])
    response = client.patch(url, json={"status": "contacted", "note": "Called, will visit."},
                            headers=org)
    assert response.status_code == 200 and response.json()["status"] == "contacted"
    assert client.patch(url, json={}, headers=org).status_code == 422
    assert client.patch(url, json={"status": "closed"}, headers=org).status_code == 422
    assert client.patch(url, json={"assignee": ids["org_id"]}, headers=org).status_code == 403
    assert client.patch(url, json={"assignee": ids["other_id"]},
                        headers=auth(ids["manager"])).status_code == 422  # other centre
    assert client.patch(url, json={"status": "closed"},
                        headers=auth(ids["other"])).status_code == 404
    closed = client.patch(url, json={"status": "closed", "closing_reason": "support_completed"},
                          headers=org)
    assert closed.json()["status"] == "closed"
    assert client.patch(url, json={"status": "in_progress"}, headers=org).status_code == 409


def test_users_create_prints_the_token_last(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                            data_key: str) -> None:
    from api.cli import app
    from api.settings import get_settings

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATA_KEY", data_key)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["users", "create", "--name", "Rina", "--role",
                                          "organizer", "--centre", "Sylhet",
                                          "--telegram-chat-id", "42"])
        assert result.exit_code == 0, result.output
        assert result.output.strip().splitlines()[-1].startswith("pt_")
        bad = CliRunner().invoke(app, ["users", "create", "--name", "X", "--role", "organizer"])
        assert bad.exit_code == 2
    finally:
        get_settings.cache_clear()
