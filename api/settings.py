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

    # Banglish writers on SMS get English by default: Bangla script is UCS-2 and costs two to
    # three times the segments (docs/operations.md explains the trade-off).
    sms_banglish_reply: Literal["bn", "en"] = "en"
    max_text_chars: int = 1600
    log_level: str = "INFO"

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
