"""Staff users and their API tokens (stored as SHA-256; the token itself is shown once)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.casework import ROLES, ApiToken, Centre, StaffUser
from referral.contacts import e164
from referral.errors import Invalid, NotFound
from referral.models import utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_user(session: AsyncSession, *, name: str, role: str, centre: str | None = None,
                      telegram_chat_id: str | None = None, phone: str | None = None,
                      language: str = "bn") -> tuple[StaffUser, str]:
    """A staff user and a new API token for them (flushes)."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    if role != "admin" and not centre:
        raise Invalid(f"a {role} needs --centre")
    centre_id = None
    if centre:
        found = await session.scalar(select(Centre).where(
            (Centre.id == centre.lower()) | (Centre.name_en == centre)))
        if found is None:
            raise NotFound(f"no centre {centre!r}")
        centre_id = found.id
    number = e164(phone) if phone else None
    if phone and number is None:
        raise Invalid("phone is not a valid phone number")
    user = StaffUser(name=name.strip(), role=role, centre_id=centre_id,
                     telegram_chat_id=telegram_chat_id, phone=number, active=True,
                     failed_logins=0, language=language)
    session.add(user)
    await session.flush()
    return user, await issue_token(session, user)


async def issue_token(session: AsyncSession, user: StaffUser) -> str:
    token = "pt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token)))
    await session.flush()
    return token


async def user_for_token(session: AsyncSession, token: str) -> StaffUser | None:
    """The active user a bearer token belongs to, or None."""
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token),
                                                      ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = await session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


async def revoke(session: AsyncSession, user: StaffUser, *, deactivate: bool = False) -> int:
    """End every dashboard session and revoke every API token of `user` (a lost phone, a
    person who left); `deactivate` also closes the account. The number of tokens revoked."""
    user.session_version = (user.session_version or 0) + 1
    if deactivate:
        user.active = False
    rows = list(await session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                             ApiToken.revoked_at.is_(None))))
    for row in rows:
        row.revoked_at = utcnow()
    await session.flush()
    return len(rows)


def set_password(user: StaffUser, password: str) -> None:
    """Store an argon2 hash of a dashboard password."""
    from argon2 import PasswordHasher

    if len(password) < 10:
        raise Invalid("a password needs at least 10 characters")
    user.password_hash = PasswordHasher().hash(password)
