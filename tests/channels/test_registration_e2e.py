"""Issue 6 end to end: a returnee registers by signed SMS webhooks; the ticket is routed to the
Sylhet centre and its organizer's Telegram gets the alert; buttons and replies work both ways."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from referral import staff
from referral.casework import Screening, Ticket
from referral.models import Contact
from tests.channels.conftest import TG_SECRET, post_twilio, sms
from tests.channels.standin import BotAPI

PHONE = "+8801711000111"
BANGLA = ["নিবন্ধন", "১", "১", "সৌদি আরব", "৩ মাস আগে", "৩৫", "২", "হবিগঞ্জ", "০", "২", "১", "৪",
          "২", "১", "৫", "১ ২", "১", "১"]
ENGLISH = ["REG", "yes", "yes", "Kuwait", "March 2026", "41", "female", "Habiganj", "0",
           "escaped abuse", "no income", "1", "no", "often", "3", "1 4", "1", "1"]
BANGLISH = ["reg", "ha", "ha", "saudi", "2 mash age", "29", "purush", "hobigonj", "0", "2",
            "1", "3", "na", "1", "4", "1", "1", "1"]


def organizer(client: TestClient, chat_id: str = "7001") -> int:
    # Long answers inline in the TwiML, so each turn's text can be read from its response.
    client.app.state.services.settings.sms_inline_parts = 20  # type: ignore[attr-defined]
    # A test answers faster than a person can: lift the per-sender flood limit.
    client.app.state.services.conversations.flood.limit = 1000  # type: ignore[attr-defined]

    async def create() -> int:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            user, _ = await staff.create_user(s, name="Rina (invented)", role="organizer",
                                              centre="sylhet", telegram_chat_id=chat_id)
            await s.commit()
            return user.id

    return client.portal.call(create)  # type: ignore[union-attr]


def query(client: TestClient, fn: Any) -> Any:
    async def run() -> Any:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            return await fn(s)

    return client.portal.call(run)  # type: ignore[union-attr]


def text_all(client: TestClient, answers: list[str], phone: str, prefix: str) -> list[str]:
    replies = []
    for n, body in enumerate(answers):
        response = post_twilio(client, "/webhooks/twilio/sms", sms(body, f"{prefix}{n:04d}", phone))
        assert response.status_code == 200, response.text
        replies.append(response.text)
    return replies


def alerts_to(bot_api: BotAPI, chat_id: str, count: int = 1) -> list[dict[str, Any]]:
    sent = bot_api.sent(count)
    return [m for m in sent if str(m.get("chat_id")) == chat_id]


def test_bangla_sms_registration_reaches_the_sylhet_organizer(client: TestClient,
                                                              bot_api: BotAPI) -> None:
    organizer_id = organizer(client)
    replies = text_all(client, BANGLA, PHONE, "SMbn")
    assert "PR-" in replies[-1] and "সিলেট" in replies[-1]
    ticket = query(client, lambda s: s.scalar(select(Ticket)))
    assert (ticket.centre_id, ticket.assignee_id, ticket.district) == \
        ("sylhet", organizer_id, "Habiganj")
    assert ticket.decision == "eligible" and ticket.phone == PHONE and ticket.language == "bn"
    alert = alerts_to(bot_api, "7001")[0]
    assert ticket.reference in alert["text"] and "Habiganj" in alert["text"]
    keyboard = json.loads(alert["reply_markup"]) if isinstance(alert["reply_markup"], str) \
        else alert["reply_markup"]
    payloads = [row[0]["callback_data"] for row in keyboard["inline_keyboard"]]
    assert payloads[0] == f"ticket:accept:{ticket.id}"

    # The organizer presses Accept in Telegram: the ticket changes and the person is told.
    update = {"update_id": 9001, "callback_query": {
        "id": "cbq1", "chat_instance": "x", "data": payloads[0],
        "from": {"id": 7001, "is_bot": False, "first_name": "Rina"},
        "message": {"message_id": 55, "date": 1700000000, "text": "alert",
                    "chat": {"id": 7001, "type": "private"}}}}
    response = client.post("/webhooks/telegram", json=update,
                           headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
    assert response.status_code == 200
    accepted = query(client, lambda s: s.scalar(select(Ticket.accepted_at)))
    assert accepted is not None

    # A repeat registration updates the same ticket.
    text_all(client, BANGLA, PHONE, "SMbn2")
    assert query(client, lambda s: s.scalar(select(func.count()).select_from(Ticket))) == 1
    assert query(client, lambda s: s.scalar(select(func.count()).select_from(Screening))) == 2


def test_english_and_banglish_registrations(client: TestClient, bot_api: BotAPI) -> None:
    organizer(client)
    english = text_all(client, ENGLISH, "+8801711000222", "SMen")
    assert "registered" in english[-1] and "Sylhet" in english[-1]
    banglish = text_all(client, BANGLISH, "+8801711000333", "SMbg")
    assert "PR-" in banglish[-1]
    rows = query(client, lambda s: s.scalars(select(Ticket).order_by(Ticket.id)))
    tickets = list(rows)
    assert [t.centre_id for t in tickets] == ["sylhet", "sylhet"]
    assert tickets[0].gender == "female" and tickets[0].priority == "high"


def test_delete_erases_the_person(client: TestClient, bot_api: BotAPI) -> None:
    organizer(client)
    text_all(client, BANGLA, PHONE, "SMdel")
    ask = text_all(client, ["মুছে ফেলুন"], PHONE, "SMdelq")[0]
    assert "১" in ask
    done = text_all(client, ["১"], PHONE, "SMdelok")[0]
    assert "মুছে" in done
    ticket = query(client, lambda s: s.scalar(select(Ticket)))
    assert ticket.anonymised and ticket.phone is None and ticket.status == "closed"
    assert query(client, lambda s: s.scalar(select(func.count()).select_from(Contact))) == 0
    # Twilio replays an old message of theirs: recognised, not answered, nobody re-created.
    replay = text_all(client, BANGLA[:2], PHONE, "SMdel")
    assert all("<Message>" not in r for r in replay)
    assert query(client, lambda s: s.scalar(select(func.count()).select_from(Contact))) == 0
    # What stays of their messages holds neither their words nor a provider id in clear.
    from referral.models import InboxMessage

    rows = query(client, lambda s: s.scalars(select(InboxMessage)))
    erased = [r for r in rows if r.status == "erased"]
    assert len(erased) >= len(BANGLA) and all(r.text == "" for r in erased)
    assert not any(r.provider_id.startswith("SM") for r in rows)
    # The organizer's alert about them no longer holds their phone in our database.
    from referral.models import OutboxMessage

    alerts = [r for r in query(client, lambda s: s.scalars(select(OutboxMessage)))
              if r.kind == "alert"]
    assert alerts and not any(PHONE in r.text or PHONE[4:] in r.text for r in alerts)


def tg_message(text: str, update_id: int, reply_to: int | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": update_id, "date": 1700000000, "text": text,
                               "chat": {"id": 7001, "type": "private"},
                               "from": {"id": 7001, "is_bot": False, "first_name": "Rina"}}
    if reply_to is not None:
        message["reply_to_message"] = {"message_id": reply_to, "date": 1700000000,
                                       "chat": {"id": 7001, "type": "private"}, "text": "alert"}
    return {"update_id": update_id, "message": message}


def test_organizer_works_the_ticket_from_telegram(client: TestClient, bot_api: BotAPI,
                                                  twilio_api: Any) -> None:
    from referral.models import OutboxMessage
    from tests.channels.test_twilio import wait_until

    organizer(client)
    text_all(client, BANGLA, PHONE, "SMtg")
    alerts_to(bot_api, "7001")
    alert = wait_until(lambda: next(
        (r for r in query(client, lambda s: s.scalars(select(OutboxMessage)))
         if r.kind == "alert" and r.provider_id), None))
    alert_id = int(alert.provider_id.split(":")[1])
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}

    # /tickets lists the open ticket with a button
    client.post("/webhooks/telegram", json=tg_message("/tickets", 9101), headers=headers)
    listed = [m for m in bot_api.sent(2) if "inline_keyboard" in str(m.get("reply_markup"))]
    assert any("PR-" in str(m["reply_markup"]) for m in listed)

    # a reply to the alert goes to the person by SMS, and the ticket counts as contacted
    client.post("/webhooks/telegram",
                json=tg_message("আমি রিনা, কাল সকালে ফোন করব।", 9102, reply_to=alert_id),
                headers=headers)
    relayed = twilio_api.sent(1)
    assert relayed[-1]["To"] == PHONE and "রিনা" in relayed[-1]["Body"]
    ticket = query(client, lambda s: s.scalar(select(Ticket)))
    assert ticket.status == "contacted" and ticket.first_contact_at is not None

    # "/note ..." in reply to the alert goes to the case file, not to the person
    client.post("/webhooks/telegram",
                json=tg_message("/note Needs a visit about the loan", 9103, reply_to=alert_id),
                headers=headers)
    from referral.casework import TicketEvent

    async def notes(s: Any) -> list[str | None]:
        rows = await s.scalars(select(TicketEvent).where(TicketEvent.kind == "note"))
        return [e.note for e in rows.all()]

    assert query(client, notes) == ["Needs a visit about the loan"]
    assert len(twilio_api.sent(1)) == 1  # still only the one relayed reply

    # the person's answer reaches the organizer on Telegram
    text_all(client, ["ঠিক আছে, ধন্যবাদ আপা"], PHONE, "SMtgback")
    assert any("ধন্যবাদ আপা" in m["text"] for m in bot_api.sent(5))

    # the returnees' dialogue never answers the organizer's own chat: no menu, no fallback
    to_organizer = [m["text"] for m in bot_api.sent(5) if str(m["chat_id"]) == "7001"]
    assert to_organizer and not any("নম্বর লিখে বেছে নিন" in t or "বুঝতে পারিনি" in t
                                    for t in to_organizer)


def test_questionnaire_started_on_sms_resumes_on_whatsapp(client: TestClient,
                                                          bot_api: BotAPI) -> None:
    organizer(client)
    phone = "+8801711000444"
    text_all(client, BANGLA[:6], phone, "SMx")  # up to the age question
    params = sms("৩৫", "SMwa0001", f"whatsapp:{phone}", To="whatsapp:+14155238886")
    answer = post_twilio(client, "/webhooks/twilio/whatsapp", params)
    assert answer.status_code == 200 and "নারী" in answer.text  # the next question: gender


def test_telegram_staff_actions_keep_to_their_centre(client: TestClient, bot_api: BotAPI,
                                                     twilio_api: Any) -> None:
    """Another centre's organizer pressing the buttons of a Sylhet ticket (show, accept,
    close) learns nothing and changes nothing; a reply after STOP sends nothing."""
    from referral.models import ContactChannel, OutboxMessage
    from tests.channels.test_twilio import wait_until

    organizer(client)
    text_all(client, BANGLA, PHONE, "SMcc")
    alerts_to(bot_api, "7001")
    ticket = query(client, lambda s: s.scalar(select(Ticket)))

    async def outsider() -> None:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            await staff.create_user(s, name="Khulna (invented)", role="organizer",
                                    centre="khulna", telegram_chat_id="7009")
            await s.commit()

    client.portal.call(outsider)  # type: ignore[union-attr]
    headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    for n, action in enumerate(("show", "accept", "close:support_completed")):
        client.post("/webhooks/telegram", headers=headers, json={
            "update_id": 9300 + n, "callback_query": {
                "id": f"cb-{n}", "chat_instance": "ci", "data": f"ticket:{action}:{ticket.id}",
                "from": {"id": 7009, "is_bot": False, "first_name": "K"},
                "message": {"message_id": 1, "date": 1700000000, "text": "x",
                            "chat": {"id": 7009, "type": "private"}}}})
    answers = wait_until(lambda: [m["text"] for m in bot_api.sent(1)
                                  if str(m.get("chat_id")) == "7009"][2:] and
                         [m["text"] for m in bot_api.sent(1) if str(m.get("chat_id")) == "7009"],
                         timeout=15)
    seen = "\n".join(answers)
    assert len(answers) == 3 and PHONE not in seen and PHONE[4:] not in seen
    after = query(client, lambda s: s.scalar(select(Ticket)))
    assert (after.status, after.assignee_id) == (ticket.status, ticket.assignee_id)

    # The person sends STOP; the organizer's reply to the alert then sends nothing.
    text_all(client, ["STOP"], PHONE, "SMccstop")
    assert query(client, lambda s: s.scalar(select(ContactChannel.opted_out)))
    sms_before = len(twilio_api.calls)
    alert = next(r for r in query(client, lambda s: s.scalars(select(OutboxMessage)))
                 if r.kind == "alert" and r.provider_id)
    client.post("/webhooks/telegram", headers=headers, json=tg_message(
        "are you there?", 9310, reply_to=int(alert.provider_id.split(":")[1])))
    told = wait_until(lambda: [m["text"] for m in bot_api.sent(1)
                               if str(m.get("chat_id")) == "7001"
                               and "কিছু পাঠানো হয়নি" in m["text"]], timeout=15)
    assert told and len(twilio_api.calls) == sms_before
