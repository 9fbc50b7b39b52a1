"""campaigns: broadcasts, drip series and quizzes to a segment of contacts (issue 12). Contacts learn their
language and district, channel addresses are kept for a first message, and outbox rows know
their campaign and the time zone of the recipient's night.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("segment", sa.JSON, nullable=False),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("steps", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(40)),
        sa.Column("whatsapp_template", sa.String(64)),
        sa.Column("send_at", sa.DateTime(timezone=True)),
        sa.Column("quiet_hours", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("staff_users.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("recipients", sa.Integer),
        sa.Column("estimate", sa.JSON),
    )
    op.create_table(
        "campaign_recipients",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), primary_key=True),
        sa.Column("contact_id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("district", sa.String(40)),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("awaiting", sa.String(10)),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_campaign_recipients_contact_id", "campaign_recipients", ["contact_id"])
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("language", sa.String(10)))
        batch.add_column(sa.Column("district", sa.String(40)))
        batch.add_column(sa.Column("destination", sa.String(40)))
        batch.create_index("ix_contacts_language", ["language"])
        batch.create_index("ix_contacts_district", ["district"])
    with op.batch_alter_table("contact_channels") as batch:
        batch.add_column(sa.Column("address", sa.LargeBinary))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer))
        batch.add_column(sa.Column("quiet_tz", sa.String(40)))
        batch.add_column(sa.Column("template", sa.String(64)))
        batch.create_index("ix_outbox_campaign_status", ["campaign_id", "status"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index("ix_outbox_campaign_status")
        batch.drop_column("template")
        batch.drop_column("quiet_tz")
        batch.drop_column("campaign_id")
    with op.batch_alter_table("contact_channels") as batch:
        batch.drop_column("address")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_district")
        batch.drop_index("ix_contacts_language")
        batch.drop_column("destination")
        batch.drop_column("district")
        batch.drop_column("language")
    op.drop_index("ix_campaign_recipients_contact_id", table_name="campaign_recipients")
    op.drop_table("campaign_recipients")
    op.drop_table("campaigns")
