"""speed: a panel's figures version (its stored aggregates follow it); the reviewer's queue
index with what is scored, so the queue's counts read it alone

Revision ID: i23c_review_figures
Revises: i23d_ledger_figures
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23c_review_figures"
down_revision = "i23d_ledger_figures"
branch_labels = None
depends_on = None

QUEUE = ["reviewer_id", "queue_group", "queue_due", "id"]
# a new name, so that bench/bench_pages.py's schema step (which adds missing indexes by name)
# gives a generated database the new index too
NEW = "ix_review_assignment_reviewer_id_queue_application"


def upgrade():
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("figures_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_review_assignment_reviewer_id_queue")
        batch_op.create_index(NEW, [*QUEUE, "application_id"], unique=False)


def downgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_index(NEW)
        batch_op.create_index("ix_review_assignment_reviewer_id_queue", QUEUE, unique=False)
    with op.batch_alter_table("panel", schema=None) as batch_op:
        batch_op.drop_column("figures_version")
