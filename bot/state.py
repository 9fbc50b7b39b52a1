"""Conversation state per person, kept in the database so it survives a restart and every API
process sees the last committed one. A turn reads it in the same round trip as its other reads
(referral.lookup); the Redis copy once kept in front of it cost two Redis round trips and an
encryption a message and spared none (docs/performance.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from referral.db import dialect_insert
from referral.models import ConversationState, utcnow


@dataclass
class State:
    """What the dialogue remembers between messages. Plain data: JSON in and out."""

    lang: str | None = None  # "bn", "en" or "banglish" (SMS only): the language of our replies
    lang_explicit: bool = False  # the person chose it; detection no longer changes it
    options: dict[str, str] = field(default_factory=dict)  # "1" -> payload, for numbered replies
    topic: str | None = None  # last topic shown, for "more"
    page: int = 0
    awaiting: str | None = None  # e.g. "language", "district"
    fallbacks: int = 0  # misunderstandings in a row: after two we offer a person
    flow: str | None = None  # "register" while the questionnaire runs
    step: str | None = None  # the question waiting for an answer
    answers: dict[str, Any] = field(default_factory=dict)  # personal data: stored encrypted
    flow_paused: bool = False  # the person left for the menu; REG resumes
    flow_date: str | None = None  # ISO date of the last answer: an old questionnaire waits
    pending: list[str] = field(default_factory=list)  # district candidates offered
    safety: bool = False  # self-harm or danger seen in this conversation
    safety_check: dict[str, Any] | None = None  # "Are you safe?" asked: about what
    district: str | None = None  # known from a question or an answer, for routing
    turns: int = 0
    # [language, district, destination] as last written to the contact (for campaign segments): the
    # contact row is written only when what the conversation shows differs from it.
    profile: list[str | None] | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> State:
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Key = tuple[str, str]  # (channel, user_hash)


class DbStateStore:
    """The database is the source of truth."""

    async def load(self, session: AsyncSession, key: Key) -> State:
        row = await session.get(ConversationState, key)
        return State.from_dict(row.data if row else None)

    async def save(self, session: AsyncSession, key: Key, state: State) -> None:
        # One statement whether or not the row exists: this runs on every turn.
        data, now = state.to_dict(), utcnow()
        await session.execute(
            dialect_insert(session, ConversationState)
            .values(channel=key[0], user_hash=key[1], data=data, updated_at=now)
            .on_conflict_do_update(index_elements=["channel", "user_hash"],
                                   set_={"data": data, "updated_at": now}))
        # The row this session may have loaded is stale now; drop it so a later read in the
        # same session sees what was written.
        row = session.identity_map.get(session.identity_key(ConversationState, key))
        if row is not None:
            session.expunge(row)
