"""A turn's writes (bot.record): the state, the inbox row, the replies and the profile land
together on SQLite and PostgreSQL, encrypted where they carry personal data, in one statement
on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import event, select, text

from bot.record import Profile, write
from bot.state import State
from referral import outbox
from referral.lookup import turn_reads
from referral.models import Contact, InboxMessage, OutboxMessage


async def test_the_writes_land_together(sessions, database_url: str) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        contact = Contact(phone_hash="w" * 64)
        message = InboxMessage(channel="sms", provider_id="SM1", user_hash="u" * 64,
                               text="amar nam Karim (invented)", address="+8801711000001")
        s.add_all([contact, message])
        await s.commit()
        key = ("contact", str(contact.id))
        rows = [outbox.values(channel="sms", user_hash="u" * 64, address="+8801711000001",
                              text=f"reply {n} to Karim (invented)", language="bn",
                              kind="reply", in_reply_to=message.id, sent=n == 0)
                for n in range(2)]
        statements: list[str] = []
        sync_engine = (await s.connection()).sync_engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(sync_engine, "before_cursor_execute", listener)
        try:
            await write(s, key=key, state=State(lang="bn", answers={"name": "Karim"}),
                        inbox_id=message.id,
                        handled={"status": "handled", "address": None, "intent": "greet"},
                        outbox=rows, contact_id=contact.id,
                        profile=Profile("bn", "Sylhet", "Oman"))
            await s.flush()
        finally:
            event.remove(sync_engine, "before_cursor_execute", listener)
        await s.commit()
        if database_url.startswith("postgresql"):
            assert len(statements) == 1, statements
    async with sessions() as s:
        assert State.from_dict((await turn_reads(s, None, key)).state).answers == {"name": "Karim"}
        handled = await s.get(InboxMessage, message.id)
        assert handled is not None and (handled.status, handled.address, handled.intent) == \
            ("handled", None, "greet")
        sent = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        assert [(m.text, m.status) for m in sent] == [
            ("reply 0 to Karim (invented)", "sent"), ("reply 1 to Karim (invented)", "pending")]
        person = await s.get(Contact, contact.id)
        assert person is not None and (person.language, person.district, person.destination) \
            == ("bn", "Sylhet", "Oman")
        raw = " ".join(str(v) for row in (await s.execute(text(
            "SELECT o.text, o.address, c.data FROM outbox_messages o, conversation_states c"
        ))).all() for v in row)
        assert "Karim" not in raw and "8801711000001" not in raw  # encrypted at rest


async def test_a_turn_with_no_reply_still_writes_its_state(sessions) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as s:
        message = InboxMessage(channel="sms", provider_id="SM2", user_hash="v" * 64,
                               text="STOP", address="+8801711000002")
        s.add(message)
        await s.commit()
        await write(s, key=("contact", "7"), state=State(lang="en"), inbox_id=message.id,
                    handled={"status": "handled", "address": None}, outbox=[])
        await s.commit()
    async with sessions() as s:
        assert State.from_dict((await turn_reads(s, None, ("contact", "7"))).state).lang == "en"
        assert (await s.get(InboxMessage, message.id)).status == "handled"  # type: ignore[union-attr]
        assert not (await s.scalars(select(OutboxMessage))).all()
