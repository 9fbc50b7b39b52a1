"""Telegram through aiogram against a local stand-in Bot API server."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.logs import JsonFormatter
from tests.channels.conftest import BASE, TG_SECRET, TG_TOKEN
from tests.channels.dbutil import InboxMessage, count, enqueue_proactive, links, outbox, run
from tests.channels.standin import BotAPI

PATH = "/webhooks/telegram"
CHAT = 987654321


def bangla(text: str) -> bool:
    return any("\u0980" <= c <= "\u09ff" for c in text)


def text_update(update_id: int, text: str, message_id: int | None = None,
                chat: dict[str, Any] | None = None) -> dict[str, Any]:
    chat = chat or {"id": CHAT, "type": "private", "first_name": "Test"}
    return {"update_id": update_id, "message": {
        "message_id": message_id or update_id, "date": 1767225600, "chat": chat,
        "from": {"id": CHAT, "is_bot": False, "first_name": "Test"}, "text": text}}


def button_update(update_id: int, data: str) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cbq-{update_id}", "chat_instance": "ci", "data": data,
        "from": {"id": CHAT, "is_bot": False, "first_name": "Test"},
        "message": {"message_id": 5, "date": 1767225600, "text": "menu",
                    "chat": {"id": CHAT, "type": "private"}}}}


def post(client: TestClient, update: Any, secret: str | None = TG_SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return client.post(PATH, content=body, headers={**headers,
                                                    "content-type": "application/json"})


def test_a_bangla_question_gets_a_bangla_answer_through_the_bot_api(
        client: TestClient, bot_api: BotAPI) -> None:
    response = post(client, text_update(1, "বিদেশে টাকা পাঠানোর নিয়ম কি?"))
    assert response.status_code == 200
    calls = bot_api.wait_for("/sendMessage")
    # TELEGRAM_API_BASE is honoured: {base}/bot{token}/{method}
    assert calls[0]["path"] == f"/bot{TG_TOKEN}/sendMessage"
    sent = calls[0]["params"]
    assert int(sent["chat_id"]) == CHAT and bangla(sent["text"])


def test_menus_come_with_an_inline_keyboard_and_buttons_work(
        client: TestClient, bot_api: BotAPI) -> None:
    post(client, text_update(1, "menu"))
    menu = bot_api.sent(1)[-1]
    keyboard = json.loads(menu["reply_markup"])["inline_keyboard"]
    assert keyboard and all(row[0]["callback_data"] for row in keyboard)
    payload = keyboard[0][0]["callback_data"]
    post(client, button_update(2, payload))
    bot_api.wait_for("/answerCallbackQuery")
    after = bot_api.sent(2)[-1]
    assert after["text"] != menu["text"]


def settle(client: TestClient, bot_api: BotAPI) -> list[dict[str, Any]]:
    """Wait until the outbox has nothing left to send; every sendMessage so far."""
    _wait(lambda: all(r.status not in ("pending", "sending") for r in outbox(client)))
    return [c["params"] for c in bot_api.matching("/sendMessage")]


def test_commands(client: TestClient, bot_api: BotAPI) -> None:
    post(client, text_update(1, "/start@pt_bot hello"))
    greeting = settle(client, bot_api)
    assert greeting and bot_api.matching("/sendMessage")[0]["path"].endswith("/sendMessage")
    post(client, text_update(2, "/help"))
    assert len(settle(client, bot_api)) > len(greeting)
    post(client, text_update(3, "/language"))
    choose = settle(client, bot_api)[-1]
    assert "English" in choose["text"] and "lang:en" in choose["reply_markup"]


def test_stop_is_confirmed_once_and_start_resubscribes(client: TestClient,
                                                       bot_api: BotAPI) -> None:
    post(client, text_update(1, "/stop"))
    assert "START" in settle(client, bot_api)[-1]["text"]
    assert links(client)[0].opted_out
    post(client, text_update(2, "stop"))
    before = len(settle(client, bot_api))
    enqueue_proactive(client, "telegram", str(CHAT), "A campaign message.")
    _wait(lambda: any(r.status == "skipped" for r in outbox(client)))
    assert len(settle(client, bot_api)) == before == 1
    post(client, text_update(3, "/start"))
    settle(client, bot_api)
    assert not links(client)[0].opted_out
    sent_so_far = len(bot_api.matching("/sendMessage"))
    enqueue_proactive(client, "telegram", str(CHAT), "A campaign message.")
    bot_api.wait_for("/sendMessage", sent_so_far + 1)
    assert settle(client, bot_api)[-1]["text"] == "A campaign message."


def test_a_redelivered_update_is_answered_once(client: TestClient, bot_api: BotAPI) -> None:
    for _ in range(10):
        assert post(client, text_update(7, "hello")).status_code == 200
    bot_api.sent(1)
    _wait(lambda: all(r.status == "sent" for r in outbox(client)))
    assert count(client, InboxMessage) == 1
    assert len(bot_api.matching("/sendMessage")) == len(outbox(client))


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TG_SECRET + "x"])
def test_a_missing_or_wrong_secret_is_403_and_nothing_is_stored(
        client: TestClient, bot_api: BotAPI, secret: str | None) -> None:
    response = post(client, text_update(1, "hello"), secret=secret)
    assert response.status_code == 403
    assert count(client, InboxMessage) == 0 and bot_api.calls == []


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"update_id": "x"}',
    json.dumps({"update_id": 9, "edited_message": text_update(9, "hi")["message"]}).encode(),
    json.dumps({"update_id": 10, "poll": {"id": "1"}}).encode(),
    json.dumps({"update_id": 11, "message": {
        "message_id": 3, "date": 1767225600, "chat": {"id": CHAT, "type": "private"},
        "sticker": {"file_id": "f", "file_unique_id": "u", "type": "regular", "width": 1,
                    "height": 1, "is_animated": False, "is_video": False}}}).encode(),
    json.dumps(text_update(12, "hello", chat={"id": -100, "type": "group",
                                              "title": "g"})).encode(),
])
def test_unusable_updates_get_a_200_and_no_reply(client: TestClient, bot_api: BotAPI,
                                                 body: bytes,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        response = post(client, body)
    assert response.status_code == 200
    assert count(client, InboxMessage) == 0 and bot_api.matching("/sendMessage") == []
    assert "hello" not in "\n".join(JsonFormatter().format(r) for r in caplog.records)


def test_a_blocked_bot_stops_proactive_messages(client: TestClient, bot_api: BotAPI) -> None:
    post(client, text_update(1, "hello"))
    bot_api.sent(1)
    _wait(lambda: all(r.status == "sent" for r in outbox(client)))
    bot_api.fail_next.append((403, {"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"}))
    enqueue_proactive(client, "telegram", str(CHAT), "An update.")
    _wait(lambda: links(client)[0].opted_out)
    # A later proactive message is not even tried: the person blocked the bot.
    tried = len(bot_api.matching("/sendMessage"))
    enqueue_proactive(client, "telegram", str(CHAT), "Another update.")
    _wait(lambda: all(r.status not in ("pending", "sending") for r in outbox(client)))
    assert len(bot_api.matching("/sendMessage")) == tried
    assert outbox(client)[-1].status != "sent"


def test_long_polling_handles_updates(channels_settings: Any, nlu_model: Any,
                                      bot_api: BotAPI) -> None:
    from api.services import Services

    bot_api.updates.append(text_update(41, "hello"))

    async def run() -> None:
        services = await Services.start(channels_settings, nlu=nlu_model)
        services.start_outbox()
        telegram = services.channels.telegram
        polling = asyncio.create_task(telegram.dispatcher.start_polling(
            telegram.bot, handle_signals=False, close_bot_session=False, polling_timeout=1))
        try:
            for _ in range(200):
                if bot_api.matching("/sendMessage"):
                    break
                await asyncio.sleep(0.05)
        finally:
            await telegram.dispatcher.stop_polling()
            await polling
            await services.close()

    asyncio.run(run())
    assert bot_api.matching("/getUpdates") and bot_api.matching("/sendMessage")


def test_set_webhook_command(bot_api: BotAPI, monkeypatch: pytest.MonkeyPatch,
                             tmp_path: Any) -> None:
    from api.cli import app
    from api.settings import get_settings

    for name, value in {"TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
                        "TELEGRAM_API_BASE": bot_api.url, "PUBLIC_BASE_URL": BASE,
                        "VAR_DIR": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["telegram", "set-webhook"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    call = bot_api.wait_for("/setWebhook")[0]["params"]
    assert call["url"] == BASE + "/webhooks/telegram" and call["secret_token"] == TG_SECRET


def _wait(check: Any, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_a_redelivered_staff_update_acts_once(client: TestClient, bot_api: BotAPI) -> None:
    """Telegram redelivers an update it thinks was lost: an organizer's /tickets answered
    100 times, or a reply to a person sent 3 times, would be a fault."""
    from referral import staff

    async def organizer(s):  # type: ignore[no-untyped-def]
        await staff.create_user(s, name="Desk (invented)", role="organizer", centre="sylhet",
                                telegram_chat_id=str(CHAT))
        await s.commit()

    run(client, organizer)
    for _ in range(20):
        assert post(client, text_update(41, "/tickets")).status_code == 200
    sent = settle(client, bot_api)
    assert len(sent) == 1 and len(outbox(client)) == 1
    post(client, text_update(42, "/tickets"))  # a new update is a new request
    assert len(settle(client, bot_api)) == 2


@pytest.mark.parametrize("update", [
    {"update_id": 90, "message": {"message_id": 1, "date": 1767225600, "text": {"a": [1]},
                                  "chat": {"id": CHAT, "type": "private"}}},
    {"update_id": 91, "message": {"message_id": 1, "date": 1767225600, "text": "hi",
                                  "chat": {"id": "not-a-number", "type": "private"}}},
    {"update_id": 92, "message": {"message_id": 1, "date": 1767225600, "text": "hi \ud800",
                                  "chat": {"id": CHAT, "type": "private"}}},
    {"update_id": 2**70, "message": "nested"},
    [1, 2, 3],
])
def test_odd_updates_never_get_a_500(client: TestClient, bot_api: BotAPI, update: Any) -> None:
    assert post(client, update).status_code < 500
