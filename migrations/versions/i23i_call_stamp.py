"""speed: a call's release version (its stored OCDS package follows it)

Revision ID: i23i_call_stamp
Revises: i23e_speed
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23i_call_stamp"
down_revision = "i23e_speed"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("release_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_column("release_version")
