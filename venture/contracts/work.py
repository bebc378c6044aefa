"""The staff's contract work, counted: the staff home shows it twice (its 下一步 list and the
contracts panel), so the 下一步 statement counts it and passes it on for the rest of the
request. A module of its own, without panels: importing it registers nothing, so the home
page's panel order stays as registered."""

from flask import has_request_context, request
from sqlalchemy import func, select

from venture.contracts.enums import ContractState
from venture.contracts.hooks import INSTALLMENTS
from venture.contracts.models import Contract
from venture.extensions import db
from venture.procurement.models import Award


def staff_contract_counts():
    """The staff's contract work as scalar subqueries: awards waiting for a contract, drafts,
    signed scans to confirm, releases to approve (the staff home's 下一步 counts them in its
    one statement and passes them on: remember_staff_contract_work)."""
    counts = {
        # final awards without a contract, kept on the award (models.keep_awaiting_contract)
        "awards_waiting": select(func.count())
        .select_from(Award)
        .where(Award.awaiting_contract.is_(True)),
        "drafts": select(func.count())
        .select_from(Contract)
        .where(Contract.state == ContractState.DRAFT),
        "scans_to_confirm": select(func.count())
        .select_from(Contract)
        .where(Contract.state == ContractState.ISSUED, Contract.signed_scan_id.is_not(None)),
        "releases_to_approve": INSTALLMENTS.releases_to_approve(),
    }
    return {name: query.scalar_subquery() for name, query in counts.items()}


def remember_staff_contract_work(work):
    """Keep the counts for the rest of this request: the staff home shows them twice."""
    if has_request_context():
        request.staff_contract_work = work
    return work


def staff_contract_work():
    """{name: count} of staff_contract_counts, counted once a request."""
    if has_request_context() and hasattr(request, "staff_contract_work"):
        return request.staff_contract_work
    counts = staff_contract_counts()
    row = db.session.execute(select(*(q.label(k) for k, q in counts.items()))).one()
    return remember_staff_contract_work(row._asdict())
