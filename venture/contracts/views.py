"""Contract pages: staff drafting and issuing, the organization's copy, signing."""

from functools import partial, wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm.exc import StaleDataError

from venture.auth.enums import Role
from venture.calls.enums import InstallmentCondition
from venture.calls.operations import calls_having
from venture.contracts import document, operations
from venture.contracts.blueprint import bp
from venture.contracts.budget import BUDGET_RULES
from venture.contracts.enums import ContractState
from venture.contracts.forms import (
    ConfirmSignatureForm,
    ContractTermsForm,
    DecisionForm,
    InstallmentPlanForm,
    ScanForm,
    SignForm,
)
from venture.contracts.hooks import INSTALLMENTS
from venture.contracts.lifecycle import CONTRACT_WORKFLOW, installment_problem
from venture.contracts.models import Contract
from venture.contracts.permissions import (
    can_manage_contracts,
    can_see_draft,
    can_sign_contract,
    can_upload_scan,
    can_view_contract,
)
from venture.contracts.work import staff_contract_work
from venture.core.access import deny_unless, roles_required
from venture.core.actions import button, flash_form_errors, post_action, run_action
from venture.core.audit import AuditEntry
from venture.core.concurrency import changed_since, stale_message, version_token
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.integers import record_id
from venture.core.pagination import paginate
from venture.core.panels import home_panel
from venture.core.timeutil import local_today
from venture.documents.operations import current_document
from venture.extensions import db
from venture.orgs.models import Organization
from venture.procurement.enums import AwardState
from venture.procurement.models import Award

VIEWERS = (Role.STAFF, Role.FINANCE, Role.APPLICANT)
# how the audit entries of a contract and its installments read in its history
HISTORY_LABELS = {
    "contract.draft": _l("Contract drafted"),
    "contract.update": _l("Terms changed"),
    "contract.installments": _l("Installments changed"),
    "contract.issue": _l("Issued to the organization"),
    "contract.document": _l("Document stored"),
    "contract.signed_scan": _l("Signed scan uploaded"),
    "contract.sign_online": _l("Signed online by the organization"),
    "contract.signed_online": _l("Electronic signature applied"),
    "contract.confirm_signature": _l("Signature confirmed"),
    "contract.recall": _l("Recalled to draft"),
    "contract.put_in_force": _l("Put in force"),
    "contract.complete": _l("Completed"),
    "contract.terminate": _l("Terminated"),
    "installment.meet_condition": _l("Condition met"),
    "installment.approve_release": _l("Release approved"),
    "installment.mark_paid": _l("Paid in full"),
    "payment.record": _l("Payment recorded"),
}


def get_contract_or_404(contract_id):
    """The contract if the current user may see it; 404 otherwise, whoever asks."""
    contract = db.session.get(
        Contract,
        contract_id,
        options=[INSTALLMENTS.load_installments()],
    )
    deny_unless(contract is not None, 404)
    deny_unless(can_view_contract(current_user, contract), 404)
    deny_unless(can_see_draft(current_user, contract), 404)
    return contract


def _saved(operation):
    """The operation with its changes written: a concurrent change by someone else (the
    version column's conditional UPDATE) is a refusal to show, not a 500."""

    @wraps(operation)
    def run(*args):
        result = operation(*args)
        try:
            db.session.flush()
        except StaleDataError:
            raise operations.ContractError(
                _("Someone else changed this contract meanwhile; please reload.")
            ) from None
        return result

    return run


def _contract_url(contract):
    return url_for("contracts.show", contract_id=contract.id)


def _awards_awaiting_contract():
    return (
        select(Award)
        .outerjoin(Contract, Contract.award_id == Award.id)
        .where(Award.state == AwardState.FINAL, Contract.id.is_(None))
        .order_by(Award.final_at, Award.id)
    )


