"""A campaign end to end (issue 12): people write by SMS, the service learns their language
and keeps their address; a manager's campaign goes out through the worker to the Twilio
stand-in, once each, in their version; delivery reports and STOP come back."""

from __future__ import annotations

import re
import time
from collections import Counter
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.service import person_key
from referral import contacts, staff
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
        return {address: language for address, language in rows}

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


QUIZ = [{"bn": "প্রশ্ন ১: স্মার্ট কার্ড কে দেয়? ১) বিএমইটি ২) এজেন্সি",
         "en": "Q1: Who issues the smart card? 1) BMET 2) the agency", "options": 2,
         "answer": "1"},
        {"bn": "প্রশ্ন ২: ভিসা কি বিনা খরচে হয়? ১) হ্যাঁ ২) না ৩) জানি না",
         "en": "Q2: Is there such a thing as a free visa? 1) Yes 2) No 3) Not sure",
         "options": 3, "answer": "2"}]


def answers(response: Any) -> str:
    return unescape(" ".join(re.findall(r"<Message>(.*?)</Message>", response.text, re.S)))


def test_a_quiz_is_answered_by_sms_scored_and_shown_per_district(
        client: TestClient, twilio_api: TwilioAPI) -> None:
    phones = list(PEOPLE)
    for n, phone in enumerate(phones):
        post_twilio(client, PATH, sms("hello", f"SM-q-{n}", sender=phone))

    async def setup(s: Any) -> str:
        for phone, district in zip(phones, ("Sylhet", "Sylhet", "Cumilla"), strict=True):
            link = await contacts.link(s, channel="sms", user_hash=person_key(phone))
            await contacts.remember(s, link.contact_id, language="en", district=district)
        _, token = await staff.create_user(s, name="Adm", role="admin")
        await s.commit()
        return token

    headers = {"Authorization": f"Bearer {run(client, setup)}"}
    body = {"name": "Know before you go", "kind": "quiz", "steps": QUIZ,
            "segment": {"channels": ["sms"]}, "quiet_hours": False,
            "messages": {"bn": "ছোট একটি কুইজ।", "en": "A short quiz."}}
    made = client.post("/api/v1/campaigns", json=body, headers=headers)
    assert made.status_code == 201, made.text
    quiz_id = made.json()["id"]
    # Before the quiz reached anyone, "1" is just a menu number.
    early = answers(post_twilio(client, PATH, sms("1", "SM-q-early", sender=phones[0])))
    assert "Right" not in early
    client.post(f"/api/v1/campaigns/{quiz_id}/start", headers=headers)
    calls = twilio_api.wait_for("/Messages.json", count=3, timeout=20)
    assert all("Q1: Who issues the smart card?" in c["params"]["Body"] for c in calls)
    eventually(lambda: client.get(f"/api/v1/campaigns/{quiz_id}", headers=headers)
               .json()["progress"]["sent"] == 3)

    first = answers(post_twilio(client, PATH, sms("1", "SM-q-a1", sender=phones[0])))
    assert "Right!" in first and "Q2: Is there such a thing as a free visa?" in first
    second = answers(post_twilio(client, PATH, sms("3", "SM-q-a2", sender=phones[0])))
    assert "the right answer is 2" in second and "1 of 2 correctly" in second
    after = answers(post_twilio(client, PATH, sms("1", "SM-q-a3", sender=phones[0])))
    assert "Right" not in after and "correctly" not in after  # finished: read as usual
    # A redelivery of an answer is not counted twice.
    post_twilio(client, PATH, sms("3", "SM-q-a2", sender=phones[0]))
    out_of_range = answers(post_twilio(client, PATH, sms("7", "SM-q-b0", sender=phones[1])))
    assert "Right" not in out_of_range and "right answer" not in out_of_range
    stop = answers(post_twilio(client, PATH, sms("STOP", "SM-q-b1", sender=phones[1])))
    assert "Right" not in stop and "right answer" not in stop  # STOP always wins
    bangla = answers(post_twilio(client, PATH, sms("২", "SM-q-c1", sender=phones[2])))
    assert "the right answer is 1" in bangla and "Q2" in bangla

    quiz = client.get(f"/api/v1/campaigns/{quiz_id}", headers=headers).json()["quiz"]
    assert quiz["overall"]["asked"] == 3 and quiz["overall"]["answers"] == 3
    sylhet, cumilla = quiz["by_district"]["Sylhet"], quiz["by_district"]["Cumilla"]
    assert (sylhet["asked"], sylhet["answered"], sylhet["finished"]) == (2, 1, 1)
    assert sylhet["right_by_question"] == [1, 0] and sylhet["right_share"] == 0.5
    assert (cumilla["answered"], cumilla["right"], cumilla["right_share"]) == (1, 0, 0.0)


def test_reply_1_for_more_shows_the_campaign_topic(client: TestClient,
                                                    twilio_api: TwilioAPI) -> None:
    phone = list(PEOPLE)[1]
    post_twilio(client, PATH, sms("hello", "SM-m-0", sender=phone))

    async def admin(s: Any) -> str:
        _, token = await staff.create_user(s, name="Adm", role="admin")
        await s.commit()
        return token

    headers = {"Authorization": f"Bearer {run(client, admin)}"}
    body = {"name": "Agencies", "topic": "recruiting_agency_check", "quiet_hours": False,
            "messages": {"bn": "এজেন্সি যাচাই করুন।", "en": "Check your agency first."}}
    assert client.post("/api/v1/campaigns", json={**body, "topic": "nope"},
                       headers=headers).status_code == 422
    made = client.post("/api/v1/campaigns", json=body, headers=headers).json()
    client.post(f"/api/v1/campaigns/{made['id']}/start", headers=headers)
    [call] = twilio_api.wait_for("/Messages.json", count=1, timeout=20)
    assert "Reply 1 to read more." in call["params"]["Body"]
    eventually(lambda: client.get(f"/api/v1/campaigns/{made['id']}", headers=headers)
               .json()["progress"]["sent"] == 1)
    more = answers(post_twilio(client, PATH, sms("1", "SM-m-1", sender=phone)))
    assert "licen" in more.lower()  # the agency-check page, not a menu
    again = answers(post_twilio(client, PATH, sms("1", "SM-m-2", sender=phone)))
    assert again != more  # read once: the next "1" is an ordinary reply
