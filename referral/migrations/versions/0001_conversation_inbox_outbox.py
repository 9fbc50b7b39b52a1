"""conversation state, inbox and outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_states",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("provider_id", sa.String(128), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("language", sa.String(10)),
        sa.Column("intent", sa.String(40)),
        sa.Column("confidence", sa.Float()),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.UniqueConstraint("channel", "provider_id", name="uq_inbox_channel_provider_id"),
    )
    op.create_index("ix_inbox_user", "inbox_messages", ["channel", "user_hash", "received_at"])
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("address", sa.LargeBinary(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("in_reply_to", sa.Integer(), sa.ForeignKey("inbox_messages.id")),
        sa.Column("provider_id", sa.String(128)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(200)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
    )
    op.create_index("ix_outbox_pending", "outbox_messages", ["status", "priority", "id"])
    op.create_index("ix_outbox_messages_user_hash", "outbox_messages", ["user_hash"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("inbox_messages")
    op.drop_table("conversation_states")
