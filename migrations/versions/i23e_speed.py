"""speed: the finance ledger's index on installment (contract, state, position; amount, paid)

Revision ID: i23e_speed
Revises: i23c_review_figures
Create Date: 2026-12-07 13:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "i23e_speed"
down_revision = "i23c_review_figures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_installment_ledger",
            ["contract_id", "state", "position", "amount", "paid_total"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_ledger")
