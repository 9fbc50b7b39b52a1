"""Writing a campaign, with the rules every way in (REST, dashboard, CLI) shares: who may
address whom, and what a valid campaign is."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from referral.campaigns.models import KINDS, Campaign
from referral.campaigns.segments import LANGUAGES, PUSH_CHANNELS, Segment
from referral.casework import District, StaffUser
from referral.errors import Forbidden, Invalid, NotFound
from referral.home import HOME_TZ

# NUL and other control characters: PostgreSQL refuses NUL, and no phone shows the others.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTENT_SID = re.compile(r"^HX[0-9a-f]{32}$")
MAX_STEPS = 10
MAX_TEXT = 1000  # characters of one language version (Twilio takes 1,600 with the footer)


async def centre_districts(session: AsyncSession, centre_id: str | None) -> set[str]:
    rows = await session.scalars(select(District.name).where(District.centre_id == centre_id))
    return set(rows)


async def check_may_address(session: AsyncSession, user: StaffUser | None,
                            segment: Segment) -> None:
    """Admins (and the CLI, user None) may address anyone; a manager only people in their own
    centre's districts, named in the segment; organizers run no campaigns."""
    if user is None or user.role == "admin":
        return
    if user.role != "manager":
        raise Forbidden("only admins and managers run campaigns")
    own = await centre_districts(session, user.centre_id)
    if not segment.districts:
        raise Forbidden("a manager's campaign names the districts of their own centre")
    if outside := sorted(set(segment.districts) - own):
        raise Forbidden(f"not districts of your centre: {', '.join(outside)}")


async def segment_from(session: AsyncSession, data: dict[str, Any]) -> Segment:
    """A valid segment from JSON, districts spelt as the reference data spells them."""
    if not isinstance(data, dict):
        raise Invalid("segment must be an object")
    for key in ("languages", "districts", "channels", "topics", "countries"):
        value = data.get(key)
        if value is not None and not (isinstance(value, list) and all(
                isinstance(v, str) and len(v) <= 60 and not _CONTROL.search(v) for v in value)):
            raise Invalid(f"segment.{key} must be a list of short texts")
    if data.get("registered") not in (None, True, False):
        raise Invalid("segment.registered must be true or false")
    if bad := sorted(set(data.get("languages") or ()) - set(LANGUAGES)):
        raise Invalid(f"unknown languages: {', '.join(bad)} (bn, en, banglish)")
    if bad := sorted(set(data.get("channels") or ()) - set(PUSH_CHANNELS)):
        raise Invalid(f"unknown channels: {', '.join(bad)} ({', '.join(PUSH_CHANNELS)})")
    known = {name.lower(): name for name in await session.scalars(select(District.name))}
    districts = []
    for name in data.get("districts") or ():
        if name.strip().lower() not in known:
            raise Invalid(f"unknown district: {name}")
        districts.append(known[name.strip().lower()])
    try:
        return Segment.from_dict({**data, "districts": districts})
    except (TypeError, ValueError) as exc:
        raise Invalid(f"segment: {exc}") from exc


def messages_from(data: Any) -> dict[str, str]:
    if not isinstance(data, dict):
        raise Invalid("messages must be an object with bn and en texts")
    out: dict[str, str] = {}
    for lang in ("bn", "en", "banglish"):
        text = data.get(lang)
        if text is None and lang == "banglish":
            continue
        if not isinstance(text, str) or not text.strip():
            raise Invalid(f"messages.{lang} must be a text")
        if len(text) > MAX_TEXT:
            raise Invalid(f"messages.{lang} is longer than {MAX_TEXT} characters")
        if _CONTROL.search(text):
            raise Invalid(f"messages.{lang} has a control character (only line breaks may be)")
        out[lang] = text.strip()
    if extra := sorted(set(data) - {"bn", "en", "banglish"}):
        raise Invalid(f"unknown message languages: {', '.join(extra)}")
    return out


