"""The app with every channel switched on and pointed at local stand-in providers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator

from api.app import create_app
from api.settings import Settings
from tests.channels.standin import BotAPI, GraphAPI, TwilioAPI

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
TG_TOKEN = "123456:TEST-token-for-the-stand-in"
TG_SECRET = "tg-secret-0123456789"
APP_SECRET = "messenger-app-secret"
BASE = "https://bot.example.org"


@pytest.fixture
def bot_api() -> Iterator[BotAPI]:
    server = BotAPI()
    yield server
    server.close()


@pytest.fixture
def twilio_api() -> Iterator[TwilioAPI]:
    server = TwilioAPI()
    yield server
    server.close()


@pytest.fixture
def graph_api() -> Iterator[GraphAPI]:
    server = GraphAPI()
    yield server
    server.close()


def channel_settings(tmp_path: Path, database_url: str, data_key: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {"redis_url": None, "public_base_url": BASE, **extra}
    return Settings(APP_ENV="test", VAR_DIR=tmp_path, database_url=database_url,
                    secret_key="s" * 40, data_key=data_key, **values)


@pytest.fixture
def channels_settings(tmp_path: Path, database_url: str, data_key: str, bot_api: BotAPI,
                      twilio_api: TwilioAPI, graph_api: GraphAPI) -> Settings:
    return channel_settings(
        tmp_path, database_url, data_key,
        twilio_account_sid="AC" + "0" * 32, twilio_auth_token=AUTH_TOKEN,
        twilio_from_number="+15005550006", twilio_whatsapp_from="+14155238886",
        twilio_api_base=twilio_api.url,
        telegram_bot_token=TG_TOKEN, telegram_webhook_secret=TG_SECRET,
        telegram_api_base=bot_api.url,
        messenger_page_token="page-token", messenger_app_secret=APP_SECRET,
        messenger_verify_token="verify-me", messenger_api_base=graph_api.url,
        outbox_backoff_seconds=0.05, rate_cap_sms=50.0)


@pytest.fixture
def client(channels_settings: Settings, nlu_model: Any) -> Iterator[TestClient]:
    with TestClient(create_app(channels_settings, nlu=nlu_model)) as c:
        yield c


def sign(path: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """What Twilio puts in X-Twilio-Signature, computed by Twilio's own code."""
    return RequestValidator(token).compute_signature(BASE + path, params)


def post_twilio(client: TestClient, path: str, params: dict[str, str], *,
                signature: str | None = None) -> Any:
    headers = {"X-Twilio-Signature": sign(path, params) if signature is None else signature}
    return client.post(path, data=params, headers=headers)


def sms(body: str, sid: str, sender: str = "+8801712345678", **extra: str) -> dict[str, str]:
    return {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+15005550006", "Body": body, "NumMedia": "0", **extra}

