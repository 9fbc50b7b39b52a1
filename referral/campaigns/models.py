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


class Campaign(Base):
    """An awareness broadcast: one text per language to everyone in a segment."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    messages: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # bn, en, banglish
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
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(40))
