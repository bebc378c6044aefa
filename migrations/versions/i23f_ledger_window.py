"""speed: installment's first and last payment dates and ledger route (ledger totals: one scan)

Each installment keeps the dates of its first and last payment and its contract's route once
the contract is out of draft (venture.payments.models), so the ledger's count and totals are
one range scan of ix_installment_ledger_window.

Revision ID: i23f_ledger
Revises: i23i_call_stamp
Create Date: 2026-12-07 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i23f_ledger"
down_revision = "i23i_call_stamp"
branch_labels = None
depends_on = None

ROUTES = ("venture_grant", "targeted", "tender")
WINDOW = ["ledger_route", "state", "last_paid_on", "first_paid_on", "amount", "paid_total", "id"]


def upgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_paid_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_paid_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "ledger_route",
                sa.Enum(*ROUTES, name="route", native_enum=False, length=30),
                nullable=True,
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_installment_route"), f"ledger_route IN ({', '.join(map(repr, ROUTES))})"
        )
        batch_op.create_index("ix_installment_ledger_window", WINDOW, unique=False)
    # the figures of the rows there are (venture.payments.models.refresh_ledger_figures)
    op.execute(
        "UPDATE installment SET "
        "first_paid_on = (SELECT MIN(payment.paid_on) FROM payment "
        "WHERE payment.installment_id = installment.id), "
        "last_paid_on = (SELECT MAX(payment.paid_on) FROM payment "
        "WHERE payment.installment_id = installment.id), "
        "ledger_route = (SELECT CASE WHEN contract.state = 'draft' THEN NULL "
        "ELSE contract.route END FROM contract WHERE contract.id = installment.contract_id)"
    )


def downgrade():
    with op.batch_alter_table("installment", schema=None) as batch_op:
        batch_op.drop_index("ix_installment_ledger_window")
        batch_op.drop_constraint(op.f("ck_installment_route"), type_="check")
        batch_op.drop_column("ledger_route")
        batch_op.drop_column("last_paid_on")
        batch_op.drop_column("first_paid_on")