@bp.route("/staff/contracts")
@roles_required(Role.STAFF, Role.FINANCE)
def index():
    """All contracts, filtered by state, call and a search text; awards waiting for one."""
    state = request.args.get("state", "")
    call_id = request.args.get("call", type=record_id)
    text = request.args.get("q", "").strip()[:100]
    query = select(Contract).order_by(Contract.created_at.desc(), Contract.id.desc())
    if state in {s.value for s in ContractState}:
        query = query.where(Contract.state == ContractState(state))
    if call_id:
        query = query.where(Contract.call_id == call_id)
    if text:
        like = f"%{text}%"
        query = query.join(Contract.organization).where(
            or_(
                Contract.number.ilike(like),
                Contract.title.ilike(like),
                Organization.name.ilike(like),
            )
        )
    page = paginate(query)
    awaiting = (
        db.session.scalars(_awards_awaiting_contract().limit(50)).all()
        if can_manage_contracts(current_user)
        else []
    )
    return render_template(
        "contracts/index.html",
        page=page,
        state=state,
        call_id=call_id,
        q=text,
        states=list(ContractState),
        calls=calls_having(Contract.call_id),
        awaiting=awaiting,
    )


@bp.route("/staff/awards/<int:award_id>/contract", methods=["POST"])
@roles_required(Role.STAFF)
def draft(award_id):
    award = db.session.get(Award, award_id)
    deny_unless(award is not None, 404)
    if not DecisionForm().validate_on_submit():
        abort(400)
    done = run_action(
        lambda: operations.draft_contract(award, actor=current_user),
        success=lambda contract: _(
            "Draft contract %(number)s was created.", number=contract.number
        ),
        target=_contract_url,
    )
    if done:
        return done
    existing = operations.find_contract_for_award(award_id)
    return redirect(_contract_url(existing) if existing else url_for("contracts.index"))


@bp.route("/contracts/mine")
@roles_required(Role.APPLICANT)
def mine():
    """The organization's contracts (issued onwards)."""
    query = (
        select(Contract)
        .where(
            Contract.organization_id == (current_user.organization_id or -1),
            Contract.state != ContractState.DRAFT,
        )
        .order_by(Contract.created_at.desc(), Contract.id.desc())
    )
    return render_template("contracts/mine.html", page=paginate(query))


