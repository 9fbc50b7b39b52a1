"""case database: centres, districts, staff, tokens, consent, screenings, tickets, events;
conversation state encrypted

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Conversation state can now hold questionnaire answers, so it is encrypted. Plain rows
    # cannot be encrypted here (the key is not known to migrations): the table is made anew,
    # which only resets where people were in a menu.
    op.drop_table("conversation_states")
    op.create_table(
        "conversation_states",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "centres",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name_en", sa.String(80), nullable=False),
        sa.Column("name_bn", sa.String(80), nullable=False),
        sa.Column("phone_key", sa.String(40)),
    )
    op.create_table(
        "districts",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("name_bn", sa.String(40), nullable=False),
        sa.Column("division", sa.String(40), nullable=False),
        sa.Column("centre_id", sa.String(40), sa.ForeignKey("centres.id"), nullable=False),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("centre_id", sa.String(40), sa.ForeignKey("centres.id")),
        sa.Column("telegram_chat_id", sa.String(40), unique=True),
        sa.Column("phone", sa.LargeBinary()),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("language", sa.String(10), nullable=False, server_default="bn"),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("staff_users.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS),
        sa.Column("revoked_at", TS),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id")),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("withdrawn_at", TS),
    )
    op.create_index("ix_consent_records_contact_id", "consent_records", ["contact_id"])
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id")),
        sa.Column("answers", sa.LargeBinary()),
        sa.Column("questionnaire_version", sa.String(40), nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_screenings_contact_id", "screenings", ["contact_id"])
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(20), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("centre_id", sa.String(40), sa.ForeignKey("centres.id")),
        sa.Column("assignee_id", sa.Integer(), sa.ForeignKey("staff_users.id")),
        sa.Column("district", sa.String(40)),
        sa.Column("gender", sa.String(20)),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("address", sa.LargeBinary()),
        sa.Column("phone", sa.LargeBinary()),
        sa.Column("phone_hash", sa.String(64)),
        sa.Column("screening_id", sa.Integer(), sa.ForeignKey("screenings.id")),
        sa.Column("decision", sa.String(20)),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(40)),
        sa.Column("closing_reason", sa.String(40)),
        sa.Column("anonymised", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("assigned_at", TS),
        sa.Column("accepted_at", TS),
        sa.Column("first_contact_at", TS),
        sa.Column("escalated_at", TS),
        sa.Column("closed_at", TS),
    )
    op.create_index("ix_tickets_queue", "tickets", ["centre_id", "status", "priority"])
    op.create_index("ix_tickets_contact_id", "tickets", ["contact_id"])
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id"])
    op.create_index("ix_tickets_phone_hash", "tickets", ["phone_hash"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("staff_users.id")),
        sa.Column("actor", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("note", sa.LargeBinary()),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id"])


def downgrade() -> None:
    for table in ("ticket_events", "tickets", "screenings", "consent_records", "api_tokens",
                  "staff_users", "districts", "centres"):
        op.drop_table(table)
    op.drop_table("conversation_states")
    op.create_table(
        "conversation_states",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
