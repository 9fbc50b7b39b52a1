"""Issue 10 over the real channels: signed Twilio SMS and WhatsApp, Telegram through aiogram and
a stand-in Bot API, and the web chat. A person in danger gets emergency numbers first, an urgent
ticket exists right after the reply (found by phone through the REST API), the person on call is
alerted, the page's follow-ups work, and CALL after it is urgent."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from referral import oncall, staff
from referral.casework import Ticket
from tests.channels.conftest import TG_SECRET, post_twilio, sms
from tests.channels.standin import BotAPI

PHONE = "+8801711000444"
ABROAD = ("+8809610102030", "+৮৮০৯৬১০১০২০৩০")


def _run(client: TestClient, fn: Any) -> Any:
    async def go() -> Any:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            result = await fn(s)
            await s.commit()
            return result

    return client.portal.call(go)  # type: ignore[union-attr]


def on_call(client: TestClient, chat_id: str = "8001") -> str:
    """A national on-call organizer (Telegram alerts) and an admin; the admin's API token."""
    client.app.state.services.conversations.flood.limit = 1000  # type: ignore[attr-defined]

    async def make(s: Any) -> str:
        duty, _ = await staff.create_user(s, name="Duty (invented)", role="organizer",
                                          centre="dhaka", telegram_chat_id=chat_id)
        await oncall.add(s, user_id=duty.id, centre_id=None, days="all", start="00:00",
                         end="00:00")
        _, token = await staff.create_user(s, name="Admin (invented)", role="admin")
        return token

    return _run(client, make)


def urgent_tickets(client: TestClient, token: str, phone: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/tickets", params={"phone": phone},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return [t for t in response.json()["items"] if t["priority"] == "urgent"]


def test_sms_danger_numbers_first_ticket_alert_follow_ups(client: TestClient,
                                                         bot_api: BotAPI) -> None:
    token = on_call(client)
    first = post_twilio(client, "/webhooks/twilio/sms", sms("amake ora atke rekheche, bachan",
                                                            "SMs1", PHONE))
    assert first.status_code == 200
    messages = first.text.split("<Message>")[1:]
    assert any(n in messages[0] for n in ("999", "৯৯৯"))  # emergency numbers first
    assert any(n in messages[0] for n in ABROAD)
    found = urgent_tickets(client, token, PHONE)
    assert len(found) == 1 and found[0]["centre"] is None  # no district known yet
    alert = [m for m in bot_api.sent(1) if str(m.get("chat_id")) == "8001"]
    assert any(found[0]["reference"] in m["text"] for m in alert)  # the person on call knows
    more = post_twilio(client, "/webhooks/twilio/sms", sms("1", "SMs2", PHONE)).text
    more += post_twilio(client, "/webhooks/twilio/sms", sms("1", "SMs3", PHONE)).text
    assert ("109" in more or "১০৯" in more) and ("16430" in more or "১৬৪৩০" in more)
    call = post_twilio(client, "/webhooks/twilio/sms", sms("CALL", "SMs4", PHONE))
    assert call.status_code == 200
    assert len(urgent_tickets(client, token, PHONE)) == 1  # the same case, still urgent
    # The person names their district: the case leaves the on-call queue for its centre.
    post_twilio(client, "/webhooks/twilio/sms", sms("Sylhet", "SMs5", PHONE))
    assert urgent_tickets(client, token, PHONE)[0]["centre"] == "sylhet"


def test_call_after_the_emergency_page_is_urgent(client: TestClient, bot_api: BotAPI) -> None:
    token = on_call(client)
    phone = "+8801711000555"
    # Reached through the menu (no danger words at all): the emergency page, then CALL.
    for n, body in enumerate(["menu", "4", "1"]):
        post_twilio(client, "/webhooks/twilio/sms", sms(body, f"SMc{n}", phone))
    assert not urgent_tickets(client, token, phone)
    post_twilio(client, "/webhooks/twilio/sms", sms("CALL", "SMc9", phone))
    assert len(urgent_tickets(client, token, phone)) == 1


def test_whatsapp_gets_the_full_page(client: TestClient, bot_api: BotAPI) -> None:
    token = on_call(client)
    params = sms("my employer took my passport and beats me", "SMw1", "whatsapp:" + PHONE)
    params["To"] = "whatsapp:+14155238886"
    response = post_twilio(client, "/webhooks/twilio/whatsapp", params)
    assert response.status_code == 200
    assert "999" in response.text and "109" in response.text and "16430" in response.text
    assert len(urgent_tickets(client, token, PHONE)) == 1


def test_telegram_and_web_chat_get_the_full_page_and_an_urgent_case(
        client: TestClient, bot_api: BotAPI) -> None:
    on_call(client)
    update = {"update_id": 501, "message": {
        "message_id": 501, "date": 1767225600, "chat": {"id": 4242, "type": "private"},
        "from": {"id": 4242, "is_bot": False, "first_name": "T"},
        "text": "আমার বোনকে মালিক আটকে রেখে মারধর করছে"}}
    response = client.post("/webhooks/telegram", json=update,
                           headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert response.status_code == 200
    sent = [m for m in bot_api.sent(2) if str(m.get("chat_id")) == "4242"]
    assert "999" in sent[0]["text"] and "109" in sent[0]["text"]  # phone numbers stay dialable
    web = client.post("/webchat/messages", json={"user_id": "w-safety-1",
                                                 "text": "i want to kill myself"}).json()
    assert "999" in web["messages"][0]["text"]
    count = _run(client, lambda s: s.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.priority == "urgent")))
    assert count == 2
