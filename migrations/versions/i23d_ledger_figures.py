"""speed: each installment's paid total, kept with its payments (the ledger's totals)

Revision ID: i23d_ledger_figures
Revises: i23_indexes
Create Date: 2026-12-07 13:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23d_ledger_figures"
down_revision = "i23_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("paid_total", sa.Numeric(14, 2), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE installment SET paid_total = COALESCE((SELECT SUM(payment.amount) FROM payment "
        "WHERE payment.installment_id = installment.id), 0)"
    )


def downgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_column("paid_total")
