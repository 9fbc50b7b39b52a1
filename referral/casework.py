"""The case database: centres and districts, staff, consent, screenings, tickets and their events.

Personal data (phones, addresses, answers, notes) is encrypted; phones are found by keyed hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, case
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import Grouping

from referral.crypto import EncryptedJSON, EncryptedText
from referral.models import Base, utcnow

# The one list of ticket statuses: the API's type (TicketStatus) and every check use it.
TicketStatus = Literal["new", "assigned", "contacted", "in_progress", "referred", "closed"]
TICKET_STATUSES: tuple[str, ...] = get_args(TicketStatus)
OPEN_STATUSES = TICKET_STATUSES[:-1]
PRIORITIES = ("urgent", "high", "normal")
ROLES = ("admin", "manager", "organizer")


class Centre(Base):
    """A Reintegration Service Centre (reference data, from content/reference/)."""

    __tablename__ = "centres"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_bn: Mapped[str] = mapped_column(String(80))
    phone_key: Mapped[str | None] = mapped_column(String(40))


class District(Base):
    __tablename__ = "districts"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_bn: Mapped[str] = mapped_column(String(40))
    division: Mapped[str] = mapped_column(String(40))
    centre_id: Mapped[str] = mapped_column(ForeignKey("centres.id"))


class StaffUser(Base):
    """Programme staff: admins see everything, managers and organizers their own centre."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centres.id"))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    password_hash: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(10), default="bn")  # of alerts and dashboard
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()  # unused since 0005 (see login)
    # Raised at logout: a session cookie carries the version it was made with.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token; only its SHA-256 is kept, so a database leak leaks no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class ConsentRecord(Base):
    """A person's consent, with the version of the wording they saw."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    version: Mapped[str] = mapped_column(String(40))
    given: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class Screening(Base):
    """One completed questionnaire: answers (encrypted), score, decision, reasons, versions."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    answers: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON())
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    rules_version: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    """A referral to a centre, worked by its field organizers."""

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue", "centre_id", "status", "priority"),
        # Routing counts an organizer's open tickets and finds their latest assignment (0008).
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_assignee_assigned", "assignee_id", "assigned_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # registration | handoff | urgent
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    centre_id: Mapped[str | None] = mapped_column(ForeignKey("centres.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    district: Mapped[str | None] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(20))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(10))
    address: Mapped[str | None] = mapped_column(EncryptedText())  # where the person wrote from
    phone: Mapped[str | None] = mapped_column(EncryptedText())  # E.164, to call them
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    screening_id: Mapped[int | None] = mapped_column(ForeignKey("screenings.id"))
    decision: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    rules_version: Mapped[str | None] = mapped_column(String(40))
    closing_reason: Mapped[str | None] = mapped_column(String(40))
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    assigned_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    first_contact_at: Mapped[datetime | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()


# The queue's order: open before closed, urgent, then high, then the oldest. The indexes hold
# the same expressions, so a page of a centre's or an organizer's queue is read in order from
# an index instead of sorting all their tickets (0008; the migration spells them in SQL).
QUEUE_ORDER = (case((Ticket.status == "closed", 1), else_=0),
               case({"urgent": 0, "high": 1}, value=Ticket.priority, else_=2),
               Ticket.created_at, Ticket.id)
# PostgreSQL wants an expression in an index's column list in parentheses: (CASE …).
_QUEUE_KEY: tuple[Any, ...] = (*(Grouping(e) for e in QUEUE_ORDER[:2]), *QUEUE_ORDER[2:])
Index("ix_tickets_centre_queue", Ticket.centre_id, *_QUEUE_KEY)
Index("ix_tickets_assignee_queue", Ticket.assignee_id, *_QUEUE_KEY)


class TicketEvent(Base):
    """Who did what to a ticket, and when: the audit trail."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor: Mapped[str] = mapped_column(String(20))  # system | person | staff
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(EncryptedText())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


