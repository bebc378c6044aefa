"""The delivery blueprint and what its pages share: finding a project or report the current
user may see, and the way back to the workspace."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from venture.core.access import deny_unless
from venture.delivery.models import ProgressReport, Project
from venture.delivery.permissions import can_view_project, can_view_report
from venture.delivery.rules import project_options
from venture.delivery.schedule import STATUS_BADGES, STATUS_LABELS
from venture.extensions import db

bp = Blueprint("delivery", __name__, cli_group="delivery")


@bp.app_context_processor
def _schedule_labels():
    return {"period_status_label": STATUS_LABELS, "period_status_badge": STATUS_BADGES}


def get_project_or_404(project_id, *, figures=False):
    """The project if the current user may see it; 404 otherwise, whoever asks."""
    project = db.session.get(Project, project_id, options=project_options() if figures else ())
    deny_unless(project is not None, 404)
    deny_unless(can_view_project(current_user, project), 404)
    return project


def get_report_or_404(report_id):
    report = db.session.get(ProgressReport, report_id)
    deny_unless(report is not None, 404)
    deny_unless(can_view_report(current_user, report), 404)
    return report


def _back(project, anchor=None):
    return redirect(_project_url(project, anchor))


def _project_url(project, anchor=None):
    return url_for("delivery.show", project_id=project.id, _anchor=anchor)
