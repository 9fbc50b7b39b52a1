"""A turn's reads in one round trip (referral.lookup): the state, the open ticket, a free
reference and whether anybody is on the staff, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, text

from bot.state import DbStateStore, State
from referral import staff
from referral.lookup import turn_reads
from referral.models import Contact
from tests.referral.test_tickets import make_ticket


async def test_the_state_comes_back_decrypted_and_is_stored_encrypted(sessions) -> None:  # type: ignore[no-untyped-def]
    key = ("contact", "41")
    async with sessions() as s:
        assert (await turn_reads(s, None, key)).state is None  # nobody wrote yet
        await DbStateStore().save(s, key, State(lang="bn", answers={"name": "Rahima (invented)"}))
        await s.commit()
    async with sessions() as s:
        reads = await turn_reads(s, None, key)
        assert State.from_dict(reads.state).answers == {"name": "Rahima (invented)"}
        assert (await turn_reads(s, None, ("contact", "42"))).state is None  # not another's
        raw = await s.scalar(text("SELECT data FROM conversation_states"))
        assert "Rahima" not in str(raw)  # questionnaire answers are encrypted at rest


async def test_the_open_ticket_is_the_persons_and_the_reference_is_free(sessions) -> None:  # type: ignore[no-untyped-def]
    """A reference is told to the person before its ticket is written; one already taken (one
    in 3,000 at 300,000 tickets) would fail that turn on the unique key, urgent cases too."""
    async with sessions() as s:
        contact = Contact(phone="+8801712345679", phone_hash="q" * 64)
        s.add(contact)
        await s.flush()
        other = await make_ticket(s, reference="PR-TAKEN")
        mine = await make_ticket(s, reference="PR-MINE2", contact_id=contact.id)
        await s.commit()
        offered = iter(["PR-TAKEN", "PR-MINE2", "PR-FREE2"])
        reads = await turn_reads(s, contact.id, ("contact", str(contact.id)),
                                 generate=lambda: next(offered))
        assert reads.reference == "PR-FREE2"
        assert reads.ticket is not None and reads.ticket.id == mine.id
        # Another person's ticket found by its reference is never taken for this person's.
        offered = iter(["PR-TAKEN", "PR-FREE3"])
        reads = await turn_reads(s, None, ("contact", "0"), generate=lambda: next(offered))
        assert (reads.ticket, reads.reference) == (None, "PR-FREE3")
        assert other.reference == "PR-TAKEN"
        mine.status = "closed"
        await s.commit()
        assert (await turn_reads(s, contact.id, ("contact", str(contact.id)))).ticket is None


async def test_anyone_is_an_active_organizer_or_manager(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await staff.create_user(s, name="Admin (invented)", role="admin")
        assert not (await turn_reads(s, None, ("contact", "1"))).anyone
        await staff.create_user(s, name="O (invented)", role="organizer", centre="tangail")
        assert (await turn_reads(s, None, ("contact", "1"))).anyone


async def test_one_round_trip(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        await make_ticket(s, reference="PR-ONE111")
        await s.commit()
        statements: list[str] = []
        sync_engine = (await s.connection()).sync_engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(sync_engine, "before_cursor_execute", listener)
        try:
            await turn_reads(s, 1, ("contact", "1"))
        finally:
            event.remove(sync_engine, "before_cursor_execute", listener)
        assert len(statements) == 1, statements
