"""speed: a panel's assignments by queue group (standing, submitted and outstanding sheets)

Revision ID: i23_indexes
Revises: i19_security
Create Date: 2026-12-07 10:25:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "i23_indexes"
down_revision = "i17_shared_sheets"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_assignment_panel_id_queue_group", ["panel_id", "queue_group"], unique=False
        )


def downgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_review_assignment_panel_id_queue_group")
