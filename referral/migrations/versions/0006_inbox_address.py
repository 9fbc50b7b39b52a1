"""inbox: the sender's address (encrypted) while a message waits for its answer, so a message
stored by a process that died is answered by the recovery sweep

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.add_column(sa.Column("address", sa.LargeBinary(), nullable=True))
        batch.create_index("ix_inbox_waiting", ["status", "received_at"])


def downgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.drop_index("ix_inbox_waiting")
        batch.drop_column("address")
