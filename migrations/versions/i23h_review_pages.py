"""speed: the reviewer's queue counts kept on the profile; the review pages' fingerprint of a
call's applications read off an index

Revision ID: i23h_review_pages
Revises: i23f_ledger
Create Date: 2026-12-07 16:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23h_review_pages"
down_revision = "i23f_ledger"
branch_labels = None
depends_on = None

COUNTS = ("queue_listed", "queue_standing", "queue_submitted")
# review.models.STANDING_GROUPS and SUBMITTED_GROUPS, as they are today
STANDING = (0, 1, 2, 8, 9, 10)
SUBMITTED = (2, 10)


def upgrade():
    with op.batch_alter_table("reviewer_profile", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_call_id_figures",
            ["call_id", "updated_at", "requested_amount"],
            unique=False,
        )
    # every reviewer's counts, as review.models.refresh_queue_counts sets them
    counted = "SELECT count(*) FROM review_assignment a WHERE a.reviewer_id = reviewer_profile.id"
    counted += " AND a.application_id IS NOT NULL"
    standing = ", ".join(map(str, STANDING))
    submitted = ", ".join(map(str, SUBMITTED))
    op.execute(
        f"UPDATE reviewer_profile SET queue_listed = ({counted}),"
        f" queue_standing = ({counted} AND a.queue_group IN ({standing})),"
        f" queue_submitted = ({counted} AND a.queue_group IN ({submitted}))"
    )


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_call_id_figures")
    with op.batch_alter_table("reviewer_profile", schema=None) as batch_op:
        for name in COUNTS:
            batch_op.drop_column(name)
