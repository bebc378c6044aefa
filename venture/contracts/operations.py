"""Contract operations: draft from an award, edit, set installments, issue, sign, close."""

from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from venture.calls.enums import InstallmentCondition
from venture.contracts import document
from venture.contracts.enums import ContractState
from venture.contracts.hooks import INSTALLMENTS
from venture.contracts.lifecycle import CONTRACT_WORKFLOW
from venture.contracts.models import Contract, ContractCounter
from venture.contracts.permissions import can_manage_contracts, can_upload_scan
from venture.core import audit
from venture.core.actions import Refused
from venture.core.files import PDF_OR_IMAGE, UploadRefused, store_upload
from venture.core.lifecycle import TransitionRefused, transition
from venture.core.pdf import MissingGlyphs
from venture.core.timeutil import local_today, now
from venture.documents import operations as documents
from venture.documents import signing
from venture.documents.enums import DocumentKind
from venture.documents.pki import SigningUnavailable
from venture.extensions import db
from venture.procurement.enums import AwardState

TERM_FIELDS = (
    "title",
    "legal_basis",
    "service_content",
    "places",
    "start_date",
    "end_date",
    "quantity_targets",
    "quality_targets",
)


class ContractError(Refused):
    """A refused contract change; field names the form field to show it on."""


def contract_number(route, year, sequence):
    """XF-GYCT-2026-0007: district, route, year, sequence within year and route."""
    return f"XF-{route.code}-{year}-{sequence:04d}"


