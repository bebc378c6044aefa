"""speed: installment's ledger number (the ledger's pages: one index walk, deep or not)

Each installment keeps its contract's number (venture.payments.models.keep_ledger_route), so
the finance ledger's page of ids, in contract number and position order, is a walk of
ix_installment_ledger_order alone: no join to contract, no sort.

Revision ID: i23j_ledger_pages
Revises: i23g_dashboard
Create Date: 2026-12-07 19:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23j_ledger_pages"
down_revision = "i23g_dashboard"
branch_labels = None
depends_on = None

ORDER = [
    "ledger_number",
    "position",
    "ledger_route",
    "state",
    "last_paid_on",
    "first_paid_on",
    "id",
]


def upgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ledger_number", sa.String(length=30), nullable=True))
    # the numbers of the rows there are (venture.payments.models.refresh_ledger_figures)
    op.execute(
        "UPDATE installment SET ledger_number = "
        "(SELECT contract.number FROM contract WHERE contract.id = installment.contract_id)"
    )
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.create_index("ix_installment_ledger_order", ORDER, unique=False)


def downgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_ledger_order")
        batch_op.drop_column("ledger_number")
