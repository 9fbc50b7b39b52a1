"""One settings object for the whole service, read once in `api` and passed down as arguments."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
TWILIO_API_DEFAULT = "https://api.twilio.com"
TELEGRAM_API_DEFAULT = "https://api.telegram.org"
MESSENGER_API_DEFAULT = "https://graph.facebook.com/v19.0"


class Settings(BaseSettings):
    """Environment variables of the contract, plus a few knobs with safe defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    env: Literal["development", "production", "test"] = Field("development", alias="APP_ENV")
    host: str = "127.0.0.1"
    port: int = 8000
    var_dir: Path = Field(ROOT / "var", alias="VAR_DIR")

    database_url: str = ""
    redis_url: str | None = None
    secret_key: SecretStr | None = None
    data_key: SecretStr | None = None
    public_base_url: str = "http://127.0.0.1:8000"

    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base: str = TWILIO_API_DEFAULT

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str = TELEGRAM_API_DEFAULT

    messenger_page_token: SecretStr | None = None
    messenger_app_secret: SecretStr | None = None
    messenger_verify_token: SecretStr | None = None
    messenger_api_base: str = MESSENGER_API_DEFAULT

    nlu_backend: Literal["builtin", "rasa"] = "builtin"
    rasa_url: str = "http://127.0.0.1:5005"
    nlu_data_dir: Path = ROOT / "nlu" / "data"
    nlu_artifact_dir: Path | None = None  # default: var_dir / "nlu"
    content_dir: Path = ROOT / "content"

    # Banglish writers on SMS are answered in Banglish (they read Bangla; Latin letters fit GSM-7),
    # or in Bangla script or English where a programme prefers (docs/operations.md).
    sms_banglish_reply: Literal["banglish", "bn", "en"] = "banglish"
    max_text_chars: int = 1600
    log_level: str = "INFO"

    # Channels (docs/channels.md). SMS turns up to `sms_inline_parts` parts go back in the TwiML
    # answer; longer ones go out through the REST API in pieces of `sms_split_parts` parts.
    sms_inline_parts: int = Field(3, ge=1, le=10)
    sms_split_parts: int = Field(2, ge=1, le=10)
    # The outbox worker: None means in-process when REDIS_URL is unset (the embedded default).
    outbox_in_process: bool | None = None
    outbox_batch: int = Field(20, ge=1, le=500)
    # Messages of different people in flight at once per worker: one at a time, a worker's
    # database round trips, not the channel's cap, set the pace (docs/performance.md).
    outbox_concurrency: int = Field(8, ge=1, le=64)
    outbox_lease_seconds: float = 120.0  # a claim older than this was a dead worker's
    outbox_max_attempts: int = Field(6, ge=1)
    outbox_backoff_seconds: float = 5.0  # doubled per attempt, up to the cap below
    outbox_backoff_max_seconds: float = 900.0
    # A message still unanswered this long after it was stored belongs to a process that died;
    # each API process looks for such messages every `inbox_recovery_seconds` and answers them.
    inbox_lease_seconds: float = Field(30.0, gt=0)
    inbox_recovery_seconds: float = Field(15.0, gt=0)
    # Bursts beyond capacity: with this many messages in hand in one process, a new SMS or
    # WhatsApp message is stored, answered at once with an empty TwiML, and its turn taken
    # shortly after with the replies sent through the outbox, instead of waiting towards
    # Twilio's 15-second timeout. Measured (docs/performance.md): 32 is not reached by 64
    # connections on 2 workers, and at 256 it keeps the webhook's median near 100 ms.
    webhook_backlog_limit: int = Field(32, ge=0)
    # Messages a second per channel: a Twilio long code sends about one SMS a second.
    rate_cap_sms: float = 1.0
    rate_cap_whatsapp: float = 20.0
    rate_cap_telegram: float = 25.0
    rate_cap_messenger: float = 20.0
    # Per sender: more than `sender_rate_limit` messages in the window gets one notice, then
    # silence; identical messages within `burst_seconds` are handled once.
    sender_rate_limit: int = Field(30, ge=1)
    sender_rate_window: float = 60.0
    burst_seconds: float = 5.0

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'prottasha.db'}"
        if self.nlu_artifact_dir is None:
            self.nlu_artifact_dir = self.var_dir / "nlu"
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def drains_outbox_in_process(self) -> bool:
        if self.outbox_in_process is not None:
            return self.outbox_in_process
        return not self.redis_url

    def rate_caps(self) -> dict[str, float]:
        return {"sms": self.rate_cap_sms, "whatsapp": self.rate_cap_whatsapp,
                "telegram": self.rate_cap_telegram, "messenger": self.rate_cap_messenger}

    def ensure_secrets(self) -> None:
        """Refuse production without real secrets; in development make them once under var/."""
        missing = [
            name
            for name in ("secret_key", "data_key")
            if getattr(self, name) is None or _weak(getattr(self, name).get_secret_value())
        ]
        if not missing:
            return
        if self.is_production:
            names = ", ".join(n.upper() for n in missing)
            raise RuntimeError(f"production needs strong {names} (at least 32 characters)")
        keys_dir = self.var_dir / "keys"
        keys_dir.mkdir(parents=True, exist_ok=True)
        for name in missing:
            path = keys_dir / name
            if not path.exists():
                path.write_text(_new_key(name))
                path.chmod(0o600)
            setattr(self, name, SecretStr(path.read_text().strip()))


def _weak(value: str) -> bool:
    return len(value) < 32 or value.lower() in {"changeme", "secret", "default", "dev"}


def _new_key(name: str) -> str:
    if name == "data_key":
        from cryptography.fernet import Fernet

        return Fernet.generate_key().decode()
    return secrets.token_urlsafe(48)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, with secrets ensured."""
    settings = Settings()
    settings.ensure_secrets()
    return settings
