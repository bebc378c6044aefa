"""Installments (拨付), payments (支付记录) and export jobs."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from venture.calls.enums import InstallmentCondition, Route
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.cache import move_stamp, stamp_on_flush
from venture.core.columns import Amount, FileId, Key, Moment, Text, Timestamp, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children, parent_key
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments.enums import ExportKind, InstallmentState, JobState


class Installment(TimestampMixin, db.Model):
    """拨付期次: a share of a contract paid when its condition holds.

    Staff approve the release, finance record the payments: two different people.
    """

    __tablename__ = "installment"

    id: Mapped[Key]
    contract_id: Mapped[int] = parent_key("contract")
    position: Mapped[int]
    percent: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    condition: Mapped[InstallmentCondition] = mapped_column(enum_type(InstallmentCondition, 20))
    amount: Mapped[Amount]
    state: Mapped[InstallmentState] = mapped_column(
        enum_type(InstallmentState, 20), default=InstallmentState.PENDING, index=True
    )
    condition_met_at: Mapped[Moment | None]
    condition_note: Mapped[Text | None]
    approved_at: Mapped[Moment | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    paid_at: Mapped[Moment | None]
    # 条件例外: a condition held by exception, not by its event; one staff member asks with a
    # reason, another confirms (venture.integrity.conditions)
    override_reason: Mapped[Text | None]
    override_requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    override_requested_at: Mapped[Moment | None]
    override_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    override_confirmed_at: Mapped[Moment | None]
    # the sum of its payments, kept by keep_paid_total at each flush that adds or removes one:
    # the ledger's totals read it instead of summing every selected installment's payments
    paid_total: Mapped[Amount] = mapped_column(default=Decimal("0.00"), server_default="0")
    # the dates of its first and last payment, kept with paid_total: the ledger's "paid
    # between" filter tests them on the row, and looks for a payment in between only when the
    # window lies strictly inside them (venture.payments.ledger_query.paid_within)
    first_paid_on: Mapped[date | None] = mapped_column()
    last_paid_on: Mapped[date | None] = mapped_column()
    # its contract's route once the contract is out of draft, NULL while it is a draft (the
    # ledger starts when a contract is issued): kept by keep_ledger_route, so the ledger's
    # route, state and date filters read one index of installment, with no join per row
    ledger_route: Mapped[Route | None] = mapped_column(enum_type(Route))
    # its contract's number, kept by keep_ledger_route: the ledger's order (contract number,
    # position) is then one index of installment (ix_installment_ledger_order), so a page's
    # ids, deep or not, are read off that index alone without a join or a sort
    ledger_number: Mapped[str | None] = mapped_column(sa.String(30))

    contract = relationship("Contract", back_populates="installments")
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    override_requested_by = relationship("User", foreign_keys=[override_requested_by_id])
    override_confirmed_by = relationship("User", foreign_keys=[override_confirmed_by_id])
    payments = children("Payment", "installment", order_by="Payment.id")

    __table_args__ = (
        sa.UniqueConstraint("contract_id", "position", name="uq_installment_contract_id_position"),
        # the finance ledger (venture.payments.exports): per contract, in number order, its
        # installments of a state by position, so a page of the ordered ids needs no sort of
        # the whole selection; amount and paid_total make it cover the ledger's totals too
        sa.Index(
            "ix_installment_ledger", "contract_id", "state", "position", "amount", "paid_total"
        ),
        # the ledger's count and totals by route, state and payment window: one range scan that
        # covers them (id too: PostgreSQL's look-up of a payment between the first and last
        # reads it; SQLite's indexes hold it anyway)
        sa.Index(
            "ix_installment_ledger_window",
            "ledger_route",
            "state",
            "last_paid_on",
            "first_paid_on",
            "amount",
            "paid_total",
            "id",
        ),
        # the ledger's page: its ids in ledger order, with every column its filters test on
        # the installment (route, state, payment window; id for the look-up of a payment
        # between the first and last), so page 500 is a walk of this index and nothing else
        sa.Index(
            "ix_installment_ledger_order",
            "ledger_number",
            "position",
            "ledger_route",
            "state",
            "last_paid_on",
            "first_paid_on",
            "id",
        ),
        # the home pages' releases to approve and to pay (a state, on signed contracts, and
        # their sum), read off this index alone, whatever the planner's estimate for the state
        sa.Index("ix_installment_state_contract", "state", "contract_id", "amount"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
        sa.CheckConstraint(
            "override_confirmed_by_id IS NULL OR (override_reason IS NOT NULL "
            "AND override_requested_by_id IS NOT NULL "
            "AND override_confirmed_by_id != override_requested_by_id)",
            name="override_two_people",
        ),
    )

    @property
    def is_overridden(self):
        return self.override_confirmed_at is not None

    @property
    def paid_amount(self):
        return sum((p.amount for p in self.payments), Decimal("0.00"))

    @property
    def remaining(self):
        return self.amount - self.paid_amount


class Payment(db.Model):
    """支付记录: money that left the bureau's account, recorded by finance."""

    __tablename__ = "payment"

    id: Mapped[Key]
    installment_id: Mapped[int] = mapped_column(sa.ForeignKey("installment.id"), index=True)
    paid_on: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Amount]
    voucher_no: Mapped[str] = mapped_column(sa.String(40))
    bank_reference: Mapped[str] = mapped_column(sa.String(60))
    recorded_by_id: Mapped[UserId]
    recorded_at: Mapped[Timestamp]

    installment = relationship("Installment", back_populates="payments")
    recorded_by = relationship("User")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        # a voucher is booked once: a double-submitted form cannot pay twice
        sa.UniqueConstraint(
            "installment_id", "voucher_no", name="uq_payment_installment_id_voucher_no"
        ),
        # the ledger's "paid between" filter: an installment's payments in a date window
        sa.Index("ix_payment_installment_id_paid_on", "installment_id", "paid_on"),
    )


