"""Change request pages (变更申请): the organization asks, the bureau decides, the
organization may withdraw."""

from functools import partial

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.auth.enums import Role
from venture.core.access import deny_unless, roles_required
from venture.core.actions import button, form_page, run_action
from venture.delivery import operations
from venture.delivery.blueprint import _back, _project_url, bp, get_project_or_404
from venture.delivery.enums import ChangeKind
from venture.delivery.forms import ChangeRequestForm, DecisionForm, ReasonForm
from venture.delivery.models import ChangeRequest
from venture.delivery.permissions import can_request_change, can_view_project, is_project_member
from venture.extensions import db


@bp.route("/projects/<int:project_id>/changes/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def new_change(project_id):
    project = get_project_or_404(project_id)
    deny_unless(is_project_member(current_user, project), 404)
    if not can_request_change(current_user, project):
        flash(_("Changes are requested by the organization while the project runs."), "warning")
        return _back(project)
    form = ChangeRequestForm()
    lines = [(str(line.id), f"{line.label} ({line.amount})") for line in project.plan_lines]
    form.from_line.choices = [("", "—")] + lines
    form.to_line.choices = [("", "—")] + lines
    if request.method == "GET":
        form.kind.data = request.args.get("kind", ChangeKind.BUDGET.value)

    def request_change():
        kind, details = read
        try:
            return operations.request_change(
                project, kind=kind, reason=form.reason.data, details=details, actor=current_user
            )
        except operations.DeliveryError as error:
            # what the change details refuse shows on the field of the kind of change
            if error.field != "reason":
                error.field = {ChangeKind.BUDGET: "amount", ChangeKind.EXTENSION: "end_date"}.get(
                    kind, "text"
                )
            raise

    read = form.read() if form.validate_on_submit() else None
    done = read is not None and run_action(
        request_change,
        success=_("The change request was sent to the staff officer."),
        target=_project_url(project, "changes"),
        form=form,
    )
    return done or form_page("delivery/change_new.html", project=project, form=form)


def _change_or_404(change_id):
    change = db.session.get(ChangeRequest, change_id)
    deny_unless(change is not None, 404)
    deny_unless(can_view_project(current_user, change.project), 404)
    return change


change_button = partial(
    button, load=_change_or_404, target=lambda change: _project_url(change.project, "changes")
)


@bp.route("/changes/<int:change_id>/<any(approve, reject):action>", methods=["POST"])
@roles_required(Role.STAFF)
@change_button(
    passes=("action",),
    success=lambda _change, _result, action: (
        _("The change was approved and the plan updated.")
        if action == "approve"
        else _("The change was rejected.")
    ),
    form=ReasonForm,
    invalid=_l("Please give a reason."),
)
def decide_change(change, form, action):
    return operations.decide_change(change, action, reason=form.reason.data, actor=current_user)


@bp.route("/changes/<int:change_id>/withdraw", methods=["POST"])
@roles_required(Role.APPLICANT)
@change_button(success=_l("The change request was withdrawn."), form=DecisionForm)
def withdraw_change(change, _form):
    return operations.withdraw_change(change, actor=current_user)
