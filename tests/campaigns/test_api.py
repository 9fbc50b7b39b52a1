"""`/api/v1/campaigns` as the contract says: roles and centres, the estimate, start, 409,
cancel, and clear 4xx errors for bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from referral import contacts, staff

MESSAGES = {"bn": "সতর্কতা: ফ্রি ভিসার প্রস্তাব প্রতারণা।", "en": "Warning: free visa offers are a scam."}


@pytest.fixture
def client(settings: Settings, nlu_model: Any):
    with TestClient(create_app(settings, nlu=nlu_model)) as c:
        yield c


def setup(client: TestClient) -> dict[str, str]:
    async def run() -> dict[str, str]:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            _, admin = await staff.create_user(s, name="Adm", role="admin")
            _, manager = await staff.create_user(s, name="Man", role="manager", centre="sylhet")
            _, org = await staff.create_user(s, name="Org", role="organizer", centre="sylhet")
            for i, (district, language) in enumerate(
                    [("Sylhet", "bn"), ("Habiganj", "en"), ("Sylhet", "banglish"),
                     ("Khulna", "bn")]):
                phone = f"+88017120000{i:02d}"
                link = await contacts.link(s, channel="sms", user_hash=f"sms-{i}", phone=phone,
                                           address=phone)
                await contacts.remember(s, link.contact_id, language=language,
                                        district=district)
            await s.commit()
            return {"admin": admin, "manager": manager, "org": org}

    return client.portal.call(run)  # type: ignore[union-attr]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_manager_plans_starts_and_cancels_a_campaign_for_their_own_districts(
        client: TestClient) -> None:
    tokens = setup(client)
    body = {"name": "Scam warning", "segment": {"districts": ["sylhet", "Habiganj"],
                                                "channels": ["sms"]}, "messages": MESSAGES}
    made = client.post("/api/v1/campaigns", json=body, headers=auth(tokens["manager"]))
    assert made.status_code == 201, made.text
    draft = made.json()
    assert draft["status"] == "draft" and draft["recipients"] == 3
    assert draft["estimate"]["messages"] == 3
    # Two Bangla readers (one writes Banglish, but no Banglish text was given) and one English.
    by_language = draft["breakdown"]["languages"]
    assert by_language == {"bn": 2, "en": 1}
    bn = next(p for p in draft["previews"] if p["language"] == "bn" and p["channel"] == "sms")
    en = next(p for p in draft["previews"] if p["language"] == "en" and p["channel"] == "sms")
    assert bn["encoding"] == "UCS-2" and en["encoding"] == "GSM-7"
    assert draft["estimate"]["sms_segments"] == 2 * bn["sms_segments"] + en["sms_segments"]
    assert set(draft["progress"]) >= {"sent", "failed", "skipped", "pending"}

    started = client.post(f"/api/v1/campaigns/{draft['id']}/start",
                          headers=auth(tokens["manager"]))
    assert started.status_code == 200
    assert started.json()["progress"]["pending"] + started.json()["progress"]["sent"] == 3
    again = client.post(f"/api/v1/campaigns/{draft['id']}/start", headers=auth(tokens["admin"]))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_started"
    cancelled = client.post(f"/api/v1/campaigns/{draft['id']}/cancel",
                            headers=auth(tokens["manager"]))
    assert cancelled.json()["status"] == "cancelled"
    shown = client.get(f"/api/v1/campaigns/{draft['id']}", headers=auth(tokens["admin"])).json()
    assert shown["status"] == "cancelled" and shown["recipients"] == 3


def test_who_may_address_whom(client: TestClient) -> None:
    tokens = setup(client)
    body = {"name": "x", "segment": {"districts": ["Khulna"]}, "messages": MESSAGES}
    other = client.post("/api/v1/campaigns", json=body, headers=auth(tokens["manager"]))
    assert other.status_code == 403 and "Khulna" in other.json()["error"]["message"]
    everyone = client.post("/api/v1/campaigns", json={**body, "segment": {}},
                           headers=auth(tokens["manager"]))
    assert everyone.status_code == 403
    assert client.post("/api/v1/campaigns", json=body,
                       headers=auth(tokens["org"])).status_code == 403
    made = client.post("/api/v1/campaigns", json=body, headers=auth(tokens["admin"]))
    assert made.status_code == 201 and made.json()["recipients"] == 1
    hidden = client.get(f"/api/v1/campaigns/{made.json()['id']}",
                        headers=auth(tokens["manager"]))
    assert hidden.status_code == 404
    assert client.post(f"/api/v1/campaigns/{made.json()['id']}/start",
                       headers=auth(tokens["org"])).status_code == 404
    assert client.get("/api/v1/campaigns/1").status_code == 401


BAD = [{"messages": {"bn": "x"}},
       {"messages": {"bn": "", "en": "y"}},
       {"messages": {"bn": "x" * 1001, "en": "y"}},
       {"name": ""},
       {"segment": {"districts": ["Atlantis"]}},
       {"segment": {"languages": ["fr"]}},
       {"segment": {"channels": ["pigeon"]}},
       {"segment": {"districts": "Sylhet"}},
       {"send_at": "tomorrow"},
       {"quiet_hours": "sometimes"},
       {"kind": "poll"},
       {"kind": "quiz", "steps": [{"en": "Q?", "options": 2, "answer": "1"}]},
       {"topic": "no_such_topic"},
       {"whatsapp_template": "hello_world"},
       {"name": "nul\x00byte"},
       {"segment": {"topics": ["migration_cost\x00"]}},
       {"messages": {"bn": "x\x00", "en": "y"}}]


def test_bad_input_is_a_clear_4xx(client: TestClient) -> None:
    """One app for every case: each would otherwise start the service again."""
    tokens = setup(client)
    for change in BAD:
        body = {"name": "x", "segment": {}, "messages": MESSAGES, **change}
        response = client.post("/api/v1/campaigns", json=body, headers=auth(tokens["admin"]))
        assert 400 <= response.status_code < 500, (change, response.text)
        assert response.json()["error"]["message"]


def test_unknown_campaign_is_404(client: TestClient) -> None:
    tokens = setup(client)
    for method, path in (("get", "/api/v1/campaigns/999"),
                         ("post", "/api/v1/campaigns/999/start"),
                         ("post", "/api/v1/campaigns/999/cancel")):
        response = getattr(client, method)(path, headers=auth(tokens["admin"]))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