@sa.event.listens_for(Session, "before_flush")
def keep_paid_total(session, _context, _instances):
    """Every flush that adds or deletes a payment keeps its installment's paid_total and its
    first and last payment dates right, whichever operation (or test) made it; a payment's
    amount and date are never changed."""
    touched = {}
    for payment, sign in [
        *((p, 1) for p in session.new if isinstance(p, Payment)),
        *((p, -1) for p in session.deleted if isinstance(p, Payment)),
    ]:
        installment = payment.installment or session.get(Installment, payment.installment_id)
        if installment is None or installment in session.deleted:
            continue
        installment.paid_total = (installment.paid_total or Decimal("0.00")) + sign * payment.amount
        touched.setdefault(installment, []).append((payment, sign))
    for installment, changes in touched.items():
        _keep_paid_dates(session, installment, changes)


def _keep_paid_dates(session, installment, changes):
    added = [payment.paid_on for payment, sign in changes if sign > 0]
    if all(sign > 0 for _payment, sign in changes):
        dates = [d for d in (installment.first_paid_on, installment.last_paid_on) if d] + added
    else:
        # a payment removed: the dates of those that stay (in the database, not deleted now)
        gone = [payment.id for payment, sign in changes if sign < 0 and payment.id is not None]
        with session.no_autoflush:
            stored = session.execute(
                sa.select(sa.func.min(Payment.paid_on), sa.func.max(Payment.paid_on)).where(
                    Payment.installment_id == installment.id, Payment.id.not_in(gone)
                )
            ).one()
        dates = [d for d in stored if d] + added
    installment.first_paid_on = min(dates, default=None)
    installment.last_paid_on = max(dates, default=None)


def ledger_route_of(contract):
    """What an installment of contract keeps as ledger_route (a contract not yet flushed has
    no state yet: its column's default, a draft)."""
    return None if contract.state in (None, ContractState.DRAFT) else contract.route


@sa.event.listens_for(Session, "before_flush")
def keep_ledger_route(session, _context, _instances):
    """An installment keeps its contract's route from the contract's issue on (ledger_route)
    and its contract's number (ledger_number): set when the installment is added, and on its
    contract's every change of state, route or number."""
    for item in session.new:
        if isinstance(item, Installment):
            contract = item.contract or session.get(Contract, item.contract_id)
            if contract is not None:
                item.ledger_route = ledger_route_of(contract)
                item.ledger_number = contract.number
    for contract in [*session.new, *session.dirty]:
        if not isinstance(contract, Contract):
            continue
        changed = sa.inspect(contract).attrs
        if contract in session.new or any(
            changed[name].history.has_changes() for name in ("state", "route", "number")
        ):
            for installment in contract.installments:
                installment.ledger_route = ledger_route_of(contract)
                installment.ledger_number = contract.number


