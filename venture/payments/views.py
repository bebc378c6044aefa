"""Payment pages: conditions and releases (staff), payments and the ledger (finance)."""

from functools import partial

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import exists, func, select

from venture.auth.enums import Role
from venture.calls.enums import Route
from venture.calls.models import Call
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.core.access import deny_unless, roles_required
from venture.core.actions import button, flash_form_errors
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.locale import select_locale
from venture.core.pagination import paginate
from venture.core.panels import home_panel
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.orgs.operations import pending_bank_change
from venture.payments import exports, jobs, ledger_query, operations
from venture.payments.enums import ExportKind, InstallmentState, JobState
from venture.payments.forms import ApproveForm, ConditionForm, ContractsExportForm, PaymentForm
from venture.payments.models import ExportJob, Installment, Payment

bp = Blueprint("payments", __name__)

FINANCE_DESK = (Role.FINANCE, Role.STAFF)


def get_installment_or_404(installment_id):
    installment = db.session.get(Installment, installment_id)
    deny_unless(installment is not None, 404)
    return installment


def _back(installment):
    return redirect(_installment_url(installment))


def _installment_url(installment):
    return url_for("contracts.show", contract_id=installment.contract_id) + "#installments"


installment_button = partial(button, load=get_installment_or_404, target=_installment_url)


@bp.route("/installments/<int:installment_id>/condition", methods=["POST"])
@roles_required(Role.STAFF)
@installment_button(
    success=lambda installment, _result: _(
        "Installment %(n)d: condition recorded as met.", n=installment.position
    ),
    form=ConditionForm,
    invalid=flash_form_errors,
)
def meet_condition(installment, form):
    """Staff record a condition as met, with the reason (e.g. the evaluation report)."""
    return operations.set_condition_met(installment, actor=current_user, reason=form.reason.data)


@bp.route("/installments/<int:installment_id>/override", methods=["POST"])
@roles_required(Role.STAFF)
@installment_button(
    success=_l("Exception asked for; a second staff member must confirm it."),
    form=ConditionForm,
    invalid=flash_form_errors,
)
def request_override(installment, form):
    """First person of a condition exception: the reason."""
    return operations.request_condition_override(
        installment, reason=form.reason.data, actor=current_user
    )


@bp.route("/installments/<int:installment_id>/override/confirm", methods=["POST"])
@roles_required(Role.STAFF)
@installment_button(
    success=_l("Exception confirmed: the condition counts as met."), form=ApproveForm
)
def confirm_override(installment, _form):
    """Second person of a condition exception."""
    return operations.confirm_condition_override(installment, actor=current_user)


@bp.route("/installments/<int:installment_id>/approve", methods=["POST"])
@roles_required(Role.STAFF)
@installment_button(
    success=lambda installment, _result: _(
        "Installment %(n)d: release approved; finance can pay it.", n=installment.position
    ),
    form=ApproveForm,
)
def approve(installment, _form):
    return operations.approve_release(installment, actor=current_user)


@bp.route("/installments/<int:installment_id>/pay", methods=["GET", "POST"])
@roles_required(Role.FINANCE)
def pay(installment_id):
    """Finance record a payment on an approved installment."""
    installment = get_installment_or_404(installment_id)
    form = PaymentForm()
    if request.method == "GET":
        form.paid_on.data = local_today()
        form.amount.data = f"{installment.remaining:.2f}"
    error = None
    if form.validate_on_submit():
        try:
            operations.record_payment(
                installment,
                amount=form.amount.amount,
                paid_on=form.paid_on.data,
                voucher_no=form.voucher_no.data,
                bank_reference=form.bank_reference.data,
                actor=current_user,
            )
        except operations.PaymentRefused as refused:
            db.session.rollback()
            field = getattr(form, refused.field or "", None)
            if field is not None:
                field.errors = list(field.errors) + [str(refused)]
            else:
                error = str(refused)
        else:
            db.session.commit()
            flash(_("The payment was recorded."), "success")
            return _back(installment)
    status = 400 if request.method == "POST" else 200
    installment = get_installment_or_404(installment_id)
    bank_change = pending_bank_change(installment.contract.organization)
    return render_template(
        "payments/pay.html",
        form=form,
        installment=installment,
        error=error,
        bank_change=bank_change,
    ), status


@bp.route("/finance/ledger")
@roles_required(*FINANCE_DESK)
def ledger():
    """Installments of issued contracts with what was paid; filters, pages, totals."""
    filters = ledger_query.LedgerFilters.from_args(request.args)
    (count, due, paid), marks = ledger_query.kept_ledger_figures(filters)
    page = paginate(
        ledger_query.ledger_ids(filters), total=count, order=ledger_query.KEPT_ORDER, marks=marks
    )
    page.items = ledger_query.ledger_page_rows(page.items)
    export_form = ContractsExportForm()
    calls = ledger_query.call_menu()
    export_form.call_id.choices = calls.rows
    if filters.call_id:
        export_form.call_id.data = filters.call_id
    return render_template(
        "payments/ledger.html",
        page=page,
        filters=filters,
        totals={"due": due, "paid": paid, "remaining": due - paid},
        calls=calls,
        organization=ledger_query.chosen_organization(filters),
        routes=list(Route),
        states=list(InstallmentState),
        export_form=export_form,
        export_args=filters.as_args(),
        without_org={k: v for k, v in filters.as_args().items() if k != "org"},
        immediate_rows=exports.immediate_rows(),
        recent_jobs=exports.recent_jobs(),
    )


