"""Who answers when a case cannot wait: an on-call rota per centre, and a national one for cases
whose district nobody knows yet. Times are Bangladesh time, as staff read a rota."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, Integer, String, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from referral import tickets
from referral.casework import StaffUser
from referral.errors import Invalid, NotFound
from referral.home import HOME_TZ
from referral.models import Base, utcnow

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NATIONAL = None  # a shift without a centre covers cases with no district


class OnCallShift(Base):
    """One person on call on some weekdays between two times (an end before the start wraps
    past midnight: 22:00-08:00 is a night shift; equal times are the whole day)."""

    __tablename__ = "on_call_shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centres.id"))
    days: Mapped[str] = mapped_column(String(7))  # "0123456": Monday is 0
    start: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    end: Mapped[str] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def covers(self, moment: datetime) -> bool:
        local = moment.astimezone(HOME_TZ)
        start, end, now = _time(self.start), _time(self.end), local.time()
        if start == end:
            return str(local.weekday()) in self.days
        if start < end:
            return str(local.weekday()) in self.days and start <= now < end
        # A night shift belongs to the day it starts on.
        if now >= start:
            return str(local.weekday()) in self.days
        return now < end and str((local.weekday() - 1) % 7) in self.days


def _time(value: str) -> time:
    return time.fromisoformat(value)


def parse_days(spec: str) -> str:
    """"mon-fri", "sat,sun", "all" or "*" to weekday digits."""
    spec = spec.strip().lower()
    if spec in ("all", "*", "every day", "daily"):
        return "0123456"
    days: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise Invalid(f"days must be like mon-fri or sat,sun, not {spec!r}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return "".join(str(d) for d in sorted(days))


def parse_time(value: str) -> str:
    try:
        return _time(value.strip()).strftime("%H:%M")
    except ValueError as exc:
        raise Invalid(f"a time is HH:MM, not {value!r}") from exc


async def add(session: AsyncSession, *, user_id: int, centre_id: str | None, days: str,
              start: str, end: str) -> OnCallShift:
    """A shift for an active organizer or manager (admins see no phone numbers, so they
    cannot call anybody back)."""
    user = await session.get(StaffUser, user_id)
    if user is None or not user.active:
        raise NotFound(f"no active staff user {user_id}")
    if user.role not in ("organizer", "manager"):
        raise Invalid("on call are organizers and managers: they can see phone numbers")
    if centre_id is not None and centre_id != user.centre_id:
        raise Invalid("a centre's shift is for one of its own staff")
    shift = OnCallShift(user_id=user_id, centre_id=centre_id, days=parse_days(days),
                        start=parse_time(start), end=parse_time(end))
    session.add(shift)
    await session.flush()
    return shift


async def on_call(session: AsyncSession, centre_id: str | None, now: datetime | None = None,
                  ) -> list[StaffUser]:
    """Active staff on call now for the centre (or nationally, when `centre_id` is None)."""
    now = now or utcnow()
    where = OnCallShift.centre_id.is_(None) if centre_id is None \
        else OnCallShift.centre_id == centre_id
    rows = (await session.execute(
        select(OnCallShift, StaffUser).join(StaffUser, StaffUser.id == OnCallShift.user_id)
        .where(where, StaffUser.active.is_(True)).order_by(OnCallShift.id))).all()
    people: list[StaffUser] = []
    for shift, user in rows:
        if shift.covers(now) and user not in people:
            people.append(user)
    return people


async def shifts(session: AsyncSession, centre_id: str | None = None) -> list[OnCallShift]:
    query = select(OnCallShift).order_by(OnCallShift.centre_id, OnCallShift.start)
    if centre_id is not None:
        query = query.where(or_(OnCallShift.centre_id == centre_id,
                                OnCallShift.centre_id.is_(None)))
    return list((await session.scalars(query)).all())


async def responder(session: AsyncSession, centre_id: str | None, *, urgent: bool,
                    now: datetime | None = None) -> StaffUser | None:
    """Who takes a case: an urgent one goes to the centre's person on call, else to its
    least-loaded organizer; with no centre (or nobody there), to the national rota."""
    if centre_id is not None:
        if urgent:
            people = await on_call(session, centre_id, now)
            if people:
                return people[0]
        organizer = await tickets.route(session, centre_id)
        if organizer is not None:
            return organizer
    people = await on_call(session, NATIONAL, now)
    return people[0] if people else None


async def anyone(session: AsyncSession) -> bool:
    """Is there anybody an urgent case would reach: an active organizer or manager (the on-call
    queue is theirs), so that promising "a person will contact you" is true."""
    return bool(await session.scalar(ANYONE))


# Built once: every turn asks (docs/performance.md), as part of referral.lookup's statement.
ANYONE = select(StaffUser.id).where(StaffUser.active.is_(True),
                                    StaffUser.role.in_(("organizer", "manager"))).limit(1)


async def remove(session: AsyncSession, shift_id: int) -> None:
    shift = await session.get(OnCallShift, shift_id)
    if shift is None:
        raise NotFound(f"no shift {shift_id}")
    await session.delete(shift)
    await session.flush()
