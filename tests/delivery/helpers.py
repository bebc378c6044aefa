"""Helpers for delivery tests: a project with a past reporting period, reports written by its
organization and decided by staff."""

from datetime import timedelta
from decimal import Decimal

from venture.auth.enums import Role
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import BeneficiaryGroup, ReportFrequency
from venture.extensions import db


def delivering(make, amount="100000.00", lines=(("活动费", "60000.00"), ("人员费", "40000.00"))):
    """(project, member, staff): a project that started 160 days ago and reports monthly."""
    staff = make.user(Role.STAFF, name="张主管")
    project = make.project(amount, staff=staff, lines=list(lines))
    project.start_date = local_today() - timedelta(days=160)
    operations.set_reporting_plan(
        project.call, frequency=ReportFrequency.MONTHLY, grace_days=10, actor=staff
    )
    db.session.commit()
    return project, make.member(project.organization, name="李娜"), staff


def line(project, item):
    return next(x for x in project.plan_lines if x.item == item)


def values(project, spent=None, *, explanation="", summary="本月开展入户探访和健康讲座。"):
    """Report values with one activity, 30 older people served and spent {item: amount}."""
    community = project.application.communities[0]
    return {
        "summary": summary,
        "problems": "",
        "next_steps": "继续开展探访。",
        "activities": [
            {
                "held_on": project.start_date + timedelta(days=3),
                "community_id": community.id,
                "title": "健康讲座",
                "participants": 30,
                "description": "社区卫生服务中心医生讲解慢病管理。",
            }
        ],
        "beneficiaries": {BeneficiaryGroup.ELDERLY: 30},
        "expenditures": {
            line(project, item).id: (Decimal(amount), "讲座场地和资料", explanation)
            for item, amount in (spent or {}).items()
        },
        "milestones": {},
    }


def periods(project):
    return [row.period for row in operations.schedule_rows(project)]


def write_report(project, member, spent=None, *, period=0, submit=True, explanation=""):
    """A report on the period-th reporting period, saved and (by default) submitted."""
    report = operations.start_report(
        project, kind="scheduled", period_start=periods(project)[period].start, actor=member
    )
    operations.save_report(report, values(project, spent, explanation=explanation), actor=member)
    if submit:
        operations.submit_report(report, actor=member)
    db.session.commit()
    return report


def accepted_report(project, member, staff, spent=None, *, period=0, explanation=""):
    report = write_report(project, member, spent, period=period, explanation=explanation)
    operations.decide_report(report, "accept", comment="", actor=staff)
    db.session.commit()
    return report
