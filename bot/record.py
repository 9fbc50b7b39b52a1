"""A turn's writes, at the end of its transaction: the new state, the inbound message marked
handled, the replies in the outbox and, when the conversation showed something new about the
person, their contact's profile.

On PostgreSQL they are one statement: the state, the inbox row and the profile are
data-modifying `WITH` clauses of the outbox `INSERT` (as `bot.inbox.arrive` does for arrival),
one round trip instead of three or four on every message (issue 13). SQLite has no `INSERT` or
`UPDATE` inside `WITH`, and writes them one by one. Either way they commit together with the
rest of the turn (tickets, alerts, erasure), in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.state import DbStateStore, Key, State
from referral import contacts
from referral import outbox as outbox_rows
from referral.models import ConversationState, InboxMessage, OutboxMessage, utcnow


@dataclass(frozen=True)
class Profile:
    language: str | None
    district: str | None
    destination: str | None


async def write(session: AsyncSession, *, key: Key, state: State, inbox_id: int,
                handled: dict[str, Any], outbox: list[dict[str, Any]],
                contact_id: int | None = None, profile: Profile | None = None) -> None:
    """`handled`: the inbox row's new values; `outbox`: rows of `referral.outbox.values`;
    `profile`: the contact's new profile, or None when unchanged."""
    if contact_id is None:
        profile = None  # nobody to remember it of
    if session.get_bind().dialect.name != "postgresql":
        if profile is not None and contact_id is not None:
            await contacts.remember(session, contact_id, **vars(profile))
        await DbStateStore().save(session, key, state)
        await session.execute(update(InboxMessage).where(InboxMessage.id == inbox_id)
                              .values(**handled))
        outbox_rows.add(session, outbox)
        return
    params: dict[str, Any] = {"s_channel": key[0], "s_user": key[1], "s_data": state.to_dict(),
                              "now": utcnow(), "inbox": inbox_id, "contact": contact_id}
    params.update({f"i_{k}": v for k, v in handled.items()})
    for n, row in enumerate(outbox):
        params.update({f"o{n}_{k}": v for k, v in row.items()})
    if profile is not None:
        params.update({f"p_{k}": v for k, v in vars(profile).items()})
    shape = (tuple(handled), tuple(outbox[0]) if outbox else (), len(outbox),
             profile is not None)
    statement = _STATEMENTS.get(shape)
    if statement is None:
        statement = _STATEMENTS[shape] = _statement(*shape)
    await session.execute(statement, params)


# By shape (the inbox columns set, the outbox columns and row count, a profile or not): a
# handful of shapes in all. Built once as SQL text with the columns' types (encryption, JSON),
# because building the same statement with SQLAlchemy's constructs on every message cost
# about a millisecond and a half of CPU (cache keys over every value), more than the round
# trips it saves.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement(handled: tuple[str, ...], columns: tuple[str, ...], rows: int,
               profile: bool) -> Any:
    outbox_table, inbox_table = OutboxMessage.__table__, InboxMessage.__table__
    binds = [bindparam("s_data", type_=ConversationState.__table__.c.data.type),
             bindparam("now", type_=ConversationState.__table__.c.updated_at.type)]
    binds += [bindparam(f"i_{k}", type_=inbox_table.c[k].type) for k in handled]
    sets = ", ".join(f"{k} = :i_{k}" for k in handled)
    ctes = [
        "state AS (INSERT INTO conversation_states (channel, user_hash, data, updated_at)"
        " VALUES (:s_channel, :s_user, :s_data, :now) ON CONFLICT (channel, user_hash)"
        " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
        " RETURNING channel)",
        f"inbox AS (UPDATE inbox_messages SET {sets} WHERE id = :inbox RETURNING id)",
    ]
    if profile:
        ctes.append("profile AS (UPDATE contacts SET language = :p_language, district ="
                    " :p_district, destination = :p_destination WHERE id = :contact"
                    " RETURNING id)")
    if rows:
        values = ", ".join("(" + ", ".join(f":o{n}_{c}" for c in columns) + ")"
                           for n in range(rows))
        primary = f"INSERT INTO outbox_messages ({', '.join(columns)}) VALUES {values}"
        binds += [bindparam(f"o{n}_{c}", type_=outbox_table.c[c].type)
                  for n in range(rows) for c in columns]
    else:  # a turn with no reply (an opt-out confirmed before)
        primary = "SELECT 1"
    return text(f"WITH {', '.join(ctes)} {primary}").bindparams(*binds)
