"""tickets: indexes for the queues and routing at volume; a page of a centre's or an
organizer's queue is read in queue order from an index, routing counts open tickets from one
(docs/performance.md, "Volume")

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The same expressions as referral.casework.QUEUE_ORDER, or the planner will not match them.
DONE = sa.text("(CASE WHEN (status = 'closed') THEN 1 ELSE 0 END)")
RANK = sa.text("(CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END)")


def upgrade() -> None:
    op.create_index("ix_tickets_centre_queue", "tickets",
                    ["centre_id", DONE, RANK, "created_at", "id"])
    op.create_index("ix_tickets_assignee_queue", "tickets",
                    ["assignee_id", DONE, RANK, "created_at", "id"])
    op.create_index("ix_tickets_assignee_status", "tickets", ["assignee_id", "status"])
    op.create_index("ix_tickets_assignee_assigned", "tickets", ["assignee_id", "assigned_at"])
    # Every query it served leads with assignee_id in the indexes above.
    op.drop_index("ix_tickets_assignee_id", table_name="tickets")


def downgrade() -> None:
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id"])
    for name in ("ix_tickets_assignee_assigned", "ix_tickets_assignee_status",
                 "ix_tickets_assignee_queue", "ix_tickets_centre_queue"):
        op.drop_index(name, table_name="tickets")
