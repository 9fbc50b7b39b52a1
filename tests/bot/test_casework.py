"""Effects on the case database: registration, urgent help, escalation, alerts in the outbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any, get_args

import pytest
from sqlalchemy import select

from api.settings import ROOT
from bot import casework, jobs
from bot.effects import (
    AskForPerson,
    CampaignReply,
    CaseDistrict,
    Effect,
    Erase,
    LanguageChanged,
    OptOut,
    Register,
)
from bot.facts import Facts
from bot.messages import InboundMessage
from bot.render import Resources
from referral import staff
from referral.casework import ConsentRecord, Screening, Ticket, TicketEvent
from referral.models import Contact, OutboxMessage, utcnow

SENDER = "+8801712345678"


@pytest.fixture(scope="module")
def res() -> Resources:
    return Resources.load(ROOT / "content", ROOT / "nlu" / "data")


def registration(**changes: Any) -> Register:
    effect = Register(
        answers={"district": "Habiganj", "gender": "female", "needs": ["business"],
                 "phone": SENDER, "age": 30},
        consent_version="consent-1", questionnaire_version="q-1", rules_version="default-1",
        score=60, decision="eligible", reasons=({"id": "no_income", "en": "x", "bn": "y"},),
        refer=True, priority="high", centre="sylhet", reference="PR-AAAAAA", language="bn",
        update=False)
    return replace(effect, **changes)


async def run(session, res, effect, contact_id):  # type: ignore[no-untyped-def]
    msg = InboundMessage(channel="sms", user_id=SENDER, text="১", provider_id="SM1")
    await casework.apply(session, [effect], message=msg, contact_id=contact_id,
                         user_hash="u" * 64, res=res,
                         facts=Facts(today=date(2026, 11, 28), sender_phone=SENDER,
                                     new_reference="PR-BBBBBB"))


async def test_registration_makes_consent_screening_ticket_and_alert(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        organizer, _ = await staff.create_user(s, name="O", role="organizer", centre="sylhet",
                                               telegram_chat_id="5001")
        contact = Contact(phone=SENDER, phone_hash="h" * 64)
        s.add(contact)
        await s.flush()
        await run(s, res, registration(), contact.id)
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert (ticket.reference, ticket.assignee_id, ticket.status) == \
            ("PR-AAAAAA", organizer.id, "assigned")
        assert ticket.phone == SENDER and ticket.decision == "eligible"
        assert ticket.reasons == [{"id": "no_income", "en": "x", "bn": "y"}]
        assert (await s.scalars(select(ConsentRecord.version))).all() == ["consent-1"]
        assert (await s.scalars(select(Screening.answers))).one()["age"] == 30
        alert = (await s.scalars(select(OutboxMessage))).one()
        assert (alert.channel, alert.address, alert.kind) == ("telegram", "5001", "alert")
        assert "PR-AAAAAA" in alert.text and alert.buttons[0]["payload"] == \
            f"ticket:accept:{ticket.id}"
        # a second registration updates the open ticket: still one ticket
        await run(s, res, registration(update=True, priority="urgent"), contact.id)
        await s.commit()
        assert len((await s.scalars(select(Ticket))).all()) == 1
        assert (await s.scalars(select(Ticket.priority))).one() == "urgent"


async def test_not_referred_stores_the_screening_only(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        contact = Contact(phone=SENDER, phone_hash="h" * 64)
        s.add(contact)
        await s.flush()
        await run(s, res, registration(refer=False, decision="not_eligible"), contact.id)
        await s.commit()
        assert (await s.scalars(select(Ticket))).all() == []
        assert len((await s.scalars(select(Screening))).all()) == 1


async def test_urgent_without_district_goes_to_admins(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="Admin", role="admin", phone="01812345678")
        contact = Contact(phone=SENDER, phone_hash="h" * 64)
        s.add(contact)
        await s.flush()
        await run(s, res, AskForPerson(urgent=True, category="self_harm", district=None,
                                       language="bn"), contact.id)
        await s.commit()
        ticket = (await s.scalars(select(Ticket))).one()
        assert (ticket.kind, ticket.priority, ticket.centre_id) == ("urgent", "urgent", None)
        alert = (await s.scalars(select(OutboxMessage))).one()
        assert alert.channel == "sms" and alert.address == "+8801812345678"


# One of each effect class: a new class fails the test below until it is here and handled.
EVERY_EFFECT: list[Effect] = [
    registration(), AskForPerson(urgent=False, category="asked_for_a_person",
                                 district="Habiganj", language="bn"),
    CaseDistrict("Feni"), CampaignReply(1, step=0, answer="2"), LanguageChanged("en"), OptOut(),
    Erase()]


async def test_apply_handles_every_effect(sessions, res) -> None:  # type: ignore[no-untyped-def]
    """casework.apply's `case _: assert_never(effect)` raises for a class it does not match
    (and mypy fails on it first, in `make lint`)."""
    assert {type(e) for e in EVERY_EFFECT} == set(get_args(Effect))
    async with sessions() as s:
        contact = Contact(phone=SENDER, phone_hash="h" * 64)
        s.add(contact)
        await s.flush()
        for effect in EVERY_EFFECT:
            await run(s, res, effect, contact.id)
        await s.commit()
        events = (await s.scalars(select(TicketEvent.kind).order_by(TicketEvent.id))).all()
        assert events == ["created", "handoff", "routed", "erased"]
        assert await s.get(Contact, contact.id) is None


async def test_escalation_alerts_managers_once(sessions, res) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="O", role="organizer", centre="sylhet",
                                telegram_chat_id="5001")
        await staff.create_user(s, name="M", role="manager", centre="sylhet",
                                telegram_chat_id="6001")
        contact = Contact(phone=SENDER, phone_hash="h" * 64)
        s.add(contact)
        await s.flush()
        await run(s, res, registration(), contact.id)
        ticket = (await s.scalars(select(Ticket))).one()
        ticket.assigned_at = utcnow() - timedelta(hours=25)
        await s.commit()
    assert await jobs.escalate(sessions, res) == 1
    assert await jobs.escalate(sessions, res) == 0  # once
    async with sessions() as s:
        to_manager = [m for m in (await s.scalars(select(OutboxMessage))).all()
                      if m.address == "6001"]  # encrypted: compared after decryption
        assert len(to_manager) == 1 and "PR-AAAAAA" in to_manager[0].text
