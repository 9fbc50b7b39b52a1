"""The queue's filters, shared by the dashboard lists and the exports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, get_args
from urllib.parse import urlencode

from sqlalchemy import String, cast
from starlette.datastructures import QueryParams

from api.dashboard.web import DHAKA
from api.tickets import filtered
from referral.casework import PRIORITIES, QUEUE_ORDER, TICKET_STATUSES, StaffUser, Ticket

Need = Literal["business", "skills", "job", "counselling", "medical", "legal", "loan"]
NEEDS: tuple[str, ...] = get_args(Need)  # the questionnaire's options (content/screening.yml)
TABS = ("mine", "centre", "all", "oncall")  # oncall: urgent cases with no centre yet


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; unknown values are dropped rather than trusted."""

    status: str = ""
    priority: str = ""
    district: str = ""
    centre: str = ""
    need: str = ""
    since: date | None = None
    until: date | None = None
    tab: str = ""  # "mine" narrows to the user's own tickets
    phone: str = ""

    @classmethod
    def parse(cls, params: QueryParams | dict[str, str], user: StaffUser) -> Filters:
        get = params.get
        tab = get("tab") or ""
        if tab not in tabs_for(user):
            tab = default_tab(user)
        return cls(status=_pick(get("status"), TICKET_STATUSES),
                   priority=_pick(get("priority"), PRIORITIES),
                   district=(get("district") or "").strip()[:40],
                   centre=(get("centre") or "").strip()[:40] if user.role == "admin" else "",
                   need=_pick(get("need"), NEEDS), since=_day(get("since")),
                   until=_day(get("until")), tab=tab)

    def query(self, user: StaffUser) -> Any:
        """The tickets `user` may see (api.tickets.filtered), narrowed further."""
        centre = user.centre_id if self.tab == "centre" else self.centre
        query = filtered(user, status=self.status or None, district=self.district or None,
                         centre=centre or None, phone=self.phone or None,
                         assignee=user.id if self.tab == "mine" else None)
        if self.tab == "oncall":
            query = query.where(Ticket.centre_id.is_(None))
        if self.priority:
            query = query.where(Ticket.priority == self.priority)
        if self.need:
            # `needs` is a JSON list of known ids; its text holds `"job"` exactly when it has job.
            query = query.where(cast(Ticket.needs, String).like(f'%"{self.need}"%'))
        # Days outside the service's lifetime bound nothing (and 9999-12-31 + 1 day or
        # 0001-01-01 in UTC do not exist): they are dropped rather than computed.
        if self.since and EARLIEST < self.since <= LATEST:
            query = query.where(Ticket.created_at >= _start(self.since))
        if self.until and EARLIEST <= self.until < LATEST:
            query = query.where(Ticket.created_at < _start(self.until + timedelta(days=1)))
        return query

    def as_params(self, **changes: Any) -> str:
        """The filters as a query string, for links that keep them."""
        values = {**asdict(self), **changes}
        return urlencode({k: str(v) for k, v in values.items() if v})


EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def _pick(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else ""


def _start(day: date) -> datetime:
    """Midnight in Dhaka, as the UTC instant the database compares with."""
    return datetime.combine(day, time(), DHAKA).astimezone(UTC)


def tabs_for(user: StaffUser) -> tuple[str, ...]:
    """Organizers: theirs and their centre's; managers also the on-call queue; admins all."""
    return {"admin": ("mine", "all", "oncall"), "manager": ("mine", "centre", "oncall")}.get(
        user.role, ("mine", "centre"))


def default_tab(user: StaffUser) -> str:
    return {"organizer": "mine", "manager": "centre"}.get(user.role, "all")


def queue_order(query: Any) -> Any:
    """Urgent first, then the oldest open work: what a field worker should do next."""
    return query.order_by(*QUEUE_ORDER)
