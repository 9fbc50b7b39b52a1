"""Campaign tables: a message to a segment of contacts, and who it was planned for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from referral.models import Base, utcnow

# Stored: draft, started, cancelled. What a started campaign is now (scheduled, sending, done)
# follows from its send time and its messages' progress, so it can never disagree with them.
STATUSES = ("draft", "scheduled", "sending", "done", "cancelled")
# broadcast: one message; drip: a series of steps days apart from when a contact joins the
# segment (those who join later get it too); quiz: numbered questions answered by reply.
KINDS = ("broadcast", "drip", "quiz")


class Campaign(Base):
    """An awareness broadcast: one text per language to everyone in a segment."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    messages: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # bn, en, banglish
    kind: Mapped[str] = mapped_column(String(12), default="broadcast")
    # drip: [{"day": 3, "messages": {...}}, ...] after the first message (day 0: `messages`);
    # quiz: [{"bn": ..., "en": ..., "banglish": ..., "answer": "2", "options": 3}, ...]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    topic: Mapped[str | None] = mapped_column(String(40))  # "reply 1 for more" shows this topic
    # WhatsApp allows free text only within 24 hours of the person's last message; beyond it,
    # only an approved template (its Twilio Content SID). Without one they are not recipients.
    whatsapp_template: Mapped[str | None] = mapped_column(String(64))
    send_at: Mapped[datetime | None] = mapped_column()
    quiet_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    # Frozen when the campaign starts: the plan that went to the outbox.
    recipients: Mapped[int | None] = mapped_column(Integer)
    estimate: Mapped[dict[str, int] | None] = mapped_column(JSON)


class CampaignRecipient(Base):
    """One contact a campaign was planned for: the key makes a second send impossible."""

    __tablename__ = "campaign_recipients"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    # Indexed: a reply looks up what its sender's latest campaign waits for.
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What a reply from this person means for the campaign: "quiz" (the answer to question
    # `step`), "more" ("1" shows the campaign's topic), or None (nothing).
    awaiting: Mapped[str | None] = mapped_column(String(10))
    step: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)
    replied_at: Mapped[datetime | None] = mapped_column()
