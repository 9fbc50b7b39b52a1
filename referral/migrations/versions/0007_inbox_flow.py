"""inbox: the flow a message answered (the questionnaire), so answers such as a name or a date
never reach the unanswered-questions list or a `prottasha nlu review` export

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.add_column(sa.Column("flow", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbox_messages") as batch:
        batch.drop_column("flow")
