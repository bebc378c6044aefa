"""结余资金处理 on the project page: staff record the surplus settlement before closing."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from venture.auth.enums import Role
from venture.core.access import roles_required
from venture.core.actions import post_action
from venture.delivery.blueprint import _project_url, bp, get_project_or_404
from venture.delivery.forms import DecisionForm
from venture.delivery.settlement import settle_surplus


@bp.route("/projects/<int:project_id>/settlement", methods=["POST"])
@roles_required(Role.STAFF)
def settle(project_id):
    project = get_project_or_404(project_id)
    return post_action(
        lambda: settle_surplus(
            project,
            kind=request.form.get("kind", ""),
            reason=request.form.get("reason", ""),
            receipt=request.files.get("receipt"),
            actor=current_user,
        ),
        success=_("The surplus settlement is recorded with its document."),
        target=_project_url(project, "closing"),
        form=DecisionForm(),
        invalid=_("The form expired; please try again."),
    )
