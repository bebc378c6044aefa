"""结余资金处理: at closing, what was spent is reconciled with what was paid, and a surplus is
either returned to the bureau (with the bank receipt) or carried over with approval.

One settlement per project, recorded before closing with a PDF that goes into the project's
documents (and so into its archive).
"""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core import audit
from venture.core.db import Money, TimestampMixin, UTCDateTime, enum_type
from venture.core.enums import LabelledEnum
from venture.core.files import store_bytes, store_required_upload
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import now
from venture.extensions import db

DOCUMENT_LABEL = "结余资金处理确认书"


class SettlementKind(LabelledEnum):
    """结余处理方式"""

    NONE = "none", _l("No surplus")  # 无结余
    RETURNED = "returned", _l("Surplus returned")  # 结余退回
    CARRIED_OVER = "carried_over", _l("Surplus carried over with approval")  # 经批准结转


class SurplusSettlement(TimestampMixin, db.Model):
    """结余资金处理: paid − accepted spending of a project at closing, and what became of it."""

    __tablename__ = "surplus_settlement"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("project.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    paid: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    spent: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    surplus: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    kind: Mapped[SettlementKind] = mapped_column(enum_type(SettlementKind, 20), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    receipt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id"), nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    project = relationship("Project")
    receipt = relationship("StoredFile", foreign_keys=[receipt_id])
    document = relationship("StoredFile", foreign_keys=[document_id])
    recorded_by = relationship("User")

    __table_args__ = (
        # in cents: SQLite keeps NUMERIC as floating point
        sa.CheckConstraint(
            "ROUND((paid - spent - surplus) * 100) = 0 AND surplus >= 0", name="surplus_reconciled"
        ),
        sa.CheckConstraint("kind != 'none' OR surplus = 0", name="none_without_surplus"),
        sa.CheckConstraint("kind = 'none' OR surplus > 0", name="kind_with_surplus"),
        sa.CheckConstraint("kind != 'returned' OR receipt_id IS NOT NULL", name="returned_receipt"),
        sa.CheckConstraint("kind != 'carried_over' OR reason != ''", name="carried_over_reason"),
    )


class SettlementRefused(TransitionRefused):
    """A refused settlement; field names the form field."""


def settlement_of(project):
    return db.session.scalar(
        sa.select(SurplusSettlement).where(SurplusSettlement.project_id == project.id)
    )


def _total(query):
    """The sum a query selects, in yuan and fen."""
    return Decimal(db.session.scalar(query)).quantize(Decimal("0.01"))


def paid_on(project):
    """Money paid on the project's contract (finance's payment records)."""
    from venture.payments.models import Installment, Payment

    return _total(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0))
        .join(Installment, Payment.installment_id == Installment.id)
        .where(Installment.contract_id == project.contract_id)
    )


def spent_on(project):
    """Spending of the project's accepted progress reports."""
    from venture.delivery.enums import ReportState
    from venture.delivery.models import Expenditure, ProgressReport

    return _total(
        sa.select(sa.func.coalesce(sa.func.sum(Expenditure.amount), 0))
        .join(ProgressReport, ProgressReport.id == Expenditure.report_id)
        .where(
            ProgressReport.project_id == project.id,
            ProgressReport.state == ReportState.ACCEPTED,
        )
    )


def settle_surplus(project, *, kind, reason="", receipt=None, actor):
    """Staff reconcile spending with payments and record what becomes of the surplus: returned
    (receipt: the bank's receipt upload), carried over (reason: the approval) or none."""
    from venture.delivery.enums import ProjectState
    from venture.delivery.models import ProjectDocument
    from venture.delivery.permissions import can_manage_project

    if not can_manage_project(actor):
        raise SettlementRefused(_("You are not allowed to do this."))
    if project.state != ProjectState.FINAL_EVALUATED:
        raise SettlementRefused(_("The surplus is settled after the passed final evaluation."))
    if settlement_of(project) is not None:
        raise SettlementRefused(_("The surplus of this project is settled already."))
    try:
        kind = SettlementKind(kind)
    except ValueError:
        raise SettlementRefused(_("Choose what becomes of the surplus."), "kind") from None
    reason = (reason or "").strip()
    paid, spent = paid_on(project), spent_on(project)
    surplus = paid - spent
    if surplus < 0:
        raise SettlementRefused(
            _(
                "Accepted spending (%(spent)s) is more than what was paid (%(paid)s); correct "
                "the reports or the payments first.",
                spent=f"¥{spent:,.2f}",
                paid=f"¥{paid:,.2f}",
            )
        )
    if surplus == 0 and kind != SettlementKind.NONE:
        raise SettlementRefused(_("Nothing is left over: there is no surplus to settle."), "kind")
    if surplus > 0 and kind == SettlementKind.NONE:
        raise SettlementRefused(
            _(
                "%(surplus)s was paid but not spent: return it or carry it over.",
                surplus=f"¥{surplus:,.2f}",
            ),
            "kind",
        )
    stored_receipt = None
    if kind == SettlementKind.RETURNED:
        missing = _("Attach the bank receipt of the returned surplus.")
        stored_receipt = store_required_upload(
            receipt, SettlementRefused, "receipt", missing, actor=actor
        )
    if kind == SettlementKind.CARRIED_OVER and not reason:
        raise SettlementRefused(_("Say who approved the carry-over and for what."), "reason")
    recorded_at = now()
    settled = {"paid": paid, "spent": spent, "surplus": surplus, "kind": kind, "reason": reason}
    pdf = _render(project, settled, actor, recorded_at)
    document = store_bytes(
        pdf,
        name=f"{DOCUMENT_LABEL}-{project.contract.number}.pdf",
        content_type="application/pdf",
        actor=actor,
    )
    settlement = SurplusSettlement(
        project_id=project.id,
        **settled,
        receipt=stored_receipt,
        document=document,
        recorded_by_id=actor.id,
        recorded_at=recorded_at,
    )
    db.session.add(settlement)
    documents = [(DOCUMENT_LABEL, document), ("结余退回凭证", stored_receipt)]
    for label, file in documents:
        if file is not None:
            db.session.add(
                ProjectDocument(
                    project_id=project.id, label=label, file=file, uploaded_by_id=actor.id
                )
            )
    audit.record("project.settle_surplus", project, actor=actor, after=settled)
    return settlement


def _render(project, settled, actor, recorded_at):
    from venture.core.pdf import render_pdf

    return render_pdf(
        "pdf/surplus_settlement.html",
        project=project,
        contract=project.contract,
        **settled,
        recorded_by=actor,
        recorded_at=recorded_at,
    )
