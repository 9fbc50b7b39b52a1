"""Facebook Messenger: the verification challenge, signed events, the Send API."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.channels.conftest import APP_SECRET
from tests.channels.dbutil import InboxMessage, count, enqueue_proactive, links, outbox
from tests.channels.standin import GraphAPI

PATH = "/webhooks/messenger"
PSID = "2468013579"


def signed(client: TestClient, payload: Any, secret: str = APP_SECRET,
           signature: str | None = None) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if signature is None:
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(PATH, content=body, headers={"content-type": "application/json",
                                                    "X-Hub-Signature-256": signature})


def event(**messaging: Any) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": "page", "time": 1, "messaging": [
        {"sender": {"id": PSID}, "recipient": {"id": "page"}, "timestamp": 1, **messaging}]}]}


def test_verification_challenge(client: TestClient) -> None:
    ok = client.get(PATH, params={"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                                  "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.text == "1158201444"
    wrong = client.get(PATH, params={"hub.mode": "subscribe", "hub.verify_token": "nope",
                                     "hub.challenge": "1"})
    assert wrong.status_code == 403


def test_a_message_is_answered_with_quick_replies(client: TestClient,
                                                  graph_api: GraphAPI) -> None:
    response = signed(client, event(message={"mid": "m.1", "text": "menu"}))
    assert response.status_code == 200
    call = graph_api.wait_for("/me/messages")[0]
    assert call["query"]["access_token"] == "page-token"
    body = call["params"]
    assert body["recipient"] == {"id": PSID} and body["messaging_type"] == "RESPONSE"
    quick = body["message"]["quick_replies"]
    assert quick and all(len(q["title"]) <= 20 and q["payload"] for q in quick)
    signed(client, event(message={"mid": "m.2", "text": quick[0]["title"],
                                  "quick_reply": {"payload": quick[0]["payload"]}}))
    graph_api.wait_for("/me/messages", 2)


@pytest.mark.parametrize("signature", ["", "sha256=00", "sha1=abc", None])
def test_bad_signatures_are_403_and_nothing_is_stored(client: TestClient, signature: Any,
                                                      graph_api: GraphAPI) -> None:
    payload = event(message={"mid": "m.x", "text": "hello"})
    response = (signed(client, payload, secret="another-secret") if signature is None
                else signed(client, payload, signature=signature))
    assert response.status_code == 403
    assert count(client, InboxMessage) == 0 and graph_api.calls == []


@pytest.mark.parametrize("payload,status", [
    (b"not json", 200),
    ({"object": "instagram", "entry": []}, 404),
    (event(message={"mid": "m.e", "text": "hello", "is_echo": True}), 200),
    (event(delivery={"mids": ["m.1"], "watermark": 1}), 200),
    (event(message={"mid": "m.a", "attachments": [{"type": "image"}]}), 200),
    ({"object": "page", "entry": "nonsense"}, 200),
])
def test_other_events_are_acknowledged_and_ignored(client: TestClient, payload: Any,
                                                   status: int, graph_api: GraphAPI) -> None:
    assert signed(client, payload).status_code == status
    assert count(client, InboxMessage) == 0 and graph_api.calls == []


def test_redelivery_stop_and_start(client: TestClient, graph_api: GraphAPI) -> None:
    for _ in range(5):
        signed(client, event(message={"mid": "m.stop", "text": "STOP"}))
    graph_api.wait_for("/me/messages")
    assert count(client, InboxMessage) == 1 and links(client)[0].opted_out
    enqueue_proactive(client, "messenger", PSID, "An update.")
    import time

    deadline = time.monotonic() + 10
    while not any(r.status == "skipped" for r in outbox(client)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(graph_api.matching("/me/messages")) == 1
    signed(client, event(postback={"mid": "m.start", "payload": "menu:main", "title": "Menu"}))
    graph_api.wait_for("/me/messages", 2)
    assert not links(client)[0].opted_out


def test_the_page_token_never_reaches_the_log(client: TestClient, graph_api: GraphAPI,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """Graph API calls carry the page token in the URL, and httpx logs URLs at INFO."""
    import logging

    from api import logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("httpx").level
    logs.configure("INFO")  # as `prottasha serve` does
    root.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        signed(client, event(message={"mid": "m.tok", "text": "menu"}))
        graph_api.wait_for("/me/messages")
        assert "page-token" not in "\n".join(r.getMessage() for r in caplog.records)
        assert any(r.name.startswith("prottasha") for r in caplog.records)  # we did log
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
        logging.getLogger("httpx").setLevel(saved[2])
