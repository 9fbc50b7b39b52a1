"""The web chat slice end to end: real app, real database, real NLU."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.logs import JsonFormatter
from api.settings import Settings


def bangla(text: str) -> bool:
    return any("\u0980" <= c <= "\u09ff" for c in text)


def chat(client: TestClient, text: str, user: str = "web-1") -> list[dict]:
    response = client.post("/webchat/messages", json={"user_id": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


@pytest.fixture
def client(settings: Settings, nlu_model):  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, nlu=nlu_model)) as c:
        yield c


def test_page_serves_the_chat(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/chat.js" in page.text and 'name="viewport"' in page.text
    assert client.get("/static/chat.js").status_code == 200


def test_greetings_in_matching_language(client: TestClient) -> None:
    en = chat(client, "hello", user="a")
    bn = chat(client, "হ্যালো", user="b")
    assert not bangla(en[0]["text"]) and "Prottasha" in en[0]["text"]
    assert bangla(bn[0]["text"])


def test_menu_then_choose_a_topic(client: TestClient) -> None:
    menu = chat(client, "menu", user="c")[-1]
    numbered = [line for line in menu["text"].splitlines() if line[:1].isdigit() or
                line[:1] in "১২৩৪৫৬৭৮৯"]
    assert len(numbered) >= 4
    assert all(b["title"] and b["payload"] for b in menu["buttons"])
    submenu = chat(client, "1", user="c")[-1]
    topic = chat(client, "1", user="c")[0]
    assert topic["text"] != submenu["text"] and len(topic["text"]) > 80


def test_language_choice_survives_a_restart(settings: Settings, nlu_model) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, nlu=nlu_model)) as first:
        reply = chat(first, "Please reply in Bangla", user="d")
        assert bangla(reply[0]["text"])
    with TestClient(create_app(settings, nlu=nlu_model)) as second:
        reply = chat(second, "how do I send money home?", user="d")
        assert bangla(reply[0]["text"])


def test_a_retry_with_the_same_message_id_is_answered_once(client: TestClient) -> None:
    from tests.channels.dbutil import InboxMessage, OutboxMessage, count

    body = {"user_id": "e", "text": "hello", "message_id": "m-1"}
    first = client.post("/webchat/messages", json=body).json()
    rows = count(client, InboxMessage), count(client, OutboxMessage)
    again = client.post("/webchat/messages", json=body).json()
    assert first == again and first["messages"]  # the same answer, given again...
    assert (count(client, InboxMessage), count(client, OutboxMessage)) == rows == (
        1, len(first["messages"]))  # ...from the record: handled once
    state_after = chat(client, "menu", user="e")
    assert state_after  # the conversation goes on normally
    assert count(client, InboxMessage) == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"\xff\xfe\x00garbage", 400, None),
        (b"not json at all", 400, "invalid_json"),
        (b"{}", 422, "invalid_request"),
        (b'{"user_id": "x"}', 422, "invalid_request"),
        (b'{"user_id": "x", "text": ""}', 422, "empty_text"),
        (b'{"user_id": "x", "text": "   "}', 422, "empty_text"),
        (b'{"user_id": "x", "text": 5}', 422, "invalid_request"),
        (b'["x"]', 422, "invalid_request"),
        (json.dumps({"user_id": "x", "text": "a" * 1601}).encode(), 422, "text_too_long"),
        (json.dumps({"user_id": "x", "text": "a" * 2_000_000}).encode(), 413, "too_large"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client: TestClient, body: bytes, status: int,
                                    code: str | None) -> None:
    response = client.post("/webchat/messages", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_503_when_the_database_is_gone(settings: Settings, nlu_model) -> None:  # type: ignore[no-untyped-def]
    from referral.db import make_engine

    with TestClient(create_app(settings, nlu=nlu_model)) as c:
        services = c.app.state.services  # type: ignore[attr-defined]
        services.engine = make_engine("postgresql://nobody@127.0.0.1:1/none")
        response = c.get("/healthz")
    assert response.status_code == 503


def test_metrics_count_messages(client: TestClient) -> None:
    chat(client, "hello", user="m")
    body = client.get("/metrics").text
    assert 'prottasha_messages_in_total{channel="webchat"}' in body
    assert "prottasha_reply_seconds_bucket" in body
    assert "prottasha_intents_total" in body


def test_logs_carry_no_personal_data(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = "আমার নম্বর 01712-345678 Rahima"
    with caplog.at_level(logging.INFO):
        chat(client, secret, user="+8801712345678")
    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert any('"event": "handled"' in line for line in lines)
    joined = "\n".join(lines)
    for leak in ("01712", "345678", "Rahima", "আমার"):
        assert leak not in joined


def test_a_later_message_is_picked_up_once(client: TestClient) -> None:
    """A field organizer's reply to a web chat user waits until the page asks for it."""
    from bot.service import person_key
    from referral.models import OutboxMessage

    chat(client, "hello", user="web-later")

    async def queue() -> None:
        async with client.app.state.services.sessionmaker() as s:  # type: ignore[attr-defined]
            s.add(OutboxMessage(channel="webchat", user_hash=person_key("web-later"),
                                address="web-later", text="আমি রিনা, মাঠকর্মী।", buttons=[],
                                language="bn", kind="proactive", priority=1, status="pending"))
            await s.commit()

    client.portal.call(queue)  # type: ignore[union-attr]
    first = client.get("/webchat/messages", params={"user_id": "web-later"}).json()
    assert [m["text"] for m in first["messages"]] == ["আমি রিনা, মাঠকর্মী।"]
    assert client.get("/webchat/messages", params={"user_id": "web-later"}).json() == \
        {"messages": []}
    assert client.get("/webchat/messages", params={"user_id": "other"}).json() == {"messages": []}
    assert client.get("/webchat/messages").status_code == 422
