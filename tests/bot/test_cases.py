"""Ticket actions have one set of rules (bot/cases.py), whichever surface calls them: the REST
API, the dashboard and the staff desk on Telegram call these functions and nothing below them
(tests/test_architecture.py checks that). Here, the rules, for each role."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.settings import ROOT
from bot import cases
from bot.render import Resources
from referral.casework import StaffUser, Ticket
from referral.errors import Forbidden
from referral.models import OutboxMessage
from tests.api.test_dashboard_factories import make_ticket, make_user

TAKEN_UP = "has taken up your case"


@pytest.fixture
def res(nlu_model: Any) -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


async def _setup(sessions: Any) -> dict[str, int]:
    ids = {"organizer": (await make_user(sessions, "Rupa Organizer", "organizer", "cumilla")).id,
           "other": (await make_user(sessions, "Mita Organizer", "organizer", "cumilla",
                                     phone="+8801710000001")).id,  # alerted by SMS
           "manager": (await make_user(sessions, "Karim Manager", "manager", "cumilla")).id,
           "admin": (await make_user(sessions, "Asha Admin", "admin")).id}
    ids["ticket"] = await make_ticket(sessions)
    return ids


async def _to_person(session: Any) -> list[str]:
    rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "proactive")
                                 .order_by(OutboxMessage.id))
    return [r.text for r in rows]


async def test_accepting_tells_the_person_once(sessions: Any, res: Resources) -> None:
    ids = await _setup(sessions)
    async with sessions() as s:
        ticket = await s.get(Ticket, ids["ticket"])
        organizer = await s.get(StaffUser, ids["organizer"])
        assert cases.accept(s, ticket, organizer, res) is True
        assert cases.accept(s, ticket, organizer, res) is False  # taken already: no second word
        await s.commit()
        told = await _to_person(s)
    assert len(told) == 1 and TAKEN_UP in told[0]


async def test_a_status_past_new_takes_the_case_up_and_tells_the_person(
        sessions: Any, res: Resources) -> None:
    ids = await _setup(sessions)
    async with sessions() as s:
        ticket = await s.get(Ticket, ids["ticket"])
        manager = await s.get(StaffUser, ids["manager"])
        cases.change_status(s, ticket, "in_progress", manager, res)
        cases.change_status(s, ticket, "referred", manager, res)
        await s.commit()
        assert ticket.accepted_at is not None and ticket.first_contact_at is not None
        told = await _to_person(s)
    assert len(told) == 1 and TAKEN_UP in told[0]


async def test_a_reply_is_the_contact_and_closed_cases_take_none(
        sessions: Any, res: Resources) -> None:
    ids = await _setup(sessions)
    async with sessions() as s:
        ticket = await s.get(Ticket, ids["ticket"])
        organizer = await s.get(StaffUser, ids["organizer"])
        admin = await s.get(StaffUser, ids["admin"])
        assert await cases.reply(s, ticket, admin, "Hello") == "forbidden"  # no personal data
        assert await cases.reply(s, ticket, organizer, "We will call you on Sunday.") is None
        assert ticket.status == "contacted" and ticket.first_contact_at is not None
        assert await _to_person(s) == ["We will call you on Sunday."]  # no "taken up" too
        cases.change_status(s, ticket, "closed", organizer, res, reason="support_completed")
        assert await cases.reply(s, ticket, organizer, "One more thing") == "closed"
        await s.commit()


async def test_only_managers_and_admins_reassign_and_the_new_assignee_is_alerted(
        sessions: Any, res: Resources) -> None:
    ids = await _setup(sessions)
    async with sessions() as s:
        ticket = await s.get(Ticket, ids["ticket"])
        organizer = await s.get(StaffUser, ids["organizer"])
        manager = await s.get(StaffUser, ids["manager"])
        with pytest.raises(Forbidden):
            await cases.reassign(s, ticket, organizer, ids["other"], res)
        await cases.reassign(s, ticket, manager, ids["other"], res)
        await s.commit()
        assert ticket.assignee_id == ids["other"]
        alerts = (await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert"))).all()
    assert alerts and all(ticket.reference in a.text for a in alerts)
