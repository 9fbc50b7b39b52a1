"""Bursts beyond capacity: with too many turns in hand, an SMS is stored and answered at once
with an empty TwiML, and its turn is taken shortly after with the replies sent by REST. A
person in danger is never made to wait, a redelivery never acts twice, and /metrics shows it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.channels.conftest import post_twilio, sms
from tests.channels.dbutil import InboxMessage, outbox, run
from tests.channels.standin import TwilioAPI
from tests.channels.test_twilio import PATH, messages, wait_until


@pytest.fixture
def backlogged(channels_settings: Settings, nlu_model: Any) -> Iterator[TestClient]:
    """A process that counts itself always behind (the limit is 0 turns in hand)."""
    settings = channels_settings.model_copy(update={"webhook_backlog_limit": 0})
    with TestClient(create_app(settings, nlu=nlu_model)) as c:
        yield c


def deferred() -> float:
    """Counters are per process, and a test session is one process: compare before and after."""
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("prottasha_deferred_total", {"channel": "sms"}) or 0.0


async def _inbox(session: Any) -> list[InboxMessage]:
    from sqlalchemy import select

    return list(await session.scalars(select(InboxMessage)))


def test_in_a_backlog_an_sms_is_answered_through_the_outbox(
        backlogged: TestClient, twilio_api: TwilioAPI) -> None:
    params = sms("hello", "SM-backlog-1")
    before = deferred()
    response = post_twilio(backlogged, PATH, params)
    assert response.status_code == 200 and messages(response.text) == []  # at once, empty
    sent = twilio_api.sent(1)
    assert sent[0]["To"] == params["From"] and "Prottasha" in sent[0]["Body"]
    rows = wait_until(lambda: [r for r in run(backlogged, _inbox) if r.status == "handled"])
    assert [(r.status, r.address, r.intent) for r in rows] == [("handled", None, "greet")]
    # Twilio's redelivery of the same request is a duplicate: no second turn, no second text.
    assert messages(post_twilio(backlogged, PATH, params).text) == []
    assert len(run(backlogged, _inbox)) == 1
    replies = [r for r in outbox(backlogged) if r.in_reply_to == rows[0].id]
    assert replies and all(r.provider_id for r in replies)  # every one went by REST
    assert len(twilio_api.matching("/Messages.json")) == len(replies)
    assert deferred() == before + 1  # the redelivery did not count again
    assert "prottasha_deferred_total" in backlogged.get("/metrics").text
    assert "prottasha_deferred_waiting 0.0" in wait_until(
        lambda: (lambda m: m if "prottasha_deferred_waiting 0.0" in m else None)(
            backlogged.get("/metrics").text))


def test_in_a_backlog_a_person_in_danger_is_answered_at_once(
        backlogged: TestClient, twilio_api: TwilioAPI) -> None:
    before = deferred()
    response = post_twilio(backlogged, PATH, sms("my employer beats me and took my passport",
                                                 "SM-backlog-danger"))
    answer = " ".join(messages(response.text))
    assert "999" in answer  # the emergency page, inline, not after the backlog
    assert deferred() == before


def test_one_persons_deferred_messages_keep_their_order(backlogged: TestClient,
                                                        twilio_api: TwilioAPI) -> None:
    sender = "+8801712345670"
    for n, text in enumerate(["hello", "2", "1"]):
        assert messages(post_twilio(backlogged, PATH, sms(text, f"SM-order-{n}", sender)).text) == []
    rows = wait_until(lambda: (lambda r: r if len(r) == 3 and all(
        x.status == "handled" for x in r) else None)(run(backlogged, _inbox)))
    handled = sorted(rows, key=lambda r: r.id)
    assert [r.text for r in handled] == ["hello", "2", "1"]
    replies = [r for r in outbox(backlogged)]
    by_message = [min(r.id for r in replies if r.in_reply_to == m.id) for m in handled]
    assert by_message == sorted(by_message)  # answered in the order they were sent
