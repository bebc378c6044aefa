"""speed: applications by state with their call and submission time (the staff home)

The staff home's screening figures (how many wait, in how many calls, since when) and its list
of calls awaiting screening count submitted applications; with the call and the submission
time in the state's index they are read off the index alone. It replaces the index on state.

Revision ID: i23k_home_screening
Revises: i23j_ledger_pages
Create Date: 2026-12-08 02:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "i23k_home_screening"
down_revision = "i23j_ledger_pages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_state_call", ["state", "call_id", "submitted_at"], unique=False
        )
        batch_op.drop_index("ix_application_state")


def downgrade():
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index("ix_application_state", ["state"], unique=False)
        batch_op.drop_index("ix_application_state_call")
