"""A campaign end to end (issue 12): people write by SMS, the service learns their language
and keeps their address; a manager's campaign goes out through the worker to the Twilio
stand-in, once each, in their version; delivery reports and STOP come back."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from referral import staff
from referral.models import Contact, ContactChannel, OutboxMessage
from tests.channels.conftest import post_twilio, sms
from tests.channels.standin import TwilioAPI

PATH = "/webhooks/twilio/sms"
MESSAGES = {"bn": "সতর্কতা: ফ্রি ভিসা বলে কিছু নেই।", "en": "Warning: there is no free visa.",
            "banglish": "Sotorkota: free visa bole kichu nei."}
PEOPLE = {"+8801711000001": "সৌদি যেতে কত টাকা লাগে",
          "+8801711000002": "how much does it cost to go to saudi arabia",
          "+8801711000003": "saudi jete koto taka lage bhai"}


def run(client: TestClient, work: Any) -> Any:
    async def go() -> Any:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            return await work(s)

    return client.portal.call(go)  # type: ignore[union-attr]


def eventually(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_people_who_wrote_get_a_campaign_once_in_their_version(
        client: TestClient, twilio_api: TwilioAPI) -> None:
    for n, (phone, text) in enumerate(PEOPLE.items()):
        assert post_twilio(client, PATH, sms(text, f"SM-in-{n}", sender=phone)).status_code == 200

    async def learnt(s: Any) -> dict[str, str]:
        rows = await s.execute(select(ContactChannel.address, Contact.language).join(
            Contact, ContactChannel.contact_id == Contact.id))
        return dict(rows.tuples().all())

    assert run(client, learnt) == dict(zip(PEOPLE, ("bn", "en", "banglish"), strict=True))

    async def admin(s: Any) -> str:
        _, token = await staff.create_user(s, name="Adm", role="admin")
        await s.commit()
        return token

    headers = {"Authorization": f"Bearer {run(client, admin)}"}
    body = {"name": "Free visa warning", "segment": {"channels": ["sms"]},
            "messages": MESSAGES, "quiet_hours": False}
    made = client.post("/api/v1/campaigns", json=body, headers=headers).json()
    assert made["recipients"] == 3
    before = len(twilio_api.matching("Messages.json"))
    client.post(f"/api/v1/campaigns/{made['id']}/start", headers=headers)

    def done() -> Any:
        shown = client.get(f"/api/v1/campaigns/{made['id']}", headers=headers).json()
        return shown if shown["status"] == "done" else None

    shown = eventually(done)
    calls = twilio_api.matching("Messages.json")[before:]
    assert Counter(c["params"]["To"] for c in calls) == Counter(dict.fromkeys(PEOPLE, 1))
    body_for = {c["params"]["To"]: c["params"]["Body"] for c in calls}
    phones = list(PEOPLE)
    assert body_for[phones[0]].startswith(MESSAGES["bn"])
    assert body_for[phones[1]].startswith(MESSAGES["en"])
    assert body_for[phones[2]].startswith(MESSAGES["banglish"])
    assert shown["progress"]["sent"] == 3 and shown["progress"]["pending"] == 0

    async def sids(s: Any) -> list[str]:
        return list(await s.scalars(select(OutboxMessage.provider_id).where(
            OutboxMessage.campaign_id == made["id"])))

    sid = run(client, sids)[0]
    assert post_twilio(client, "/webhooks/twilio/status",
                       {"MessageSid": sid, "MessageStatus": "delivered"}).status_code == 204
    shown = client.get(f"/api/v1/campaigns/{made['id']}", headers=headers).json()
    assert shown["delivered"] == 1 and shown["progress"]["sent"] == 3

    # STOP after the campaign: the next campaign leaves that person out.
    post_twilio(client, PATH, sms("STOP", "SM-stop", sender=phones[0]))
    again = client.post("/api/v1/campaigns", json=body, headers=headers).json()
    assert again["recipients"] == 2