def send_time(value: Any) -> datetime | None:
    """ISO-8601; a time without a zone is Bangladesh time, as staff mean it."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise Invalid("send_at must be an ISO-8601 time, e.g. 2027-01-15T10:00+06:00") from exc
    # Stored in UTC: SQLite keeps a time's digits and drops its zone, so 10:00+06:00 kept as
    # it is would be read back as 10:00 UTC, six hours late.
    return (moment if moment.tzinfo else moment.replace(tzinfo=HOME_TZ)).astimezone(UTC)


def steps_from(kind: Any, steps: Any) -> list[dict[str, Any]]:
    """A drip's later messages or a quiz's questions, checked."""
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}")
    steps = steps or []
    if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
        raise Invalid("steps must be a list of objects")
    if kind == "broadcast":
        if steps:
            raise Invalid("a broadcast has no steps (a drip or a quiz has)")
        return []
    if not 1 <= len(steps) <= MAX_STEPS:
        raise Invalid(f"a {kind} has 1 to {MAX_STEPS} steps")
    if kind == "drip":
        days = [s.get("day") for s in steps]
        if not all(isinstance(d, int) and 1 <= d <= 365 for d in days) or days != sorted(set(days)):
            raise Invalid("each step's day is a whole number of days from 1 to 365, increasing")
        return [{"day": s["day"], "messages": messages_from(s.get("messages"))} for s in steps]
    out = []
    for n, step in enumerate(steps, 1):
        options, answer = step.get("options"), str(step.get("answer", "")).strip()
        if not isinstance(options, int) or not 2 <= options <= 9:
            raise Invalid(f"question {n}: options must be a number from 2 to 9")
        if not answer.isdigit() or not 1 <= int(answer) <= options:
            raise Invalid(f"question {n}: answer must be one of the options, 1 to {options}")
        texts = messages_from({k: step.get(k) for k in ("bn", "en", "banglish")
                               if step.get(k) is not None})
        out.append({**texts, "options": options, "answer": answer})
    return out


async def create(session: AsyncSession, user: StaffUser | None, *, name: str,
                 segment: dict[str, Any], messages: Any, send_at: Any = None,
                 quiet_hours: bool = True, kind: str = "broadcast", steps: Any = None,
                 topic: str | None = None, topics: Collection[str] | None = None,
                 whatsapp_template: str | None = None) -> Campaign:
    """A draft campaign (the caller commits); nothing is sent. `topics`: the topic ids a
    "reply 1 for more" may point at (the content library's)."""
    if not isinstance(name, str) or not name.strip() or len(name) > 120 or _CONTROL.search(name):
        raise Invalid("name must be a text of 1 to 120 characters, without control characters")
    chosen = await segment_from(session, segment or {})
    await check_may_address(session, user, chosen)
    checked = steps_from(kind, steps)
    if topic is not None and (kind == "quiz" or (topics is not None and topic not in topics)):
        raise Invalid(f"unknown topic: {topic}" if kind != "quiz"
                      else "a quiz's replies are its answers: it has no topic")
    if whatsapp_template is not None and not _CONTENT_SID.match(whatsapp_template):
        raise Invalid("whatsapp_template must be an approved template's Twilio Content SID "
                      "(HX and 32 hexadecimal digits)")
    campaign = Campaign(name=name.strip(), whatsapp_template=whatsapp_template, segment=chosen.to_dict(),
                        messages=messages_from(messages), send_at=send_time(send_at),
                        quiet_hours=bool(quiet_hours), state="draft", kind=kind,
                        steps=checked, topic=topic, created_by=user.id if user else None)
    session.add(campaign)
    await session.flush()
    return campaign


async def get(session: AsyncSession, user: StaffUser | None, campaign_id: int) -> Campaign:
    """A campaign the user may see: admins all, managers those within their centre."""
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("no such campaign")
    if user is not None and user.role != "admin":
        try:
            await check_may_address(session, user, Segment.from_dict(campaign.segment))
        except Forbidden as exc:
            raise NotFound("no such campaign") from exc
    return campaign
