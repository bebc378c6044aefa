"""统计报表: the staff dashboard (figures and SVG charts) and the PDF reports."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from venture.auth.enums import Role
from venture.calls.models import Call
from venture.calls.operations import calls_having
from venture.contracts.models import Contract
from venture.core.access import deny_unless, roles_required, signed_in
from venture.core.downloads import send_download
from venture.core.integers import record_id
from venture.delivery.models import Project
from venture.delivery.operations import outstanding_reports
from venture.delivery.permissions import can_view_project, is_project_member
from venture.evaluation.models import Evaluation
from venture.evaluation.operations import criteria_of
from venture.evaluation.permissions import can_see_scores, can_view_evaluation
from venture.extensions import db
from venture.reports import documents, figures, money
from venture.reports.charts import bar_chart

bp = Blueprint("reports", __name__)


def _pdf(data, name):
    return send_download(data, filename=name, mimetype="application/pdf", inline=True)


@bp.route("/staff/reports")
@roles_required(Role.STAFF)
def dashboard():
    """Projects, money and evaluations across calls, then one call's summary with its charts."""
    calls = calls_having(Contract.call_id)
    call_id = request.args.get("call", type=record_id)
    call = next((c for c in calls if c.id == call_id), calls[0] if calls else None)
    summary = figures.call_summary(call) if call else None
    overview = figures.overview()
    call_money = money.money_by_call()
    return render_template(
        "reports/dashboard.html",
        calls=calls,
        call=call,
        summary=summary,
        charts=documents.call_charts(summary, responsive=True) if summary else {},
        overview=overview,
        state_chart=bar_chart(
            "",
            [(state.label, count) for state, count in overview.projects_by_state],
            chart_id="chart-states",
            responsive=True,
            label=_("Projects by status"),
            description=" ".join(
                _("%(state)s: %(count)s.", state=state.label, count=count)
                for state, count in overview.projects_by_state
            ),
        ),
        call_money=call_money,
        call_money_chart=money.call_money_chart(call_money),
        overdue=len(outstanding_reports()),
    )


@bp.route("/staff/reports/calls/<int:call_id>/summary.pdf")
@roles_required(Role.STAFF)
def call_summary_pdf(call_id):
    call = db.session.get(Call, call_id)
    deny_unless(call is not None, 404)
    return _pdf(documents.render_call_summary(call), f"call-{call.id}-summary.pdf")


@bp.route("/reports/projects/<int:project_id>/final-report.pdf")
@signed_in
def project_report_pdf(project_id):
    """The project's final report (结项报告): for the organization, staff and finance."""
    project = db.session.get(Project, project_id)
    deny_unless(project is not None and can_view_project(current_user, project), 404)
    deny_unless(
        is_project_member(current_user, project)
        or current_user.has_any_role(Role.STAFF, Role.FINANCE),
        404,
    )
    return _pdf(
        documents.issued_or_rendered(
            project, lambda: documents.render_project_final_report(project.id)
        ),
        f"{project.contract.number}-final-report.pdf",
    )


@bp.route("/reports/evaluations/<int:evaluation_id>.pdf")
@signed_in
def evaluation_report_pdf(evaluation_id):
    """The evaluation report, once scored (the organization's copy once announced)."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    deny_unless(evaluation is not None and can_view_evaluation(current_user, evaluation), 404)
    deny_unless(evaluation.scored_at is not None and can_see_scores(current_user, evaluation), 404)
    criteria = criteria_of(evaluation.project.call_id, evaluation.kind)
    return _pdf(
        documents.issued_or_rendered(
            evaluation, lambda: documents.render_evaluation_report(evaluation, criteria)
        ),
        f"evaluation-{evaluation.id}.pdf",
    )