def _history(contract):
    installment_ids = [i.id for i in contract.installments]
    return db.session.scalars(
        select(AuditEntry)
        .where(
            or_(
                (AuditEntry.object_type == "Contract") & (AuditEntry.object_id == contract.id),
                (AuditEntry.object_type == "Installment")
                & AuditEntry.object_id.in_(installment_ids or [-1]),
            )
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(100)
    ).all()


@bp.route("/contracts/<int:contract_id>")
@roles_required(*VIEWERS)
def show(contract_id):
    contract = get_contract_or_404(contract_id)
    staff = can_manage_contracts(current_user)
    issued_document = current_document(contract) if not contract.is_draft else None
    return render_template(
        "contracts/show.html",
        contract=contract,
        staff=staff,
        actions=[
            t
            for t in CONTRACT_WORKFLOW.available(contract, current_user)
            if t.action not in ("issue", "confirm_signature", "sign_online")
        ],
        can_issue=staff and contract.is_draft,
        plan_problem=installment_problem(contract),
        can_upload=can_upload_scan(current_user, contract)
        and contract.state == ContractState.ISSUED,
        can_sign=can_sign_contract(current_user, contract)
        and contract.state == ContractState.ISSUED
        and issued_document is not None,
        issued_document=issued_document,
        scan_form=ScanForm(),
        sign_form=SignForm(),
        confirm_form=ConfirmSignatureForm(signed_on=local_today()),
        decision_form=DecisionForm(),
        **INSTALLMENTS.show_parts(contract, current_user, staff=staff),
        InstallmentCondition=InstallmentCondition,
        budget_refusal=BUDGET_RULES.budget_refusal(contract) if contract.is_draft else None,
        history=_history(contract) if staff or current_user.has_role(Role.FINANCE) else [],
        history_labels=HISTORY_LABELS,
    )


def _terms_snapshot(contract):
    return {name: getattr(contract, name) for name in operations.TERM_FIELDS}


def draft_only(page):
    """A page that changes a draft contract: it is given the contract, and for a contract past
    its draft goes back to the contract's page with a note."""

    @wraps(page)
    def view(contract_id):
        contract = get_contract_or_404(contract_id)
        if not contract.is_draft:
            flash(_("Only a draft can be changed."), "warning")
            return redirect(url_for("contracts.show", contract_id=contract.id))
        return page(contract)

    return view


def _term_labels(form):
    return {name: getattr(form, name).label.text for name in operations.TERM_FIELDS}


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
@draft_only
def edit(contract):
    form = ContractTermsForm(obj=contract)
    saved = _terms_snapshot(contract)
    if request.method == "GET":
        form.version_token.data = version_token(saved)
    elif changed := changed_since(form.version_token.data, saved):
        # a colleague saved first: keep what this person typed, say what changed, and let a
        # second save (now against the current version) apply it deliberately
        flash(stale_message(changed, _term_labels(form), saved), "danger")
        form.version_token.data = version_token(saved)
        return render_template("contracts/edit.html", form=form, contract=contract), 409
    if form.validate_on_submit():
        terms = {name: getattr(form, name).data for name in operations.TERM_FIELDS}
        for name in ("title", "legal_basis", "service_content", "places"):
            terms[name] = terms[name].strip()
        terms["quantity_targets"] = terms["quantity_targets"] or ""
        terms["quality_targets"] = terms["quality_targets"] or ""
        try:
            operations.update_contract(contract, terms=terms, actor=current_user)
            db.session.commit()
        except operations.ContractError as error:
            db.session.rollback()
            getattr(form, error.field or "title").errors.append(str(error))
        except StaleDataError:
            # saved by a colleague at the same instant (the version column's conditional
            # UPDATE): as for a stale page, name what changed and let a second save apply it
            db.session.rollback()
            saved = _terms_snapshot(contract)
            changed = changed_since(form.version_token.data, saved) or list(saved)
            flash(stale_message(changed, _term_labels(form), saved), "danger")
            form.version_token.data = version_token(saved)
            return render_template("contracts/edit.html", form=form, contract=contract), 409
        else:
            flash(_("The contract terms were saved."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id))
    status = 400 if request.method == "POST" else 200
    return render_template("contracts/edit.html", form=form, contract=contract), status


@bp.route("/contracts/<int:contract_id>/installments", methods=["GET", "POST"])
@roles_required(Role.STAFF)
@draft_only
def installments(contract):
    form = InstallmentPlanForm()
    error = None
    if request.method == "GET":
        form = InstallmentPlanForm(
            data={
                "rows": [
                    {"percent": f"{i.percent.normalize():f}", "condition": i.condition.value}
                    for i in contract.installments
                ]
                + [{"percent": "", "condition": InstallmentCondition.FINAL_PASSED.value}]
            }
        )
    elif form.validate_on_submit():
        rows = [
            (row.percent.data, row.condition.data)
            for row in form.rows
            if (row.percent.data or "").strip()
        ]
        try:
            operations.set_installment_plan(contract, rows, actor=current_user)
            db.session.commit()
        except operations.ContractError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            flash(_("The installments were saved."), "success")
            return redirect(url_for("contracts.show", contract_id=contract.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "contracts/installments.html", form=form, contract=contract, error=error
    ), status


@bp.route("/contracts/<int:contract_id>/preview.pdf")
@roles_required(Role.STAFF, Role.FINANCE)
def preview(contract_id):
    """The contract as it would be issued now, watermarked 草稿 while a draft."""
    contract = get_contract_or_404(contract_id)
    pdf = document.contract_pdf(contract)
    return send_download(
        pdf, filename=f"{contract.number}-draft.pdf", mimetype="application/pdf", inline=True
    )


@bp.route("/contracts/<int:contract_id>/document.pdf")
@roles_required(*VIEWERS)
def document_pdf(contract_id):
    """The issued document of record."""
    contract = get_contract_or_404(contract_id)
    deny_unless(contract.document is not None and not contract.is_draft, 404)
    return send_stored(contract.document, inline=True)


@bp.route("/contracts/<int:contract_id>/signed-scan")
@roles_required(*VIEWERS)
def signed_scan(contract_id):
    contract = get_contract_or_404(contract_id)
    deny_unless(contract.signed_scan is not None, 404)
    return send_stored(contract.signed_scan)


@bp.route("/contracts/<int:contract_id>/signed-scan/upload", methods=["POST"])
@roles_required(Role.APPLICANT)
def upload_scan(contract_id):
    contract = get_contract_or_404(contract_id)
    deny_unless(can_upload_scan(current_user, contract), 404)
    form = ScanForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.scan.data:
        flash(_("Choose the scanned file first."), "danger")
        return redirect(url_for("contracts.show", contract_id=contract.id))
    done = run_action(
        _saved(
            lambda: operations.upload_signed_scan(
                contract, form.scan.data, actor=current_user, reason=form.reason.data
            )
        ),
        success=_("Thank you: staff will check the signed contract and confirm it."),
        target=_contract_url(contract),
    )
    return done or redirect(_contract_url(contract))


contract_button = partial(button, load=get_contract_or_404, target=_contract_url)


def _contract_to_sign(contract_id):
    contract = get_contract_or_404(contract_id)
    deny_unless(can_sign_contract(current_user, contract), 404)
    return contract


@bp.route("/contracts/<int:contract_id>/sign", methods=["POST"])
@roles_required(Role.APPLICANT)
@contract_button(
    load=_contract_to_sign, success=_l("The contract is signed by both parties."), form=SignForm
)
@_saved
def sign(contract, form):
    """Party B signs online after re-entering the password (step-up)."""
    return operations.sign_contract_online(
        contract, actor=current_user, password=form.password.data, address=request.remote_addr
    )


@bp.route("/contracts/<int:contract_id>/issue", methods=["POST"])
@roles_required(Role.STAFF)
@contract_button(
    success=lambda contract, _result: _(
        "Contract %(number)s was issued; the organization can now download, sign and return it.",
        number=contract.number,
    ),
    form=DecisionForm,
)
@_saved
def issue(contract, _form):
    return operations.issue_contract(contract, actor=current_user)


@bp.route("/contracts/<int:contract_id>/confirm-signature", methods=["POST"])
@roles_required(Role.STAFF)
@contract_button(
    success=_l("The contract is signed."), form=ConfirmSignatureForm, invalid=flash_form_errors
)
@_saved
def confirm_signature(contract, form):
    return operations.confirm_signature(contract, actor=current_user, signed_on=form.signed_on.data)


@bp.route(
    "/contracts/<int:contract_id>/<any(recall, put_in_force, complete, terminate):action>",
    methods=["POST"],
)
@roles_required(Role.STAFF)
def decide(contract_id, action):
    contract = get_contract_or_404(contract_id)
    form = DecisionForm()
    return post_action(
        _saved(
            lambda: operations.decide_contract(
                contract, action, actor=current_user, reason=form.reason.data
            )
        ),
        success=lambda _result: _(
            "Saved: contract %(number)s is now %(state)s.",
            number=contract.number,
            state=contract.state.label,
        ),
        target=_contract_url(contract),
        form=form,
    )


@home_panel(Role.STAFF, "contracts/panel_staff.html")
def _staff_figures(_user):
    return staff_contract_work()


@home_panel(Role.APPLICANT, "contracts/panel_applicant.html")
def _applicant_figures(user):
    if not user.organization_id:
        return {"contracts": [], "to_sign": []}
    contracts = db.session.scalars(
        select(Contract)
        .where(
            Contract.organization_id == user.organization_id,
            Contract.state != ContractState.DRAFT,
        )
        .order_by(Contract.created_at.desc())
        .limit(5)
    ).all()
    to_sign = db.session.scalars(
        select(Contract).where(
            Contract.organization_id == user.organization_id,
            Contract.state == ContractState.ISSUED,
            Contract.signed_scan_id.is_(None),
        )
    ).all()
    return {"contracts": contracts, "to_sign": to_sign}


from venture.contracts import budget_views  # noqa: E402, F401  (its routes on this blueprint)
