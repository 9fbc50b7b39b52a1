"""on-call rota: shifts per centre, and national ones for cases with no district

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "on_call_shifts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("staff_users.id"), nullable=False),
        sa.Column("centre_id", sa.String(40), sa.ForeignKey("centres.id")),
        sa.Column("days", sa.String(7), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_on_call_shifts_user_id", "on_call_shifts", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_on_call_shifts_user_id", "on_call_shifts")
    op.drop_table("on_call_shifts")
