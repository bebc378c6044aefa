"""The PDF reports (project final report, call summary, evaluation report, progress report)
and the charts they share with the staff dashboard."""

from flask_babel import gettext as _

from venture.core.money import format_yuan
from venture.core.pdf import render_pdf
from venture.core.timeutil import now
from venture.delivery.documents import REPORT_DOCUMENTS
from venture.reports import figures
from venture.reports.charts import bar_chart


def _count(value):
    return str(value)


def call_charts(summary, responsive=False):
    """{name: SVG markup} of a call summary's charts (responsive ones for web pages)."""
    charts = (
        ("screening", _("Applications by screening result"), summary.screening, _count),
        ("category", _("Contract amounts by service category"), summary.by_category, format_yuan),
        ("street", _("Contract amounts by street"), summary.by_street, format_yuan),
        ("beneficiaries", _("Beneficiaries served by group"), summary.served_by_group, _count),
    )
    return {
        name: bar_chart(
            title, data, formatter=formatter, chart_id=f"chart-{name}", responsive=responsive
        )
        for name, title, data, formatter in charts
    }


def budget_chart(progress):
    """Budget against accepted spending, per budget line."""
    return bar_chart(
        _("Budget and spending by budget line"),
        [(t.line.label, (t.budget, t.cumulative)) for t in progress.lines],
        series=[_("Budget"), _("Spent (accepted reports)")],
        formatter=format_yuan,
        chart_id="chart-budget",
    )


def render_call_summary(call):
    summary = figures.call_summary(call)
    return render_pdf(
        "pdf/report_call_summary.html",
        summary=summary,
        charts=call_charts(summary),
        printed_at=now(),
    )


def render_project_final_report(project_id, verify=None):
    report = figures.project_report(project_id)
    return render_pdf(
        "pdf/report_project_final.html",
        report=report,
        chart=budget_chart(report.progress),
        printed_at=now(),
        verify=verify,
    )


def render_evaluation_report(evaluation, criteria, verify=None):
    return render_pdf(
        "pdf/evaluation_report.html",
        evaluation=evaluation,
        criteria=criteria,
        printed_at=now(),
        verify=verify,
    )


def issue_evaluation_report(evaluation, criteria, *, actor):
    """The final evaluation report as an issued document: verification code, QR, signature."""
    from venture.documents.enums import DocumentKind
    from venture.documents.operations import issue_pdf

    project = evaluation.project
    return issue_pdf(
        DocumentKind.EVALUATION_REPORT,
        evaluation,
        lambda mark: render_evaluation_report(evaluation, criteria, mark),
        reference=project.contract.number,
        title=f"评估报告：{project.title}",
        parties=[project.organization.name],
        name=f"evaluation-{evaluation.id}.pdf",
        actor=actor,
    )


def issue_final_report(project, *, actor):
    """The final report (结项报告) as an issued document, when the project closes."""
    from venture.documents.enums import DocumentKind
    from venture.documents.operations import issue_pdf

    return issue_pdf(
        DocumentKind.FINAL_REPORT,
        project,
        lambda mark: render_project_final_report(project.id, mark),
        reference=project.contract.number,
        title=f"结项报告：{project.title}",
        parties=[project.organization.name],
        amount=project.contract.amount,
        name=f"{project.contract.number}-final-report.pdf",
        actor=actor,
    )


def issued_or_rendered(subject, render):
    """The subject's issued PDF when there is one (as issued, signed), else render()."""
    from venture.documents.operations import current_document

    issued = current_document(subject)
    if issued is not None and issued.current is not None:
        return issued.current.file.path.read_bytes()
    return render()


def render_progress_report(report, totals):
    return render_pdf("pdf/report_progress.html", report=report, totals=totals, printed_at=now())


# delivery and evaluation issue and archive these without importing this module
REPORT_DOCUMENTS.register(
    issue_final_report,
    issue_evaluation_report,
    issued_or_rendered,
    render_progress_report,
    render_evaluation_report,
    render_project_final_report,
)