def next_sequence(year, route):
    """Take the next number of (year, route) in the current transaction.

    One atomic upsert on the counter row: the row lock (PostgreSQL) or the write lock (SQLite)
    makes concurrent drafts wait for each other, so no two get the same number, and a rolled
    back draft leaves a gap rather than a number given twice.
    """
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    table = ContractCounter.__table__
    statement = (
        insert(table)
        .values(year=year, route=route.value, last=1)
        .on_conflict_do_update(
            index_elements=[table.c.year, table.c.route], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    return db.session.execute(statement).scalar_one()


def find_contract_for_award(award_id):
    return db.session.scalar(sa.select(Contract).where(Contract.award_id == award_id))


def _plan_rows(plan):
    return [(Decimal(str(row["percent"])), InstallmentCondition(row["condition"])) for row in plan]


def draft_contract(award, *, actor):
    """A draft contract from a final award, numbered and with the call's installment plan."""
    if not can_manage_contracts(actor):
        raise ContractError(_("You are not allowed to do this."))
    if award.state != AwardState.FINAL:
        raise ContractError(_("Contracts are drafted from final awards only."))
    if find_contract_for_award(award.id) is not None:
        raise ContractError(_("This award already has a contract."))
    year = local_today().year
    sequence = next_sequence(year, award.route)
    contract = Contract(
        number=contract_number(award.route, year, sequence),
        year=year,
        sequence=sequence,
        route=award.route,
        award=award,
        call_id=award.call_id,
        organization_id=award.organization_id,
        application_id=award.application_id,
        amount=award.amount,
        created_by_id=actor.id,
        **document.default_terms(award),
    )
    contract.installments = INSTALLMENTS.plan_installments(
        award.amount, _plan_rows(award.call.installment_plan)
    )
    audit.record_added(
        "contract.draft",
        contract,
        actor=actor,
        after={"number": contract.number, "amount": contract.amount, "award_id": award.id},
    )
    return contract


def _require_draft(contract):
    if not contract.is_draft:
        raise ContractError(
            _(
                "The contract is %(state)s: only a draft can be changed.",
                state=contract.state.label,
            )
        )


def update_contract(contract, *, terms, actor):
    """Change the terms of a draft; the term must end after it starts."""
    _require_draft(contract)
    if terms["end_date"] <= terms["start_date"]:
        raise ContractError(_("The end date must be after the start date."), "end_date")
    before = audit.snapshot(contract, TERM_FIELDS)
    for key in TERM_FIELDS:
        setattr(contract, key, terms[key])
    audit.record_changes(
        "contract.update", contract, actor=actor, before=before, fields=TERM_FIELDS
    )


def parse_plan(rows):
    """[(percent text, condition)] from a form → [(Decimal, InstallmentCondition)], or refuse."""
    parsed = []
    for percent_text, condition in rows:
        try:
            percent = Decimal(str(percent_text).strip().rstrip("%"))
        except InvalidOperation:
            raise ContractError(_("A percentage must be a number such as 30.")) from None
        if not percent.is_finite() or percent <= 0 or percent > 100:
            raise ContractError(_("Each percentage must be more than 0 and at most 100."))
        if percent != percent.quantize(Decimal("0.01")):
            raise ContractError(_("Percentages have at most two decimal places."))
        parsed.append((percent, InstallmentCondition(condition)))
    if not parsed:
        raise ContractError(_("A contract needs at least one installment."))
    total = sum((p for p, _c in parsed), Decimal("0"))
    if total != 100:
        raise ContractError(
            _("The percentages add up to %(total)s%%; they must add up to 100%%.", total=total)
        )
    return parsed


def _plan_snapshot(contract):
    return {
        "installments": [
            {"percent": str(i.percent), "condition": str(i.condition), "amount": str(i.amount)}
            for i in contract.installments
        ]
    }


def set_installment_plan(contract, rows, *, actor):
    """Replace a draft's installments; amounts follow the percentages, the remainder last."""
    _require_draft(contract)
    parsed = parse_plan(rows)
    before = _plan_snapshot(contract)
    contract.installments = []
    db.session.flush()  # free the positions before the new rows take them
    contract.installments = INSTALLMENTS.plan_installments(contract.amount, parsed)
    audit.record(
        "contract.installments",
        contract,
        actor=actor,
        before=before,
        after=_plan_snapshot(contract),
    )


def issue_contract(contract, *, actor):
    """Render and store the document of record, then send the contract to the organization."""
    refusal = CONTRACT_WORKFLOW.refusal(contract, "issue", actor)
    if refusal:
        raise TransitionRefused(refusal)
    data = document.document_data(contract)
    issued = documents.register_document(
        DocumentKind.CONTRACT,
        contract,
        reference=contract.number,
        title=contract.title,
        parties=[data["party_a"]["name"], data["party_b"]["name"]],
        amount=contract.amount,
        actor=actor,
    )
    data["verify"] = documents.verification_mark(issued)
    try:
        pdf, boxes = document.render_contract_for_signing(data)
    except MissingGlyphs as missing:
        raise TransitionRefused(
            _(
                "The contract contains characters the PDF fonts cannot draw: %(chars)s. Please "
                "correct them before issuing.",
                chars=" ".join(missing.characters),
            )
        ) from None
    # Party A certifies the document at issue; Party B's field waits for the organization
    signed_at = now()
    try:
        pdf = signing.certify_contract(
            pdf, boxes, party_a_name=data["party_a"]["name"], signer_name=actor.name
        )
    except SigningUnavailable as problem:
        raise TransitionRefused(_signing_problem(problem)) from None
    version = documents.record_version(
        issued,
        pdf,
        label="issued",
        signatures=[_signature("party_a", data["party_a"]["name"], actor.name, signed_at)],
        name=document.file_name(contract),
        actor=actor,
    )
    contract.document = version.file
    contract.document_data = data
    contract.template_version = document.CONTRACT_TEMPLATE_VERSION
    contract.issued_at = now()
    contract.issued_by_id = actor.id
    transition(CONTRACT_WORKFLOW, contract, "issue", actor=actor)
    audit.record(
        "contract.document",
        contract,
        actor=actor,
        after={
            "template_version": contract.template_version,
            "sha256": contract.document.sha256,
            "amount": contract.amount,
            "verification_code": issued.code,
        },
    )


def _signing_problem(problem):
    return _(
        "The platform's signing certificate cannot be used (%(problem)s); please tell the "
        "administrator.",
        problem=str(problem),
    )


def _signature(role, organization, signer, at):
    return {"role": role, "organization": organization, "signer": signer, "at": at.isoformat()}


def sign_contract_online(contract, *, actor, password, address):
    """Party B signs in the browser: the member re-enters their password (step-up), then the
    platform signs with the organization's event certificate as an incremental update."""
    refusal = CONTRACT_WORKFLOW.refusal(contract, "sign_online", actor)
    if refusal:
        raise TransitionRefused(refusal)
    if not password or not actor.check_password(password):
        raise ContractError(
            _("The password is not correct; the contract was not signed."), "password"
        )
    issued = documents.current_document(contract)
    if issued is None or issued.current is None:
        raise ContractError(
            _("This contract was issued without an electronic signature; upload the scan.")
        )
    signed_at = now()
    try:
        pdf = signing.sign_party_b(
            issued.current.file.path.read_bytes(), contract.organization, signer_name=actor.name
        )
    except SigningUnavailable as problem:
        raise ContractError(_signing_problem(problem)) from None
    version = documents.record_version(
        issued,
        pdf,
        label="signed",
        signatures=[
            *issued.current.signatures,
            _signature("party_b", contract.organization.name, actor.name, signed_at),
        ],
        name=document.file_name(contract, "-signed"),
        actor=actor,
    )
    contract.document = version.file
    contract.signed_online_at = signed_at
    contract.signed_online_by_id = actor.id
    contract.signed_online_address = (address or "")[:45] or None
    transition(CONTRACT_WORKFLOW, contract, "sign_online", actor=actor)
    contract.signed_on = local_today()
    audit.record(
        "contract.signed_online",
        contract,
        actor=actor,
        after={
            "signer": actor.name,
            "address": contract.signed_online_address,
            "sha256": version.sha256,
            "signed_at": signed_at,
        },
    )
    INSTALLMENTS.contract_signed(contract)


def upload_signed_scan(contract, storage, *, actor, reason):
    """The exception to signing online: the organization returns the contract signed and
    sealed on paper (PDF or image scan), saying why it cannot sign online."""
    if not can_upload_scan(actor, contract):
        raise ContractError(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ContractError(
            _("Say why the organization cannot sign online before uploading a scan."), "reason"
        )
    if contract.state != ContractState.ISSUED:
        raise ContractError(
            _(
                "The contract is %(state)s: a signed copy is uploaded while it is issued.",
                state=contract.state.label,
            )
        )
    try:
        scan = store_upload(storage, allowed=PDF_OR_IMAGE, actor=actor)
    except UploadRefused as refused:
        raise ContractError(str(refused), "scan") from None
    before = {"signed_scan_id": contract.signed_scan_id, "scan_reason": contract.scan_reason}
    contract.signed_scan = scan
    contract.scan_uploaded_at = now()
    contract.scan_reason = reason[:2000]
    db.session.flush()
    audit.record(
        "contract.signed_scan",
        contract,
        actor=actor,
        before=before,
        after={"signed_scan_id": scan.id, "sha256": scan.sha256},
        reason=contract.scan_reason,
    )


def confirm_signature(contract, *, actor, signed_on=None):
    """Staff confirm the scan: the contract is signed and on-signing installments fall due."""
    signed_on = signed_on or local_today()
    if signed_on > local_today():
        raise ContractError(_("The signing date cannot be in the future."), "signed_on")
    transition(CONTRACT_WORKFLOW, contract, "confirm_signature", actor=actor)
    contract.signed_on = signed_on
    contract.signature_confirmed_at = now()
    contract.signature_confirmed_by_id = actor.id
    INSTALLMENTS.contract_signed(contract)


def decide_contract(contract, action, *, actor, reason=None):
    """recall / put_in_force / complete / terminate through the contract's table."""
    previous_reason = contract.termination_reason
    if action == "terminate" and reason and reason.strip():
        # set first: the database refuses a terminated contract without its reason, and the
        # transition's hooks (delivery follows contracts) may flush
        contract.termination_reason = reason.strip()
    try:
        transition(CONTRACT_WORKFLOW, contract, action, actor=actor, reason=reason)
    except TransitionRefused:
        contract.termination_reason = previous_reason
        raise
    if action == "recall":
        # the organization signs the corrected version, not the recalled one
        contract.signed_scan = None
        contract.scan_uploaded_at = None
        contract.scan_reason = None
        documents.supersede_documents(contract, actor=actor, reason=reason)
    elif action == "put_in_force":
        contract.in_force_at = now()
    elif action == "complete":
        contract.completed_at = now()
    elif action == "terminate":
        contract.terminated_at = now()
        documents.terminate_documents(contract, actor=actor, reason=reason)
