"""结余资金处理 on the project page: staff record the surplus settlement before closing."""

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from venture.auth.enums import Role
from venture.core.access import roles_required
from venture.delivery.forms import DecisionForm
from venture.delivery.settlement import SettlementRefused, settle_surplus
from venture.delivery.views import _back, bp, get_project_or_404
from venture.extensions import db


@bp.route("/projects/<int:project_id>/settlement", methods=["POST"])
@roles_required(Role.STAFF)
def settle(project_id):
    project = get_project_or_404(project_id)
    if not DecisionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "danger")
        return _back(project, "closing")
    try:
        settle_surplus(
            project,
            kind=request.form.get("kind", ""),
            reason=request.form.get("reason", ""),
            receipt=request.files.get("receipt"),
            actor=current_user,
        )
    except SettlementRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
    else:
        db.session.commit()
        flash(_("The surplus settlement is recorded with its document."), "success")
    return _back(project, "closing")
