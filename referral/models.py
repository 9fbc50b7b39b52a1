"""Database tables. Personal data (addresses, message text) is encrypted; look-ups use keyed hashes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from referral.crypto import EncryptedJSON, EncryptedText


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class ConversationState(Base):
    """Where one person is in the conversation on one channel."""

    __tablename__ = "conversation_states"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Encrypted: during the questionnaire the state holds a person's answers.
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON(), default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboxMessage(Base):
    """Every message a person sent, stored before anything else happens."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_id", name="uq_inbox_channel_provider_id"),
        Index("ix_inbox_user", "channel", "user_hash", "received_at"),
        Index("ix_inbox_waiting", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str] = mapped_column(String(128))
    user_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(EncryptedText())
    # Where to answer, kept only while the message waits ("received"): a message stored by a
    # process that died is answered by the recovery sweep (bot/service.py, `recover`).
    address: Mapped[str | None] = mapped_column(EncryptedText())
    language: Mapped[str | None] = mapped_column(String(10))
    intent: Mapped[str | None] = mapped_column(String(40))
    confidence: Mapped[float | None] = mapped_column(Float)
    # The flow the message answered ("register"): a name or a date typed as an answer is not an
    # unanswered question and never goes to a review export (nlu/review.py).
    flow: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="received")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """Every message to a person: replies sent inline are recorded as sent, the rest wait here."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_pending", "status", "priority", "id"),
                      # A campaign's progress counts its messages by status (0010).
                      Index("ix_outbox_campaign_status", "campaign_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    user_hash: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(EncryptedText())
    text: Mapped[str] = mapped_column(EncryptedText())
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(12), default="reply")  # reply | proactive | bulk
    priority: Mapped[int] = mapped_column(Integer, default=0)  # lower goes first
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # Indexed (0009): a redelivery finds the replies to one message by it.
    in_reply_to: Mapped[int | None] = mapped_column(ForeignKey("inbox_messages.id"), index=True)
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    # Added in 0002: retry backoff and the claim that keeps two workers off one message.
    available_at: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column()
    # Added in 0010 (campaigns): the campaign a bulk message belongs to, and the time zone whose
    # night it must not be sent in (None: no quiet hours).
    campaign_id: Mapped[int | None] = mapped_column(Integer)
    quiet_tz: Mapped[str | None] = mapped_column(String(40))
    # A WhatsApp message outside the 24-hour session window goes as this approved template
    # (Twilio's Content SID) instead of free text.
    template: Mapped[str | None] = mapped_column(String(64))


# -- channels (issue 5): one person across channels, opt-out, outbox claims ----------------------


class Contact(Base):
    """One person, whatever channels they write on; the phone ties SMS and WhatsApp together."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText())  # E.164
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What a campaign's segment is chosen by (0010), learnt in conversation: the variety the
    # person writes (bn, en, banglish) and their district. Not identifying on their own.
    language: Mapped[str | None] = mapped_column(String(10), index=True)
    district: Mapped[str | None] = mapped_column(String(40), index=True)
    destination: Mapped[str | None] = mapped_column(String(40))  # a country, canonical name


class ContactChannel(Base):
    """One address of a contact on one channel, with that channel's opt-out."""

    __tablename__ = "contact_channels"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where to reach the person first (0010): a campaign starts the conversation, so it needs
    # the address that the inbox forgets once a message is answered. Erased with the row.
    address: Mapped[str | None] = mapped_column(EncryptedText())