@bp.route("/finance/ledger.xlsx", methods=["GET", "POST"])
@roles_required(*FINANCE_DESK)
def ledger_xlsx():
    """The filtered ledger in Excel: at once when small, else (POST) as a background job."""
    return _ledger_export(ExportKind.LEDGER_XLSX)


@bp.route("/finance/ledger.csv", methods=["GET", "POST"])
@roles_required(*FINANCE_DESK)
def ledger_csv():
    return _ledger_export(ExportKind.LEDGER_CSV)


def _ledger_export(kind):
    """GET sends a ledger of up to LEDGER_EXPORT_IMMEDIATE_ROWS rows at once and offers a
    background job for a larger one; POST starts that job and shows its progress page."""
    filters = ledger_query.LedgerFilters.from_args(request.args)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        # the file's headings and labels in the language the person is reading
        job = exports.start_ledger_export(kind, filters, actor=current_user, locale=select_locale())
        db.session.commit()
        jobs.dispatch(job)
        return redirect(url_for("payments.export_job", job_id=job.id))
    total = ledger_query.ledger_count(filters)
    if total > exports.immediate_rows():
        return render_template(
            "payments/ledger_export.html",
            kind=kind,
            total=total,
            described=exports.describe_filters(filters),
            export_args=filters.as_args(),
        )
    out, content_type = exports.ledger_file(kind, filters)
    return send_download(out, filename=exports.ledger_file_name(kind), mimetype=content_type)


@bp.route("/finance/contract-exports", methods=["POST"])
@roles_required(*FINANCE_DESK)
def export_contracts():
    """Start the ZIP of every contract of a call; the job page shows its progress."""
    form = ContractsExportForm()
    form.call_id.choices = [(c.id, c.title) for c in ledger_query.calls_with_contracts()]
    if not form.validate_on_submit():
        flash(_("Choose a call with contracts."), "danger")
        return redirect(url_for("payments.ledger"))
    call = db.session.get(Call, form.call_id.data)
    job = exports.start_contracts_zip(call, actor=current_user)
    db.session.commit()
    jobs.dispatch(job)
    return redirect(url_for("payments.export_job", job_id=job.id))


def get_job_or_404(job_id):
    job = db.session.get(ExportJob, job_id)
    deny_unless(job is not None, 404)
    return job


@bp.route("/finance/exports/<int:job_id>")
@roles_required(*FINANCE_DESK)
def export_job(job_id):
    job = get_job_or_404(job_id)
    described = []
    if job.kind != ExportKind.CONTRACTS_ZIP:
        described = exports.describe_filters(exports.job_filters(job))
    return render_template("payments/export_job.html", job=job, described=described)


@bp.route("/finance/exports/<int:job_id>/status")
@roles_required(*FINANCE_DESK)
def export_status(job_id):
    """Progress for the job page's script."""
    job = get_job_or_404(job_id)
    return jsonify(
        state=job.state.value,
        label=str(job.state.label),
        done=job.done,
        total=job.total,
        percent=job.percent,
        download=url_for("payments.export_download", job_id=job.id)
        if job.state == JobState.DONE
        else None,
        error=job.error if job.state == JobState.FAILED else None,
    )


@bp.route("/finance/exports/<int:job_id>/download")
@roles_required(*FINANCE_DESK)
def export_download(job_id):
    job = get_job_or_404(job_id)
    deny_unless(job.state == JobState.DONE and job.file is not None, 404)
    return send_stored(job.file)


@home_panel(Role.FINANCE, "payments/panel_finance.html")
def _finance_figures(_user):
    # from the installments of the state (ix_installment_state_contract), each contract
    # checked: joined, the plan would visit every signed contract's installments
    awaiting = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Installment.amount), 0)).where(
            Installment.state == InstallmentState.RELEASE_APPROVED,
            exists().where(
                Contract.id == Installment.contract_id,
                Contract.state.in_((ContractState.SIGNED, ContractState.IN_FORCE)),
            ),
        )
    ).one()
    year_start = local_today().replace(month=1, day=1)
    paid_this_year = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.paid_on >= year_start)
    )
    contracted = db.session.scalar(
        select(func.coalesce(func.sum(Contract.amount), 0)).where(
            Contract.state.in_(
                (
                    ContractState.ISSUED,
                    ContractState.SIGNED,
                    ContractState.IN_FORCE,
                    ContractState.COMPLETED,
                )
            )
        )
    )
    return {
        "awaiting_count": awaiting[0],
        "awaiting_amount": awaiting[1],
        "paid_this_year": paid_this_year,
        "contracted": contracted,
    }
