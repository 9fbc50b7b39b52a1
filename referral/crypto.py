"""Personal data at rest: Fernet encryption plus a keyed hash for look-ups.

The key is installed once at start-up (`install_data_key`); the column type below reads it,
because SQLAlchemy builds column types when models are declared, before settings exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import LargeBinary, String
from sqlalchemy.types import TypeDecorator

_fernet: Fernet | None = None
_hash_key: bytes | None = None


def install_data_key(key: str) -> None:
    """Set the process-wide data key (a Fernet key, or any strong secret)."""
    global _fernet, _hash_key
    try:
        fernet = Fernet(key.encode())
    except ValueError:
        # A long passphrase instead of a Fernet key: derive one so either form works.
        fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))
    _fernet = fernet
    _hash_key = hashlib.sha256(b"prottasha-lookup:" + key.encode()).digest()


def _require() -> tuple[Fernet, bytes]:
    if _fernet is None or _hash_key is None:
        raise RuntimeError("data key not installed: call referral.crypto.install_data_key first")
    return _fernet, _hash_key


def encrypt(text: str) -> bytes:
    return _require()[0].encrypt(text.encode())


def decrypt(token: bytes | str) -> str:
    if isinstance(token, str):  # a Fernet token is ASCII: Redis may hand it back decoded
        token = token.encode()
    try:
        return _require()[0].decrypt(token).decode()
    except InvalidToken as exc:  # wrong DATA_KEY: say so rather than return garbage
        raise RuntimeError("cannot decrypt personal data: DATA_KEY changed?") from exc


def lookup_hash(value: str) -> str:
    """A keyed, stable hash so rows can be found by phone or user id without storing it."""
    return hmac.new(_require()[1], value.encode(), hashlib.sha256).hexdigest()


def inbox_key(channel: str, provider_id: str) -> str:
    """What the inbox stores for a provider's message id: a keyed hash, because some ids carry
    an address (Telegram's are "chat id:message id"), and erasure keeps the row's key so that
    a replay of an erased person's old message is still recognised and never acted on."""
    return lookup_hash(f"inbox:{channel}:{provider_id}")


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; None stays None."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(bytes(value))


HashColumn = String(64)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored encrypted (questionnaire answers, conversation state)."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(bytes(value)))
