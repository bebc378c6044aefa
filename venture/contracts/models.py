"""Contracts (服务合同) drafted from final awards, and their yearly number counters."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from venture.calls.enums import Route
from venture.contracts.enums import ACTIVE_STATES, ContractState
from venture.core.columns import Amount, BlankText, Key, Moment, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import children
from venture.extensions import db
from venture.procurement.enums import AwardState
from venture.procurement.models import Award


class ContractCounter(db.Model):
    """合同编号计数器: the last number given per (year, route); numbers are never reused."""

    __tablename__ = "contract_counter"

    id: Mapped[Key]
    year: Mapped[int]
    route: Mapped[Route] = mapped_column(enum_type(Route))
    last: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("year", "route", name="uq_contract_counter_year_route"),
        sa.CheckConstraint("last >= 1", name="last_positive"),
    )


class Contract(TimestampMixin, db.Model):
    """服务合同 / 项目协议书: one per final award, e.g. XF-GYCT-2026-0007.

    Editable only as a draft. On issue the rendered PDF, the template version and the JSON data
    it was rendered from are stored, so the document can be reproduced later.
    """

    __tablename__ = "contract"

    id: Mapped[Key]
    number: Mapped[str] = mapped_column(sa.String(30), unique=True)
    year: Mapped[int]
    sequence: Mapped[int]
    route: Mapped[Route] = mapped_column(enum_type(Route), index=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("award.id"), unique=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"))
    state: Mapped[ContractState] = mapped_column(
        enum_type(ContractState, 20), default=ContractState.DRAFT, index=True
    )
    amount: Mapped[Amount]
    # the terms, filled from the award and the application, editable while a draft
    title: Mapped[str] = mapped_column(sa.String(200))
    legal_basis: Mapped[Text]
    service_content: Mapped[BlankText]
    places: Mapped[BlankText]
    start_date: Mapped[date]
    end_date: Mapped[date]
    quantity_targets: Mapped[BlankText]
    quality_targets: Mapped[BlankText]
    # the document of record, set on issue
    template_version: Mapped[str | None] = mapped_column(sa.String(20))
    document_data: Mapped[dict | None] = mapped_column(sa.JSON)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    issued_at: Mapped[Moment | None]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # the organization's signed and sealed scan, confirmed by staff
    signed_scan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    scan_uploaded_at: Mapped[Moment | None]
    signed_on: Mapped[date | None]
    signature_confirmed_at: Mapped[Moment | None]
    signature_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # why the organization returned a scan instead of signing online (the exception's reason)
    scan_reason: Mapped[Text | None]
    # signed online by a member of the organization (电子签署): who, when, from which address
    signed_online_at: Mapped[Moment | None]
    signed_online_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    signed_online_address: Mapped[str | None] = mapped_column(sa.String(45))
    in_force_at: Mapped[Moment | None]
    completed_at: Mapped[Moment | None]
    terminated_at: Mapped[Moment | None]
    termination_reason: Mapped[Text | None]
    created_by_id: Mapped[UserId]
    # 预算调整 after a cut (核减): the organization re-allocates its budget table to the awarded
    # amount, [{"category": code, "amount": "1234.00"}], and staff confirm it; the application's
    # budget lines stay as the request (history)
    budget_allocation: Mapped[list | None] = mapped_column(sa.JSON)
    budget_proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    budget_proposed_at: Mapped[Moment | None]
    budget_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    budget_confirmed_at: Mapped[Moment | None]
    # optimistic locking: two staff editing one draft cannot overwrite each other
    version: Mapped[int] = mapped_column(default=1)

    award = relationship("Award")
    call = relationship("Call", lazy="joined")
    organization = relationship("Organization", lazy="joined")
    application = relationship("Application")
    document = relationship("StoredFile", foreign_keys=[document_id])
    signed_scan = relationship("StoredFile", foreign_keys=[signed_scan_id])
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    signature_confirmed_by = relationship("User", foreign_keys=[signature_confirmed_by_id])
    signed_online_by = relationship("User", foreign_keys=[signed_online_by_id])
    budget_proposed_by = relationship("User", foreign_keys=[budget_proposed_by_id])
    budget_confirmed_by = relationship("User", foreign_keys=[budget_confirmed_by_id])
    installments = children("Installment", "contract", order_by="Installment.position")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint("year", "route", "sequence", name="uq_contract_year_route_sequence"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(
            "state != 'terminated' OR termination_reason IS NOT NULL",
            name="terminated_has_reason",
        ),
        sa.CheckConstraint("end_date > start_date", name="term_positive"),
    )

    @property
    def signed_online(self):
        return self.signed_online_at is not None

    @property
    def is_draft(self):
        return self.state == ContractState.DRAFT

    @property
    def is_active(self):
        """Signed or in force: conditions can hold and money can move."""
        return self.state in ACTIVE_STATES


# ── the awards waiting for a contract, kept on the award ────────────────────────────────────


@sa.event.listens_for(Session, "before_flush")
def keep_awaiting_contract(session, _context, _instances):
    """Every flush that adds or removes a contract, or adds an award or changes its state,
    keeps the awards' awaiting_contract right (final, and no contract drafted from it),
    whichever operation made the change."""
    drafted = {}  # award -> whether a contract is drafted from it after this flush
    for records, has_contract in ((session.new, True), (session.deleted, False)):
        for contract in records:
            if isinstance(contract, Contract):
                award = contract.award or session.get(Award, contract.award_id)
                if award is not None:
                    drafted[award] = has_contract
    for award in [*session.new, *session.dirty]:
        if not isinstance(award, Award) or award in drafted:
            continue
        if award not in session.new and not sa.inspect(award).attrs.state.history.has_changes():
            continue
        with session.no_autoflush:
            drafted[award] = award.id is not None and session.scalar(
                sa.select(sa.exists().where(Contract.award_id == award.id))
            )
    for award, has_contract in drafted.items():
        awaiting = award.state == AwardState.FINAL and not has_contract
        if award.awaiting_contract != awaiting:
            award.awaiting_contract = awaiting


def refresh_awaiting_contract(connection):
    """Set every award's awaiting_contract from its state and contracts (after bulk inserts)."""
    table = Award.__table__
    connection.execute(
        table.update().values(
            awaiting_contract=sa.and_(
                table.c.state == AwardState.FINAL,
                ~sa.exists().where(Contract.__table__.c.award_id == table.c.id),
            )
        )
    )
