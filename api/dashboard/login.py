"""Logging in and out: argon2 passwords, a lockout after 5 failures, a limit per address."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import session
from api.dashboard import session as cookies
from api.dashboard.web import LANGS, language, render
from bot.i18n import N_
from referral.casework import StaffUser
from referral.contacts import e164
from referral.crypto import lookup_hash

router = APIRouter()
MAX_FAILURES = 5
LOCK_MINUTES = 15
IP_LIMIT, IP_WINDOW = 30, 900.0  # login attempts per address per 15 minutes
_hasher = PasswordHasher()
# Verified when nobody matches, so a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash("not a password of anyone")

WRONG = N_("The name or the password is wrong.")
LOCKED = N_("Too many wrong passwords: this account is locked for {count} minutes.")
SLOW_DOWN = N_("Too many attempts from this network. Wait 15 minutes and try again.")
EXPIRED = N_("The form had expired. Please try again.")


async def find_user(db: AsyncSession, who: str) -> StaffUser | None:
    """By staff number (`#12`), phone or name; None unless exactly one active user matches."""
    who = who.strip()
    query = select(StaffUser).where(StaffUser.active.is_(True),
                                    StaffUser.password_hash.is_not(None))
    if who.lstrip("#").isdigit() and len(who.lstrip("#")) <= 6:
        return await db.scalar(query.where(StaffUser.id == int(who.lstrip("#"))))
    number = e164(who) if sum(c.isdigit() for c in who) >= 8 else None
    if number is not None:
        # Phones are encrypted, so they cannot be compared in SQL; the staff list is short.
        found = [u for u in (await db.scalars(query)).all() if u.phone == number]
    else:
        found = list((await db.scalars(
            query.where(func.lower(StaffUser.name) == who.lower()).limit(2))).all())
    return found[0] if len(found) == 1 else None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _safe_next(target: str | None) -> str:
    """Only our own pages: an open redirect would help phishing."""
    if target and target.startswith(cookies.PATH) and not target.startswith("//") \
            and "\\" not in target:
        return target
    return cookies.PATH


def _login_page(request: Request, *, error: str | None = None, status: int = 200,
                next_path: str = "", who: str = "") -> Response:
    token, cookie = cookies.login_token(request)
    response = render(request, "login.html", status=status, error=error, login_csrf=token,
                      next_path=next_path, who=who, minutes=LOCK_MINUTES)
    if cookie is not None:
        cookies.set_cookie(request, response, cookies.LOGIN_COOKIE, cookie, path=cookies.PATH,
                           max_age=3600)
    lang = request.query_params.get("lang")
    if lang in LANGS:
        response.set_cookie("pt_lang", lang, max_age=365 * 86400, path=cookies.PATH,
                            samesite="lax", httponly=True)
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "") -> Response:  # noqa: A002
    return _login_page(request, next_path=_safe_next(next))


@router.post("/login")
async def login(request: Request, who: str = Form("", max_length=120),
                password: str = Form("", max_length=200), csrf: str = Form(""),
                next: str = Form(""), db: AsyncSession = Depends(session)) -> Response:  # noqa: A002
    """Check the password; 5 failures in a row lock the account for 15 minutes."""
    if not cookies.login_token_valid(request, csrf):
        return _login_page(request, error=EXPIRED, status=403, next_path=next, who=who)
    address = request.client.host if request.client else "unknown"
    limiter = request.app.state.services.limiter
    if await limiter.hit(f"dashboard-login:{address}", IP_WINDOW) > IP_LIMIT:
        return _login_page(request, error=SLOW_DOWN, status=429, next_path=next, who=who)
    # Failures count per name and address: five lock that name from that address for 15
    # minutes, whether or not the name exists (no telling which staff names are real), and
    # nobody elsewhere can lock a staff member out of their own account.
    failures = f"dashboard-fail:{lookup_hash(' '.join(who.lower().split()))}:{address}"
    if await limiter.peek(failures) >= MAX_FAILURES:
        return _login_page(request, error=LOCKED, status=429, next_path=next, who=who)
    user = await find_user(db, who)
    ok = await asyncio.to_thread(_verify, (user.password_hash if user else None) or _DUMMY,
                                 password)
    if user is None or not ok:
        if await limiter.hit(failures, LOCK_MINUTES * 60.0) >= MAX_FAILURES:
            return _login_page(request, error=LOCKED, status=429, next_path=next, who=who)
        return _login_page(request, error=WRONG, status=401, next_path=next, who=who)
    await limiter.forget(failures)
    assert user.password_hash is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    await db.commit()
    response = RedirectResponse(_safe_next(next), status_code=303)
    cookies.start(request, response, user)
    return response


@router.post("/logout")
async def logout(request: Request, user: StaffUser = cookies.FormUser,
                 db: AsyncSession = Depends(session)) -> Response:
    # Every session of this person ends, a copied cookie included (a shared phone, a
    # stolen cookie): deleting our cookie in this browser alone would not do that.
    user.session_version = (user.session_version or 0) + 1
    await db.commit()
    response = RedirectResponse(f"{cookies.PATH}/login", status_code=303)
    cookies.end(response)
    return response


@router.post("/language")
async def set_language(request: Request, user: StaffUser = cookies.FormUser,
                       lang: str = Form(...), back: str = Form(""),
                       db: AsyncSession = Depends(session)) -> Response:
    """Switch between Bangla and English; kept on the account, so alerts follow it too."""
    if lang in LANGS:
        staff = await db.get(StaffUser, user.id)
        if staff is not None:
            staff.language = lang
            await db.commit()
    return RedirectResponse(_safe_next(back), status_code=303)


__all__ = ["router", "language"]
