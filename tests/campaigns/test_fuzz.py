"""Property-based fuzzing of `/api/v1/campaigns` with valid tokens: odd bodies and ids from
every role get a 2xx or a 4xx JSON error, never a 5xx (FUZZ_EXAMPLES sets the number)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.campaigns.test_api import auth, client, setup  # noqa: F401  (fixtures)
from tests.channels.test_fuzz import FUZZ, JSON, ODD, TEXT

ROLES = st.sampled_from(["admin", "manager", "org"])
WORDS = st.lists(st.one_of(TEXT, ODD, st.sampled_from(["Sylhet", "bn", "sms", "SA"])),
                 max_size=4)
SEGMENT = st.one_of(JSON, st.fixed_dictionaries({}, optional={
    key: st.one_of(WORDS, JSON) for key in ("languages", "districts", "channels", "topics",
                                            "countries", "destinations")}
    | {"registered": st.one_of(st.booleans(), JSON), "seen_after": st.one_of(TEXT, JSON)}))
BODY = st.one_of(JSON, st.fixed_dictionaries(
    {"name": st.one_of(TEXT, ODD), "messages": st.one_of(
        JSON, st.fixed_dictionaries({"bn": st.one_of(TEXT, ODD), "en": TEXT},
                                    optional={"banglish": st.one_of(TEXT, JSON)}))},
    optional={"segment": SEGMENT, "send_at": st.one_of(TEXT, ODD, JSON),
              "quiet_hours": st.one_of(st.booleans(), JSON),
              "kind": st.sampled_from(["broadcast", "drip", "quiz", "x"]),
              "steps": JSON, "topic": st.one_of(TEXT, JSON),
              "whatsapp_template": st.one_of(TEXT, JSON)}))
IDS = st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT, ODD).map(
    lambda t: quote(t, safe="")).filter(lambda t: t not in ("", ".", ".."))


def _ok(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["error"]["code"]


@FUZZ
@given(role=ROLES, body=BODY, ident=IDS)
def test_campaign_routes(client: TestClient, role: str, body: Any,  # noqa: F811
                         ident: str) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    if not hasattr(state, "fuzz_tokens"):
        state.fuzz_tokens = setup(client)
    headers = {**auth(state.fuzz_tokens[role]), "content-type": "application/json"}
    _ok(client.post("/api/v1/campaigns", content=json.dumps(body).encode(), headers=headers))
    for action in ("", "/start", "/cancel"):
        call = client.get if not action else client.post
        _ok(call(f"/api/v1/campaigns/{ident}{action}", headers=headers))