def refresh_ledger_figures(connection):
    """Set every installment's kept ledger figures (paid total, first and last payment date,
    ledger route and number) from its payments and contract: after bulk inserts, and the
    migrations' fill."""
    table, payment, contract = Installment.__table__, Payment.__table__, Contract.__table__
    draft = contract.c.state == ContractState.DRAFT

    def of_payments(figure):
        return sa.select(figure).where(payment.c.installment_id == table.c.id).scalar_subquery()

    connection.execute(
        table.update().values(
            paid_total=sa.func.coalesce(of_payments(sa.func.sum(payment.c.amount)), 0),
            first_paid_on=of_payments(sa.func.min(payment.c.paid_on)),
            last_paid_on=of_payments(sa.func.max(payment.c.paid_on)),
            ledger_route=sa.select(sa.case((draft, sa.null()), else_=contract.c.route))
            .where(contract.c.id == table.c.contract_id)
            .scalar_subquery(),
            ledger_number=sa.select(contract.c.number)
            .where(contract.c.id == table.c.contract_id)
            .scalar_subquery(),
        )
    )
    move_stamp(connection, LEDGER_STAMP)  # a bulk UPDATE: no flush moves it


# ── the stamp of the ledger ─────────────────────────────────────────────────────────────────

# moved by every transaction whose flushes add, change or remove a row of what the ledger's
# count and totals read (keep_ledger_stamp notes it, the commit moves it); they are kept under
# it (core.cache.written_figure: payments.ledger_query.kept_ledger_totals). A bulk write of
# these tables that bypasses the session moves it itself (refresh_ledger_figures; a migration
# that changes their rows would too: the bulk inserts of benchdata end with
# refresh_ledger_figures).
LEDGER_STAMP = "payments.ledger#stamp"
# what the ledger's filters and sums read: any change of one of these rows moves the stamp
LEDGER_MODELS = (Installment, Payment, Contract, Organization)


# every flush that adds, changes or removes an installment, a payment, a contract or an
# organization moves LEDGER_STAMP, whichever operation made it
keep_ledger_stamp = stamp_on_flush(LEDGER_STAMP, dict.fromkeys(LEDGER_MODELS))


class ExportJob(TimestampMixin, db.Model):
    """导出任务: a long export (all contract PDFs of a call, a large ledger) whose progress a
    page polls.

    Everything about the job is here, not in process memory: the row is also the queue entry
    that a worker claims (venture/payments/jobs.py).
    """

    __tablename__ = "export_job"

    id: Mapped[Key]
    kind: Mapped[str] = mapped_column(sa.String(30))
    call_id: Mapped[int | None] = mapped_column(sa.ForeignKey("call.id"), index=True)
    state: Mapped[JobState] = mapped_column(
        enum_type(JobState, 20), default=JobState.QUEUED, index=True
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # the claim: who runs it, when it last said so (a stale heartbeat frees it), how often tried
    worker: Mapped[str | None] = mapped_column(sa.String(120))
    heartbeat_at: Mapped[Moment | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    file_id: Mapped[FileId | None]
    error: Mapped[Text | None]
    requested_by_id: Mapped[UserId]
    started_at: Mapped[Moment | None]
    finished_at: Mapped[Moment | None]
    # what the handler needs besides the call: a ledger's filters (as in the page's query
    # string) and the language the person asked in
    parameters: Mapped[dict | None] = mapped_column(sa.JSON)

    call = relationship("Call")
    file = relationship("StoredFile")
    requested_by = relationship("User")

    __table_args__ = (sa.CheckConstraint("done >= 0 AND done <= total", name="progress_range"),)

    @property
    def kind_label(self):
        return ExportKind(self.kind).label

    @property
    def percent(self):
        return 100 if not self.total else int(self.done * 100 / self.total)
