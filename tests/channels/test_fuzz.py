"""Property-based fuzzing of every inbound endpoint with valid signatures (issue 14): whatever
a provider (or someone holding its secret) sends, the answer is never a 5xx.

Examples per endpoint: FUZZ_EXAMPLES (default 40 in the suite; `FUZZ_EXAMPLES=2000 pytest
tests/channels/test_fuzz.py tests/api/test_fuzz_api.py` for a long run)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.channels.conftest import APP_SECRET, TG_SECRET, post_twilio

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Text a form can carry (no surrogates), with Bangla, digits of other scripts, emoji, controls.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
ODD = st.sampled_from(["", "0", "-1", "²", "٣", "৩", "1e309", "NaN", "9" * 40, "\x00", "null",
                       "+8801712345678", "whatsapp:+8801712345678", "01712-345678", "🙂"])
FIELD = st.one_of(TEXT, ODD)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


def _ok(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])


@FUZZ
@given(body=FIELD, sender=FIELD, sid=FIELD, media=FIELD,
       extra=st.dictionaries(st.sampled_from(["MediaUrl0", "MediaContentType0", "ButtonPayload",
                                              "ProfileName", "WaId", "Latitude"]), FIELD),
       whatsapp=st.booleans())
def test_twilio_inbound(client: TestClient, body: str, sender: str, sid: str, media: str,
                        extra: dict[str, str], whatsapp: bool) -> None:
    params = {"MessageSid": sid, "From": sender, "To": "+15005550006", "Body": body,
              "NumMedia": media, **extra}
    _ok(post_twilio(client, "/webhooks/twilio/whatsapp" if whatsapp else "/webhooks/twilio/sms",
                    params))


@FUZZ
@given(sid=st.one_of(FIELD, st.integers(0, 99).map(lambda n: f"SM{n:032d}")),
       status=st.one_of(FIELD, st.sampled_from(["delivered", "failed", "sent"])),
       code=FIELD)
def test_twilio_status(client: TestClient, sid: str, status: str, code: str) -> None:
    _ok(post_twilio(client, "/webhooks/twilio/status",
                    {"MessageSid": sid, "MessageStatus": status, "ErrorCode": code}))


UPDATE = st.fixed_dictionaries({
    "update_id": st.one_of(st.integers(min_value=-(2**70), max_value=2**70), JSON),
    "message": st.one_of(JSON, st.fixed_dictionaries({
        "message_id": st.one_of(st.integers(), JSON),
        "date": st.one_of(st.integers(), JSON),
        "chat": st.one_of(JSON, st.fixed_dictionaries({
            "id": st.one_of(st.integers(min_value=-(2**70), max_value=2**70), TEXT),
            "type": st.sampled_from(["private", "group", "channel", ""])})),
        "from": st.one_of(JSON, st.fixed_dictionaries({
            "id": st.one_of(st.integers(min_value=-(2**70), max_value=2**70), TEXT),
            "is_bot": st.booleans(), "first_name": TEXT,
            "language_code": st.one_of(TEXT, st.none())})),
        "text": st.one_of(TEXT, JSON)})),
})


@FUZZ
@given(update=st.one_of(UPDATE, JSON))
def test_telegram(client: TestClient, update: Any) -> None:
    _ok(client.post("/webhooks/telegram", content=json.dumps(update).encode(),
                    headers={"content-type": "application/json",
                             "X-Telegram-Bot-Api-Secret-Token": TG_SECRET}))


EVENT = st.fixed_dictionaries({
    "object": st.one_of(st.just("page"), TEXT),
    "entry": st.one_of(JSON, st.lists(st.fixed_dictionaries({
        "id": TEXT, "time": st.integers(),
        "messaging": st.one_of(JSON, st.lists(st.fixed_dictionaries({
            "sender": st.one_of(JSON, st.fixed_dictionaries({"id": st.one_of(TEXT, JSON)})),
            "recipient": st.just({"id": "page"}),
            "message": st.one_of(JSON, st.fixed_dictionaries({
                "mid": st.one_of(TEXT, JSON), "text": st.one_of(TEXT, JSON)})),
            "postback": st.one_of(st.none(), st.fixed_dictionaries({"payload": FIELD})),
        }), max_size=3))}), max_size=2)),
})


@FUZZ
@given(event=st.one_of(EVENT, JSON))
def test_messenger(client: TestClient, event: Any) -> None:
    body = json.dumps(event).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    _ok(client.post("/webhooks/messenger", content=body,
                    headers={"content-type": "application/json",
                             "X-Hub-Signature-256": signature}))


@FUZZ
@given(payload=st.one_of(JSON, st.fixed_dictionaries(
    {"user_id": st.one_of(TEXT, JSON), "text": st.one_of(TEXT, JSON)},
    optional={"message_id": st.one_of(TEXT, JSON), "payload": st.one_of(TEXT, JSON)})),
    poll=TEXT)
def test_web_chat(client: TestClient, payload: Any, poll: str) -> None:
    _ok(client.post("/webchat/messages", content=json.dumps(payload).encode(),
                    headers={"content-type": "application/json"}))
    _ok(client.get("/webchat/messages", params={"user_id": poll}))
