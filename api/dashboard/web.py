"""Rendering for the dashboard: Jinja2 with autoescape, the gettext `_` helper, Dhaka times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot import labels
from bot.i18n import Catalogs, localise_digits

HERE = Path(__file__).resolve().parent
DHAKA = timezone(timedelta(hours=6), "BST")  # Bangladesh keeps no daylight saving time
LANGS = ("bn", "en")
# Nothing inline and nothing from elsewhere: a stored name with markup cannot run as script.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages carry personal data: not for shared-phone caches
}

env = Environment(loader=FileSystemLoader(HERE / "templates"),
                  autoescape=select_autoescape(["html", "svg"], default=True),
                  trim_blocks=True, lstrip_blocks=True)
env.globals["labels"] = labels


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_time(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return localise_digits(aware(value).astimezone(DHAKA).strftime("%Y-%m-%d %H:%M"), lang)


def local_day(value: datetime | date | None, lang: str) -> str:
    if value is None:
        return ""
    day = aware(value).astimezone(DHAKA).date() if isinstance(value, datetime) else value
    return localise_digits(day.isoformat(), lang)


def language(request: Request, user: Any = None) -> str:
    """The staff member's language; before login, `?lang=` or the last choice, else Bangla."""
    if user is not None and getattr(user, "language", None) in LANGS:
        return str(user.language)
    asked = request.query_params.get("lang") or request.cookies.get("pt_lang")
    return asked if asked in LANGS else "bn"


def district_names(request: Request, lang: str) -> dict[str, str]:
    """District names in the page's language, from the content library's reference data."""
    if lang != "bn":
        return {}
    districts = request.app.state.services.resources.library.districts
    return {name: str(info.get("bn") or name) for name, info in districts.items()}


def render(request: Request, template: str, *, user: Any = None, status: int = 200,
           lang: str | None = None, **context: Any) -> HTMLResponse:
    """A page in the user's language, escaped, with the dashboard's security headers."""
    lang = lang or language(request, user)
    catalogs: Catalogs = request.app.state.services.resources.catalogs

    def _(msgid: str, **values: Any) -> str:
        # gettext("") is the catalog's header, never a message.
        return catalogs.gettext(lang, msgid, **values) if msgid else ""

    def label(table: dict[str, str], value: str | None) -> str:
        """A stored value's name in the page's language; unknown values as they are."""
        return _(table[value]) if value in table else (value or "")

    html = env.get_template(template).render(
        request=request, user=user, lang=lang, _=_, label=label, csrf=getattr(request.state, "csrf", ""),
        time=lambda v: local_time(v, lang), day=lambda v: local_day(v, lang),
        num=lambda v: localise_digits(str(v), lang), district_names=district_names(request, lang),
        **context)
    response = HTMLResponse(html, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response
