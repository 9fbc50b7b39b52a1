"""The dashboard's login session: a signed, HttpOnly cookie, and the CSRF token inside it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from referral.casework import StaffUser

COOKIE = "pt_session"
LOGIN_COOKIE = "pt_login"  # the CSRF token of the login form, before there is a session
MAX_AGE = 12 * 3600  # one working day on a shared phone, then log in again
PATH = "/dashboard"


class LoginRequired(Exception):
    """No valid session: the handler sends the browser to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """A form came without this session's token: another site may be posting on our behalf.
    `user` is the logged-in staff member, so that the refusal is in their language."""

    def __init__(self, user: StaffUser | None = None) -> None:
        super().__init__()
        self.user = user


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    secret = request.app.state.services.settings.secret_key.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=salt)


def _secure(request: Request) -> bool:
    return str(request.app.state.services.settings.public_base_url).startswith("https://")


def password_mark(user: StaffUser) -> str:
    """Changes when the password does, so a new password ends every old session."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def set_cookie(request: Request, response: Response, name: str, value: str, *, path: str,
               max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=_secure(request))


def start(request: Request, response: Response, user: StaffUser) -> None:
    """Log `user` in: a fresh session with a fresh CSRF token (no session fixation)."""
    data = {"u": user.id, "c": secrets.token_urlsafe(24), "p": password_mark(user),
            "v": user.session_version or 0}
    value = _serializer(request, "session").dumps(data)
    set_cookie(request, response, COOKIE, value, path=PATH, max_age=MAX_AGE)
    response.delete_cookie(LOGIN_COOKIE, path=PATH)


def end(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def _read(request: Request) -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request, "session").loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None


async def current_user(request: Request, db: AsyncSession = Depends(session)) -> StaffUser:
    """The logged-in staff member; their CSRF token goes to `request.state` for the forms."""
    data = _read(request)
    user = await db.get(StaffUser, data.get("u")) if data else None
    if data is None or user is None or not user.active or not user.password_hash \
            or not _same(str(data.get("p")), password_mark(user)) \
            or data.get("v", 0) != (user.session_version or 0):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else PATH)
    request.state.csrf = str(data.get("c", ""))
    return user


async def form_user(request: Request, user: StaffUser = Depends(current_user)) -> StaffUser:
    """The logged-in user of a POST whose form carries the session's token in `csrf`."""
    form = await request.form()
    sent = form.get("csrf")
    expected = getattr(request.state, "csrf", "")
    if not isinstance(sent, str) or not expected or not _same(sent, expected):
        raise CsrfFailed(user)
    return user


def login_token(request: Request) -> tuple[str, str | None]:
    """The login form's token and, when it is new, the signed cookie value that keeps it."""
    raw = request.cookies.get(LOGIN_COOKIE)
    try:
        token = _serializer(request, "login").loads(raw, max_age=3600) if raw else None
    except BadSignature:
        token = None
    if isinstance(token, str):
        return token, None
    token = secrets.token_urlsafe(24)
    return token, _serializer(request, "login").dumps(token)


def login_token_valid(request: Request, sent: str | None) -> bool:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw or not sent:
        return False
    try:
        token = _serializer(request, "login").loads(raw, max_age=3600)
    except BadSignature:
        return False
    return isinstance(token, str) and _same(token, sent)


def _same(a: str, b: str) -> bool:
    """Constant-time equality of two strings; compare_digest refuses non-ASCII str (a 500 on a
    form field like "\x80", found by fuzzing), so bytes are compared."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def login_url(next_path: str) -> str:
    return f"{PATH}/login?next={quote(next_path, safe='')}"


# Module-level dependencies so routes share one instance (ruff B008).
CurrentUser = Depends(current_user)
FormUser = Depends(form_user)
