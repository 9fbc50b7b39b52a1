"""channels: contacts, per-channel opt-out, outbox claims and backoff

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone_hash", sa.String(64), unique=True),
        sa.Column("phone", sa.LargeBinary()),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "contact_channels",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", TS),
        sa.Column("last_seen_at", TS, nullable=False),
    )
    op.create_index("ix_contact_channels_contact_id", "contact_channels", ["contact_id"])
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("available_at", TS))
        batch.add_column(sa.Column("claim_token", sa.String(32)))
        batch.add_column(sa.Column("claimed_at", TS))
    op.create_index("ix_outbox_messages_claim_token", "outbox_messages", ["claim_token"])
    op.create_index("ix_outbox_messages_provider_id", "outbox_messages", ["provider_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_provider_id", "outbox_messages")
    op.drop_index("ix_outbox_messages_claim_token", "outbox_messages")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claim_token")
        batch.drop_column("available_at")
    op.drop_table("contact_channels")
    op.drop_table("contacts")
