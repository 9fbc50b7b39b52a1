"""Quiet hours: no campaign message reaches anyone at night where they are.

Where they are is the phone's country when it is not Bangladesh (a migrant abroad keeps a
local SIM); otherwise Bangladesh. A destination named in conversation is not used: a person
asking about Saudi Arabia is usually still at home.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as phone_timezones

from referral.home import HOME_REGION, HOME_TZ_NAME

START, END = time(21, 0), time(8, 0)  # no campaign message from 21:00 to 08:00 local time


def zone_for(phone: str | None, region: str) -> str:
    """The recipient's time zone: the phone's own when it is from abroad."""
    if region == HOME_REGION or not phone:
        return HOME_TZ_NAME
    try:
        zones = phone_timezones.time_zones_for_number(phonenumbers.parse(phone))
    except phonenumbers.NumberParseException:
        return HOME_TZ_NAME
    known = [z for z in zones if z != "Etc/Unknown"]
    return known[0] if known else HOME_TZ_NAME


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def next_allowed(now: datetime, tz: str) -> datetime | None:
    """None when `now` is daytime in `tz`; else the next 08:00 there, in UTC (SQLite keeps
    no zone: every stored time is UTC)."""
    local = now.astimezone(_zone(tz))
    if END <= local.time() < START:
        return None
    morning = local.replace(hour=END.hour, minute=END.minute, second=0, microsecond=0)
    if local.time() >= START:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)
