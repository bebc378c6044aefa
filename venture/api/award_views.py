"""The API's money trail: awards of every route, service contracts with their installments
and documents, and recorded payments. Lists are declarations (venture/api/listing.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from venture.api import representations as rep
from venture.api.base import CONTRACT_READERS, api, require
from venture.api.listing import days, equal, list_operation, of_call, one_of, scoped
from venture.api.permissions import award_scope, can_read_contract, contract_scope, payment_scope
from venture.api.registry import Param
from venture.calls.enums import Route
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.files import send_stored
from venture.extensions import db
from venture.payments.models import Installment, Payment
from venture.procurement.enums import AwardState
from venture.procurement.models import Award

# ── awards ────────────────────────────────────────────────────────────────────────────────────


list_operation(
    "/awards",
    "awards",
    query=scoped(Award, award_scope, Award.id.desc()),
    filters=(
        of_call(Award.call_id),
        one_of("state", AwardState, Award.state, _l("Only awards in this state.")),
        one_of("route", Route, Award.route, _l("Only awards of this route.")),
        days("final", Award.final_at),
    ),
    summary=_l("Awards of every route"),
    description=_l(
        "Final awards, and proposed ones once their result is announced (公示); your "
        "organization's own; all of them for staff, finance and administrators."
    ),
    render=rep.award,
    tag="awards",
    response="Award",
)


@api.operation("/awards/<int:award_id>", summary=_l("One award"), tag="awards", response="Award")
def award(award_id):
    found = db.session.scalar(
        sa.select(Award).where(Award.id == award_id, award_scope(current_user))
    )
    require(found is not None)
    return rep.award(found)


# ── contracts and payments ────────────────────────────────────────────────────────────────────


def _contracts_query():
    return (
        sa.select(Contract)
        .where(contract_scope(current_user))
        .options(selectinload(Contract.installments).selectinload(Installment.payments))
    )


list_operation(
    "/contracts",
    "contracts",
    query=lambda: _contracts_query().order_by(Contract.id.desc()),
    filters=(
        of_call(Contract.call_id),
        one_of("state", ContractState, Contract.state, _l("Only contracts in this state.")),
        days("signed", Contract.signed_on, dates=True),
    ),
    render=rep.contract,
    summary=_l("Service contracts"),
    description=_l("Your organization's issued contracts; all of them for staff and finance."),
    tag="contracts",
    access=CONTRACT_READERS,
    response="Contract",
)


def _visible_contract(contract_id):
    record = db.session.scalar(_contracts_query().where(Contract.id == contract_id))
    require(record is not None and can_read_contract(current_user, record))
    return record


@api.operation(
    "/contracts/<int:contract_id>",
    summary=_l("One contract, with its installments"),
    tag="contracts",
    access=CONTRACT_READERS,
    response="Contract",
)
def contract(contract_id):
    return rep.contract(_visible_contract(contract_id))


@api.operation(
    "/contracts/<int:contract_id>/pdf",
    summary=_l("The issued contract document (PDF)"),
    tag="contracts",
    media="application/pdf",
    access=CONTRACT_READERS,
)
def contract_pdf(contract_id):
    record = _visible_contract(contract_id)
    require(record.document is not None and not record.is_draft)
    return send_stored(record.document)


list_operation(
    "/payments",
    "payments",
    query=lambda: (
        sa.select(Payment)
        .join(Installment, Installment.id == Payment.installment_id)
        .join(Contract, Contract.id == Installment.contract_id)
        .where(payment_scope(current_user))
        .options(joinedload(Payment.installment).joinedload(Installment.contract))
        .order_by(Payment.paid_on.desc(), Payment.id.desc())
    ),
    filters=(
        of_call(Contract.call_id),
        equal(
            Param("contract_id", "integer", _l("Only the payments of this contract.")), Contract.id
        ),
        days("paid", Payment.paid_on, dates=True),
    ),
    render=rep.payment,
    summary=_l("Recorded payments"),
    description=_l(
        "Payments recorded by finance: the whole ledger for finance and staff, your "
        "organization's own otherwise."
    ),
    tag="payments",
    access=CONTRACT_READERS,
    response="Payment",
)
