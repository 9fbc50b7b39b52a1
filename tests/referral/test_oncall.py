"""Every urgent or CALL case reaches a person: the on-call rota per centre and nationally, the
on-call queue managers and admins see, the SLA job's escalation, and routing once the person
names a district."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from api.settings import ROOT
from bot import casework, jobs
from bot.effects import AskForPerson, CaseDistrict
from bot.facts import Facts
from bot.messages import InboundMessage
from bot.render import Resources
from referral import oncall, staff, tickets
from referral.casework import Ticket
from referral.errors import Invalid
from referral.home import HOME_TZ
from referral.models import Contact, OutboxMessage, utcnow

SENDER = "+8801712000333"


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


def at(day: int, hour: int) -> datetime:
    """A moment in Dhaka time, `day` days after Monday 2026-11-30."""
    monday = datetime(2026, 11, 30, tzinfo=HOME_TZ)
    return (monday + timedelta(days=day, hours=hour)).astimezone(UTC)


def test_shifts_cover_days_nights_and_whole_days() -> None:
    day = oncall.OnCallShift(days=oncall.parse_days("mon-fri"), start="09:00", end="17:00")
    assert day.covers(at(0, 10)) and not day.covers(at(0, 17)) and not day.covers(at(5, 10))
    night = oncall.OnCallShift(days=oncall.parse_days("fri"), start="22:00", end="08:00")
    assert night.covers(at(4, 23)) and night.covers(at(5, 7))  # Friday night into Saturday
    assert not night.covers(at(4, 7))  # Friday morning belongs to Thursday's night
    whole = oncall.OnCallShift(days=oncall.parse_days("all"), start="00:00", end="00:00")
    assert whole.covers(at(6, 3))
    assert oncall.parse_days("sat,sun") == "56" and oncall.parse_days("fri-mon") == "0456"
    with pytest.raises(Invalid):
        oncall.parse_days("weekdays")


async def _urgent(s, res, contact_id, district=None, responders=True):  # type: ignore[no-untyped-def]
    msg = InboundMessage(channel="sms", user_id=SENDER, text="help", provider_id="SM9")
    effect = AskForPerson(urgent=True, category="violence", district=district, language="bn")
    await casework.apply(s, [effect], message=msg, contact_id=contact_id, user_hash="u" * 64,
                         res=res, facts=Facts(today=date(2026, 12, 3), sender_phone=SENDER,
                                              new_reference=tickets.new_reference()))


async def _contact(s) -> int:  # type: ignore[no-untyped-def]
    contact = Contact(phone=SENDER, phone_hash="h" * 64)
    s.add(contact)
    await s.flush()
    return contact.id


async def test_no_district_goes_to_the_national_rota_and_the_queue(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        duty, _ = await staff.create_user(s, name="Duty (invented)", role="organizer",
                                          centre="dhaka", telegram_chat_id="9001")
        other, _ = await staff.create_user(s, name="Other (invented)", role="organizer",
                                           centre="khulna")
        manager, _ = await staff.create_user(s, name="Mgr (invented)", role="manager",
                                             centre="sylhet")
        admin, _ = await staff.create_user(s, name="Admin (invented)", role="admin",
                                           telegram_chat_id="9003")
        await oncall.add(s, user_id=duty.id, centre_id=None, days="all", start="00:00",
                         end="00:00")
        await _urgent(s, res, await _contact(s))
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert ticket.priority == "urgent" and ticket.centre_id is None
        assert ticket.assignee_id == duty.id and ticket.status == "assigned"
        to = {r.address for r in (await s.scalars(select(OutboxMessage))).all()}
        assert {"9001", "9003"} <= to  # the person on call, and the admins
        # The on-call person, every manager and the admins see it; another organizer does not.
        assert tickets.can_see(duty, ticket) and tickets.can_see(manager, ticket)
        assert tickets.can_see(admin, ticket) and not tickets.can_see(other, ticket)
        seen = {u.name: (await s.scalars(tickets.scoped(select(Ticket), u))).all()
                for u in (duty, other, manager)}
        assert [t.id for t in seen[duty.name]] == [ticket.id]
        assert seen[other.name] == [] and [t.id for t in seen[manager.name]] == [ticket.id]


async def test_nobody_on_call_is_escalated_to_managers_and_admins(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="Mgr (invented)", role="manager", centre="cumilla",
                                telegram_chat_id="9101")
        await _urgent(s, res, await _contact(s))
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert ticket.assignee_id is None and ticket.status == "new"
    assert await jobs.escalate(sessions, res, now=utcnow() + timedelta(minutes=5)) == 0
    assert await jobs.escalate(sessions, res, now=utcnow() + timedelta(minutes=20)) == 1
    async with sessions() as s:
        # Addresses are encrypted at rest: compare after reading, not in SQL.
        alerts = [o for o in (await s.scalars(select(OutboxMessage))).all() if o.address == "9101"]
        ticket = (await s.scalars(select(Ticket))).one()
        assert len(alerts) == 1 and ticket.reference in alerts[0].text
        assert ticket.escalated_at is not None
    assert await jobs.escalate(sessions, res, now=utcnow() + timedelta(hours=2)) == 0  # once


async def test_a_centres_rota_takes_its_urgent_cases_first(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="Day (invented)", role="organizer", centre="sylhet")
        night, _ = await staff.create_user(s, name="Night (invented)", role="organizer",
                                           centre="sylhet")
        await oncall.add(s, user_id=night.id, centre_id="sylhet", days="all", start="00:00",
                         end="00:00")
        await _urgent(s, res, await _contact(s), district="Habiganj")
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert ticket.centre_id == "sylhet" and ticket.assignee_id == night.id


async def test_naming_a_district_moves_the_case_to_its_centre(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        organizer, _ = await staff.create_user(s, name="Cumilla (invented)", role="organizer",
                                               centre="cumilla", telegram_chat_id="9201")
        contact_id = await _contact(s)
        await _urgent(s, res, contact_id)
        msg = InboundMessage(channel="sms", user_id=SENDER, text="Feni", provider_id="SM10")
        await casework.apply(s, [CaseDistrict("Feni")], message=msg,
                             contact_id=contact_id, user_hash="u" * 64, res=res,
                             facts=Facts(today=date(2026, 12, 3), sender_phone=SENDER))
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert (ticket.district, ticket.centre_id, ticket.assignee_id) == \
            ("Feni", "cumilla", organizer.id)


async def test_only_organizers_and_managers_go_on_call(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        admin, _ = await staff.create_user(s, name="Admin (invented)", role="admin")
        assert not await oncall.anyone(s)  # an admin sees no phone numbers: calls nobody back
        organizer, _ = await staff.create_user(s, name="O (invented)", role="organizer",
                                               centre="tangail")
        assert await oncall.anyone(s)
        with pytest.raises(Invalid):
            await oncall.add(s, user_id=admin.id, centre_id=None, days="all", start="00:00",
                             end="00:00")
        with pytest.raises(Invalid):  # a centre's rota is for its own staff
            await oncall.add(s, user_id=organizer.id, centre_id="sylhet", days="all",
                             start="09:00", end="17:00")


def test_the_oncall_commands(tmp_path, monkeypatch, data_key) -> None:  # type: ignore[no-untyped-def]
    """`prottasha oncall add / list / remove` as an admin would use them, on a real SQLite."""
    import re

    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATA_KEY", data_key)
    monkeypatch.setenv("APP_ENV", "test")
    monkeypatch.setenv("COLUMNS", "200")  # a table wider than 80 columns is not cut mid-name
    get_settings.cache_clear()
    run = CliRunner().invoke
    try:
        made = run(app, ["users", "create", "--name", "Duty (invented)", "--role", "organizer",
                         "--centre", "sylhet"])
        assert made.exit_code == 0, made.output
        user = re.search(r"#(\d+)", made.output)
        assert user
        both = run(app, ["oncall", "add", "--user", user.group(1)])
        assert both.exit_code == 2 and "--national" in both.output  # one or the other
        wrong = run(app, ["oncall", "add", "--user", user.group(1), "--centre", "khulna"])
        assert wrong.exit_code == 2  # an organizer goes on call for their own centre only
        night = run(app, ["oncall", "add", "--user", user.group(1), "--national", "--days",
                          "fri,sat", "--from", "22:00", "--to", "08:00"])
        assert night.exit_code == 0, night.output
        listed = run(app, ["oncall", "list"])
        assert listed.exit_code == 0 and "Duty (invented)" in listed.output
        assert "22:00" in listed.output
        shift = re.search(r"^\s*[│|]?\s*(\d+)", listed.output, re.M)
        assert shift
        assert run(app, ["oncall", "remove", shift.group(1)]).exit_code == 0
        assert "Duty (invented)" not in run(app, ["oncall", "list"]).output
    finally:
        get_settings.cache_clear()
