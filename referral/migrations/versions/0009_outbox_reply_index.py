"""outbox: an index on in_reply_to. A provider's redelivery looks up the replies to one inbound
message (bot.service, `replies_to`) and erasure deletes inbound rows the outbox points at; both
read every outbox row without it, 70 ms at 15,000 rows and growing with the table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_messages_in_reply_to", "outbox_messages", ["in_reply_to"])


def downgrade() -> None:
    op.drop_index("ix_outbox_messages_in_reply_to", table_name="outbox_messages")
