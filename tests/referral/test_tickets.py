"""Routing, status changes, escalation, scope and erasure on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from referral import erasure, staff, tickets
from referral.casework import Centre, District, Screening, Ticket, TicketEvent
from referral.errors import Conflict, Forbidden, Invalid, NotFound
from referral.models import Contact, ContactChannel, InboxMessage, utcnow


async def make_ticket(session, centre: str = "sylhet", **fields) -> Ticket:  # type: ignore[no-untyped-def]
    defaults = dict(reference=tickets.new_reference(), kind="registration", priority="normal",
                    centre_id=centre, district="Habiganj", needs=["business"], channel="sms",
                    language="bn", reasons=[], phone="+8801712345678", address="+8801712345678")
    return await tickets.create(session, **{**defaults, **fields})


async def test_reference_data_is_complete(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Centre)) == 10
        assert await s.scalar(select(func.count()).select_from(District)) == 64
        habiganj = await s.get(District, "Habiganj")
        assert habiganj is not None and habiganj.centre_id == "sylhet"


async def test_least_loaded_organizer_then_longest_waiting(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        a, _ = await staff.create_user(s, name="A", role="organizer", centre="sylhet")
        b, _ = await staff.create_user(s, name="B", role="organizer", centre="sylhet")
        await staff.create_user(s, name="Elsewhere", role="organizer", centre="khulna")
        first = await make_ticket(s)
        second = await make_ticket(s)
        assert {first.assignee_id, second.assignee_id} == {a.id, b.id}  # one each
        first.assigned_at = utcnow() - timedelta(days=2)  # the one who waited longest
        third = await make_ticket(s)
        assert third.assignee_id == first.assignee_id
        tickets.change_status(s, third, "closed", a if third.assignee_id == a.id else b,
                              reason="duplicate")
        await s.flush()
        assert third.status == "closed" and third.closing_reason == "duplicate"
        await s.commit()


async def test_no_organizer_leaves_the_ticket_new(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        ticket = await make_ticket(s, centre="munshiganj")
        assert ticket.status == "new" and ticket.assignee_id is None


async def test_status_rules_and_audit_trail(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        organizer, _ = await staff.create_user(s, name="O", role="organizer", centre="sylhet")
        ticket = await make_ticket(s)
        assert tickets.accept(s, ticket, organizer) and not tickets.accept(s, ticket, organizer)
        tickets.change_status(s, ticket, "contacted", organizer)
        assert ticket.first_contact_at is not None
        with pytest.raises(Invalid):
            tickets.change_status(s, ticket, "closed", organizer)  # no reason
        with pytest.raises(Invalid):
            tickets.change_status(s, ticket, "lost", organizer)
        tickets.add_note(s, ticket, organizer, "Called; visits the centre on Sunday.")
        tickets.change_status(s, ticket, "closed", organizer, reason="support_completed")
        with pytest.raises(Conflict):
            tickets.change_status(s, ticket, "in_progress", organizer)
        await s.commit()
        kinds = (await s.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)
                                 .order_by(TicketEvent.id))).all()
        assert kinds == ["created", "assigned", "accepted", "status", "note", "status"]


async def test_scope_by_role_and_centre(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        sylhet, _ = await staff.create_user(s, name="S", role="organizer", centre="sylhet")
        khulna, _ = await staff.create_user(s, name="K", role="manager", centre="khulna")
        admin, _ = await staff.create_user(s, name="Admin", role="admin")
        ticket = await make_ticket(s)
        await s.commit()
        assert tickets.can_see(sylhet, ticket) and tickets.can_see(admin, ticket)
        with pytest.raises(NotFound):
            await tickets.get_visible(s, ticket.id, khulna)
        with pytest.raises(Forbidden):
            await tickets.reassign(s, ticket, sylhet, sylhet.id)
        visible = (await s.scalars(tickets.scoped(select(Ticket), khulna))).all()
        assert visible == []
        assert not tickets.sees_personal_data(admin) and tickets.sees_personal_data(sylhet)
        # The on-call queue (no centre yet) is for managers, admins and whoever holds the case.
        queued = await make_ticket(s)
        queued.centre_id, queued.assignee_id = None, None
        await s.flush()
        assert tickets.can_see(khulna, queued) and tickets.can_see(admin, queued)
        assert not tickets.can_see(sylhet, queued)
        queued.assignee_id = sylhet.id
        assert tickets.can_see(sylhet, queued)


async def test_escalation_is_due_by_priority(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="O", role="organizer", centre="sylhet")
        normal = await make_ticket(s)
        urgent = await make_ticket(s, priority="urgent")
        now = utcnow()
        normal.assigned_at = now - timedelta(hours=2)
        urgent.assigned_at = now - timedelta(hours=2)
        await s.flush()
        due = (await s.scalars(select(Ticket.id).where(tickets.due_for_escalation(now)))).all()
        assert due == [urgent.id]
        normal.assigned_at = now - timedelta(hours=25)
        await s.flush()
        due = (await s.scalars(select(Ticket.id).where(tickets.due_for_escalation(now)))).all()
        assert sorted(due) == sorted([normal.id, urgent.id])


async def test_tokens_are_stored_hashed(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        user, token = await staff.create_user(s, name="T", role="admin")
        await s.commit()
        assert (await staff.user_for_token(s, token)).id == user.id  # type: ignore[union-attr]
        assert await staff.user_for_token(s, token + "x") is None
        from referral.casework import ApiToken

        stored = (await s.scalars(select(ApiToken.token_hash))).all()
        assert token not in stored and staff.token_hash(token) in stored
        with pytest.raises(Invalid):
            await staff.create_user(s, name="X", role="organizer")  # needs a centre
        with pytest.raises(NotFound):
            await staff.create_user(s, name="X", role="organizer", centre="atlantis")


async def test_erasure_keeps_an_anonymous_ticket(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        contact = Contact(phone="+8801712345678", phone_hash="p" * 64)
        s.add(contact)
        await s.flush()
        s.add(ContactChannel(channel="sms", user_hash="u" * 64, contact_id=contact.id,
                             opted_out=False))
        s.add(InboxMessage(channel="sms", provider_id="SM1", user_hash="u" * 64, text="hi"))
        s.add(Screening(contact_id=contact.id, answers={"age": 30}, questionnaire_version="q",
                        rules_version="r", score=50, decision="eligible", reasons=[],
                        channel="sms", language="bn"))
        ticket = await make_ticket(s, contact_id=contact.id)
        await s.commit()
        assert await erasure.erase(s, contact_id=contact.id, channel="sms",
                                   user_hash="u" * 64) == 1
        await s.commit()
        kept = await s.get(Ticket, ticket.id, populate_existing=True)
        assert kept is not None and kept.anonymised and kept.status == "closed"
        assert kept.phone is None and kept.address is None and kept.district == "Habiganj"
        assert await s.get(Contact, contact.id) is None
        # Only a tombstone of the message stays: no words, no person.
        inbox = (await s.scalars(select(InboxMessage))).all()
        assert [(r.text, r.user_hash, r.status) for r in inbox] == [("", "erased", "erased")]
        assert (await s.scalars(select(Screening.answers))).all() == [None]
