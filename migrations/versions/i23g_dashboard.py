"""speed: the staff home's figures (awards waiting for a contract, releases to approve)

Revision ID: i23g_dashboard
Revises: i23h_review_pages
Create Date: 2026-12-07 16:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23g_dashboard"
down_revision = "i23h_review_pages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_contract", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index("ix_award_awaiting_contract", ["awaiting_contract"], unique=False)
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_installment_state_contract", ["state", "contract_id", "amount"], unique=False
        )
    # final awards no contract has been drafted from (contracts.models.keep_awaiting_contract)
    op.execute(
        "UPDATE award SET awaiting_contract = (state = 'final' AND NOT EXISTS "
        "(SELECT 1 FROM contract WHERE contract.award_id = award.id))"
    )


def downgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_state_contract")
    with op.batch_alter_table("award", schema=None) as batch_op:
        batch_op.drop_index("ix_award_awaiting_contract")
        batch_op.drop_column("awaiting_contract")
