"""SMS and WhatsApp through Twilio: signed webhooks, TwiML, the REST API, delivery reports."""

from __future__ import annotations

import logging
import time

import pytest
from fastapi.testclient import TestClient

from api.logs import JsonFormatter
from bot.messages import InboundMessage
from bot.service import person_key
from bot.sms import cost
from referral.models import utcnow
from tests.channels.conftest import BASE, post_twilio, sms
from tests.channels.dbutil import Contact, InboxMessage, count, enqueue_proactive, links, outbox, run
from tests.channels.standin import TwilioAPI, twilio_error

PATH = "/webhooks/twilio/sms"


def bangla(text: str) -> bool:
    return any("\u0980" <= c <= "\u09ff" for c in text)


def messages(xml: str) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return [m.text or "" for m in root.findall("Message")]


def wait_until(check, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_an_sms_is_answered_in_twiml(client: TestClient) -> None:
    response = post_twilio(client, PATH, sms("hello", "SM-a1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    replies = messages(response.text)
    assert replies and "Prottasha" in replies[0]
    assert all(not bangla(r) for r in replies)


@pytest.mark.parametrize("signature", ["", "forged", "use-other-token", "use-other-url"])
def test_forged_or_missing_signatures_get_403_and_nothing_is_stored(
        client: TestClient, signature: str) -> None:
    from tests.channels.conftest import sign

    params = sms("hello", "SM-forged")
    if signature == "use-other-token":
        signature = sign(PATH, params, token="another-account-token")
    elif signature == "use-other-url":
        signature = sign("/webhooks/twilio/elsewhere", params)
    for path in (PATH, "/webhooks/twilio/whatsapp", "/webhooks/twilio/status"):
        response = post_twilio(client, path, params, signature=signature)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert count(client, InboxMessage) == 0 and count(client, Contact) == 0


def test_fifty_redeliveries_produce_one_turn(client: TestClient) -> None:
    """Twilio redelivers when our answer did not reach it: the first redelivery gets the same
    answer again (no new turn), the rest nothing, so a replay cannot text a person 50 times."""
    params = sms("hello", "SM-redelivered")
    answers = [messages(post_twilio(client, PATH, params).text) for _ in range(50)]
    assert answers[0] and answers[1] == answers[0] and all(a == [] for a in answers[2:])
    assert count(client, InboxMessage) == 1
    assert len(outbox(client)) == len(answers[0])


def test_an_identical_burst_is_handled_once(client: TestClient) -> None:
    """A copy that arrives while the first is still being answered is dropped; once answered,
    the same text is a new answer (the "1" to the next question), not a burst."""
    import asyncio
    import threading

    conversations = client.app.state.services.conversations  # type: ignore[attr-defined]
    real = conversations.nlu

    # The first copy waits in the NLU until both others have been answered, however slow the
    # machine (a fixed sleep made this race depend on the load; later calls do not wait).
    entered, copies_done = threading.Event(), threading.Event()

    class Slow:
        calls = 0

        async def aparse(self, text: str) -> dict:
            Slow.calls += 1
            if Slow.calls == 1:
                entered.set()
                for _ in range(1000):  # at most 10 s: a copy that was not dropped still ends
                    if copies_done.is_set():
                        break
                    await asyncio.sleep(0.01)
            return await real.aparse(text)

    conversations.nlu = Slow()
    answers: dict[int, list[str]] = {}

    def send(n: int) -> None:
        answers[n] = messages(post_twilio(client, PATH, sms("menu", f"SM-burst-{n}")).text)

    first = threading.Thread(target=send, args=(0,))
    first.start()
    assert entered.wait(30)  # the first copy is being handled
    copies = [threading.Thread(target=send, args=(n,)) for n in (1, 2)]
    for t in copies:
        t.start()
    for t in copies:
        t.join()
    copies_done.set()
    first.join()
    conversations.nlu = real
    assert answers[0] and answers[1] == [] and answers[2] == []
    assert count(client, InboxMessage) == 3  # every message is still kept
    again = messages(post_twilio(client, PATH, sms("menu", "SM-burst-3")).text)
    assert again == answers[0]


def test_long_replies_go_out_through_the_rest_api_in_segments(
        client: TestClient, twilio_api: TwilioAPI) -> None:
    settings = client.app.state.services.settings  # type: ignore[attr-defined]
    settings.sms_inline_parts = settings.sms_split_parts = 1
    response = post_twilio(client, PATH, sms("হ্যালো", "SM-long"))
    assert messages(response.text) == []  # nothing inline: the order on the phone is kept
    queued = [r for r in outbox(client) if r.status != "sent" or r.provider_id]
    sent = twilio_api.sent(len(queued))
    assert len(sent) >= 2
    for call in sent:
        assert call["To"] == "+8801712345678" and call["From"] == "+15005550006"
        assert call["StatusCallback"] == BASE + "/webhooks/twilio/status"
        assert bangla(call["Body"]) and cost(call["Body"]).parts == 1
    rows = wait_until(lambda: [r for r in outbox(client) if r.provider_id] if all(
        r.status == "sent" for r in outbox(client)) else None)
    # Twilio reports delivery; a late "sent" does not undo "delivered".
    sid = rows[0].provider_id
    for status in ("delivered", "sent"):
        reply = post_twilio(client, "/webhooks/twilio/status",
                            {"MessageSid": sid, "MessageStatus": status})
        assert reply.status_code == 204
    assert next(r for r in outbox(client) if r.provider_id == sid).status == "delivered"


def test_twilio_21610_marks_the_person_stopped(client: TestClient, twilio_api: TwilioAPI) -> None:
    post_twilio(client, PATH, sms("hello", "SM-before"))
    twilio_api.errors.append(twilio_error(21610))
    enqueue_proactive(client, "sms", "+8801712345678", "Your ticket was updated.")
    wait_until(lambda: links(client)[0].opted_out)
    row = wait_until(lambda: [r for r in outbox(client) if r.kind == "proactive"
                              and r.status == "failed"])[0]
    assert row.last_error == "twilio 21610" and row.attempts == 1
    enqueue_proactive(client, "sms", "+8801712345678", "Another update.")
    wait_until(lambda: [r for r in outbox(client) if r.status == "skipped"])
    assert len(twilio_api.matching("/Messages.json")) == 1


def test_a_status_callback_with_21610_stops_the_person(client: TestClient,
                                                       twilio_api: TwilioAPI) -> None:
    post_twilio(client, PATH, sms("hello", "SM-x"))
    enqueue_proactive(client, "sms", "+8801712345678", "Your ticket was updated.")
    twilio_api.sent(1)
    sid = wait_until(lambda: [r.provider_id for r in outbox(client) if r.provider_id])[0]
    post_twilio(client, "/webhooks/twilio/status",
                {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "21610"})
    assert links(client)[0].opted_out


def test_retryable_errors_are_retried_then_sent(client: TestClient, twilio_api: TwilioAPI) -> None:
    post_twilio(client, PATH, sms("hello", "SM-r"))
    twilio_api.errors += [twilio_error(20500, 500), twilio_error(20429, 429)]
    enqueue_proactive(client, "sms", "+8801712345678", "Your ticket was updated.")
    twilio_api.sent(3)
    row = wait_until(lambda: [r for r in outbox(client) if r.kind == "proactive"
                              and r.status == "sent"])[0]
    assert row.attempts == 3


def test_stop_is_confirmed_once_and_start_resubscribes(client: TestClient,
                                                       twilio_api: TwilioAPI) -> None:
    first = messages(post_twilio(client, PATH, sms("STOP", "SM-s1")).text)
    assert first and "START" in first[0]
    assert links(client)[0].opted_out
    assert messages(post_twilio(client, PATH, sms("unsubscribe", "SM-s2")).text) == []
    enqueue_proactive(client, "sms", "+8801712345678", "A campaign message.")
    wait_until(lambda: [r for r in outbox(client) if r.status == "skipped"])
    assert twilio_api.matching("/Messages.json") == []
    assert messages(post_twilio(client, PATH, sms("START", "SM-s3")).text)
    assert not links(client)[0].opted_out
    enqueue_proactive(client, "sms", "+8801712345678", "A campaign message.")
    assert twilio_api.sent(1)[0]["Body"] == "A campaign message."


@pytest.mark.parametrize("word", ["বন্ধ", "bondho", "মেসেজ বন্ধ", "Cancel", "QUIT", "end"])
def test_opt_out_keywords_do_not_depend_on_the_nlu(client: TestClient, word: str) -> None:
    reply = messages(post_twilio(client, PATH, sms(word, "SM-k")).text)
    assert reply and links(client)[0].opted_out
    if bangla(word):
        assert bangla(reply[0])


def test_sms_and_whatsapp_from_one_phone_are_one_contact(client: TestClient) -> None:
    post_twilio(client, PATH, sms("hello", "SM-one", sender="+8801712345678"))
    wa = post_twilio(client, "/webhooks/twilio/whatsapp",
                     sms("hello", "SM-two", sender="whatsapp:+8801712345678",
                         To="whatsapp:+14155238886"))
    assert messages(wa.text)
    post_twilio(client, PATH, sms("hello", "SM-three", sender="+8801898765432"))
    assert count(client, Contact) == 2
    by_channel = {link.channel: link for link in links(client) if link.channel == "whatsapp"}
    sms_links = [link for link in links(client) if link.channel == "sms"]
    assert by_channel["whatsapp"].contact_id in {link.contact_id for link in sms_links}
    post_twilio(client, "/webhooks/twilio/whatsapp",
                sms("STOP", "SM-four", sender="whatsapp:+8801712345678"))
    assert [link.opted_out for link in links(client) if link.channel == "sms"] == [False, False]


def test_whatsapp_proactive_messages_use_whatsapp_addresses(client: TestClient,
                                                           twilio_api: TwilioAPI) -> None:
    post_twilio(client, "/webhooks/twilio/whatsapp",
                sms("hello", "SM-w", sender="whatsapp:+8801712345678"))
    enqueue_proactive(client, "whatsapp", "+8801712345678", "An update.")
    call = twilio_api.sent(1)[0]
    assert call["To"] == "whatsapp:+8801712345678" and call["From"] == "whatsapp:+14155238886"


@pytest.mark.parametrize("params", [
    {"Body": "hello"},  # no sender, no id
    {"MessageSid": "SM-e", "From": "+8801712345678"},
])
def test_unusable_messages_get_an_empty_200_and_a_clean_log(
        client: TestClient, params: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        response = post_twilio(client, PATH, params)
    assert response.status_code == 200 and messages(response.text) == []
    assert count(client, InboxMessage) == 0
    joined = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "1712345678" not in joined and "photo" not in joined


def test_a_photo_alone_is_answered_that_we_read_text(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    params = {"MessageSid": "SM-m", "From": "+8801712345678", "Body": "", "NumMedia": "1",
              "MediaUrl0": "https://example.org/photo.jpg"}
    with caplog.at_level(logging.INFO):
        response = post_twilio(client, PATH, params)
    [reply] = messages(response.text)
    assert "লেখা" in reply and "text" in reply
    assert count(client, InboxMessage) == 0  # no text to keep, and the photo is not fetched
    joined = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "1712345678" not in joined and "photo" not in joined


def test_oversized_and_non_form_bodies_are_refused(client: TestClient) -> None:
    big = client.post(PATH, content=b"Body=" + b"a" * 2_000_000,
                      headers={"content-type": "application/x-www-form-urlencoded",
                               "X-Twilio-Signature": "x"})
    assert big.status_code == 413
    odd = client.post(PATH, content=b"\xff\xfe{not a form", headers={
        "content-type": "multipart/form-data; boundary=zzz", "X-Twilio-Signature": "x"})
    assert odd.status_code == 403
    assert count(client, InboxMessage) == 0


def test_a_message_stored_before_a_crash_is_answered_on_redelivery(client: TestClient) -> None:
    """kill -9 after the inbox row was committed and before the turn: the row stays
    "received". Twilio's redelivery of that request is answered (once), not ignored."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot.service import ABANDONED, person_key
    from referral.crypto import inbox_key
    from referral.models import utcnow

    params = sms("hello", "SM-crashed")

    async def crashed(session):  # type: ignore[no-untyped-def]
        session.add(InboxMessage(channel="sms", provider_id=inbox_key("sms", "SM-crashed"),
                                 text="hello",
                                 user_hash=person_key(params["From"]), status="received"))
        await session.commit()

    run(client, crashed)
    # Still fresh: another process may be answering it right now, so it is a duplicate.
    assert messages(post_twilio(client, PATH, params).text) == []

    async def age(session):  # type: ignore[no-untyped-def]
        await session.execute(update(InboxMessage).values(
            received_at=utcnow() - ABANDONED - timedelta(seconds=1)))
        await session.commit()

    run(client, age)
    replies = messages(post_twilio(client, PATH, params).text)
    assert replies and "Prottasha" in replies[0]
    # No second turn: a further redelivery gets the lost answer again, once, then nothing.
    assert messages(post_twilio(client, PATH, params).text) == replies
    assert messages(post_twilio(client, PATH, params).text) == []
    rows = run(client, lambda s: _inbox(s))
    assert [r.status for r in rows] == ["handled"] and len(outbox(client)) == len(replies)


def test_a_message_stored_before_a_crash_and_never_redelivered_is_answered(
        client: TestClient, twilio_api: TwilioAPI) -> None:
    """Twilio does not always redeliver (a connection reset counts as delivered to it): the
    recovery sweep answers the stored message through the outbox, once, and a late
    redelivery is then a duplicate. The address is kept only while the message waits."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot import inbox
    from bot.service import ABANDONED

    params = sms("hello", "SM-orphan")
    services = client.app.state.services  # type: ignore[attr-defined]

    async def crash_mid_turn() -> None:  # the inbox row as a dying process leaves it
        await inbox.store_alone(
            services.conversations.sessionmaker,
            InboundMessage("sms", params["From"], "hello", "SM-orphan"), person_key(params["From"]))

    client.portal.call(crash_mid_turn)  # type: ignore[union-attr]
    assert client.portal.call(services.conversations.recover) == 0  # fresh: maybe in hand

    async def age(session):  # type: ignore[no-untyped-def]
        await session.execute(update(InboxMessage).values(
            received_at=utcnow() - ABANDONED - timedelta(seconds=1)))
        await session.commit()

    run(client, age)
    assert client.portal.call(services.conversations.recover) == 1
    assert client.portal.call(services.conversations.recover) == 0  # and only once
    queued = outbox(client)
    assert queued and {r.status for r in queued} == {"pending"}
    services.wake_outbox()
    sent = twilio_api.sent(len(queued))
    assert {c["To"] for c in sent} == {params["From"]} and "Prottasha" in sent[0]["Body"]
    assert messages(post_twilio(client, PATH, params).text) == []  # the late redelivery
    rows = run(client, lambda s: _inbox(s))
    assert [(r.status, r.address) for r in rows] == [("handled", None)]
    time.sleep(0.3)
    assert len(twilio_api.matching("/Messages.json")) == len(queued) == len(outbox(client))


async def _inbox(session):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    return list(await session.scalars(select(InboxMessage)))


@pytest.mark.parametrize("media", ["²", "٣", "-1", "", "99999999999999999999999"])
def test_an_empty_body_with_odd_media_counts_is_not_an_error(client: TestClient,
                                                             media: str) -> None:
    response = post_twilio(client, PATH, sms("", f"SM-media-{len(media)}", NumMedia=media))
    assert response.status_code == 200


@pytest.mark.parametrize("sid", ["\x00", "SM" + "0" * 31 + "\x00", "x" * 10_000, "SM-not-a-sid"])
def test_a_status_callback_for_no_message_of_ours_is_a_quiet_204(client: TestClient,
                                                                sid: str) -> None:
    """PostgreSQL refuses a NUL byte in a query: found by fuzzing as a 500 (issue 14)."""
    response = post_twilio(client, "/webhooks/twilio/status",
                           {"MessageSid": sid, "MessageStatus": "delivered"})
    assert response.status_code == 204


def test_a_nul_byte_in_a_message_is_answered(client: TestClient) -> None:
    response = post_twilio(client, PATH, sms("hello\x00 there", "SM-nul\x00"))
    assert response.status_code == 200 and messages(response.text)


def test_an_old_redelivery_of_an_answered_message_is_never_a_new_turn(client: TestClient) -> None:
    """Only a message still waiting ("received") is taken over after the lease; one that was
    answered stays answered however late the copy comes (a mutant dropped that condition)."""
    from datetime import timedelta

    from sqlalchemy import update

    from bot.service import ABANDONED

    params = sms("hello", "SM-old-copy")
    first = messages(post_twilio(client, PATH, params).text)
    rows_before = len(outbox(client))

    async def age(session):  # type: ignore[no-untyped-def]
        await session.execute(update(InboxMessage).values(
            received_at=utcnow() - ABANDONED - timedelta(minutes=5)))
        await session.commit()

    run(client, age)
    post_twilio(client, PATH, params)
    post_twilio(client, PATH, params)
    assert first and len(outbox(client)) == rows_before  # nothing new was said or queued
    assert [r.status for r in run(client, lambda s: _inbox(s))] == ["handled"]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # only it drops them
def test_an_sms_after_the_database_dropped_every_connection_is_answered(
        client: TestClient, database_url: str) -> None:
    """A database restart closes every pooled connection. The pool does not ping each
    connection before use (a round trip per message), so the first statement of the next
    message finds the dead connection, and the message is stored again on a renewed pool."""
    import asyncpg

    assert messages(post_twilio(client, PATH, sms("hello", "SM-before-drop")).text)

    async def drop_all() -> int:
        conn = await asyncpg.connect(database_url)
        try:
            return len(await conn.fetch(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        finally:
            await conn.close()

    assert client.portal.call(drop_all) >= 1  # type: ignore[union-attr]
    response = post_twilio(client, PATH, sms("menu", "SM-after-drop"))
    assert response.status_code == 200 and messages(response.text)
    assert count(client, InboxMessage) == 2


def _post_and_hang_up(client: TestClient, params: dict[str, str]) -> list[dict[str, object]]:
    """A signed SMS webhook whose caller hangs up before the answer, as Twilio does at its
    15 s timeout: driven at the ASGI edge, where the server tells the app the client is gone
    (uvicorn's receive() answers http.disconnect once the socket is closed). What was sent."""
    from urllib.parse import urlencode

    from tests.channels.conftest import sign

    body = urlencode(params).encode()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "https", "path": PATH, "raw_path": PATH.encode(),
             "root_path": "", "query_string": b"", "server": ("bot.example.org", 443),
             "client": ("127.0.0.1", 40000),
             "headers": [(b"host", b"bot.example.org"),
                         (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", str(len(body)).encode()),
                         (b"x-twilio-signature", sign(PATH, params).encode())]}
    events = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return events.pop(0) if events else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def drive() -> None:
        await client.app(scope, receive, send)

    client.portal.call(drive)  # type: ignore[union-attr]
    return sent


def test_replies_twilio_hung_up_on_go_out_once_through_the_rest_api(
        client: TestClient, twilio_api: TwilioAPI) -> None:
    """A turn that outlived Twilio's timeout answered into a closed connection, and the person
    got nothing (seen under overload). Now the same replies go out by REST, once: a
    redelivery of that message is not answered again inline."""
    params = sms("hello", "SM-hung-up")
    sent = _post_and_hang_up(client, params)
    assert sent[0]["status"] == 200 and b"<Message>" not in sent[-1]["body"]  # type: ignore[operator]
    twilio_api.sent(1)
    wait_until(lambda: all(r.status == "sent" and r.provider_id for r in outbox(client)))
    calls = [c["params"] for c in twilio_api.matching("/Messages.json")]
    assert {c["To"] for c in calls} == {"+8801712345678"}
    assert "Prottasha" in " ".join(c["Body"] for c in calls)
    assert len(calls) == len(outbox(client))  # every reply, each once
    assert messages(post_twilio(client, PATH, params).text) == []  # said once, by REST
    time.sleep(0.3)
    assert len(twilio_api.matching("/Messages.json")) == len(outbox(client)) == len(calls)
