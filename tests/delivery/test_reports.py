"""Progress reports: writing, running totals, the over-budget rule, decisions, read-only rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.delivery.helpers import accepted_report, delivering, line, periods, values, write_report
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import MilestoneStatus, ReportState
from venture.delivery.lifecycle import REPORT_WORKFLOW
from venture.delivery.models import ProgressReport
from venture.delivery.progress import line_totals, over_budget
from venture.extensions import db
from venture.notifications.models import Notification


def test_over_budget_means_more_than_ten_percent_over():
    budget = Decimal("1000.00")
    assert [over_budget(Decimal(x), budget) for x in ("1000.00", "1100.00", "1100.01")] == [
        False,
        False,
        True,
    ]
    assert over_budget(Decimal("0.01"), Decimal("0.00")) is True


def test_running_totals_count_accepted_reports_and_the_current_one(make):
    project, member, staff = delivering(make)
    accepted_report(project, member, staff, {"活动费": "10000.00"}, period=0)
    write_report(project, member, {"活动费": "5000.00"}, period=1)  # submitted, not accepted
    current = write_report(project, member, {"活动费": "2000.00"}, period=2, submit=False)
    totals = {t.line.item: t for t in line_totals(project.plan_lines, project.reports, current)}
    activities = totals["活动费"]
    assert (activities.before, activities.this, activities.cumulative, activities.remaining) == (
        Decimal("10000.00"),
        Decimal("2000.00"),
        Decimal("12000.00"),
        Decimal("48000.00"),
    )
    assert activities.percent == 20


def test_submitting_with_a_line_more_than_ten_percent_over_needs_an_explanation(make):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {"人员费": "44000.01"}, submit=False)
    with pytest.raises(TransitionRefused) as refused:
        operations.submit_report(report, actor=member)
    assert str(refused.value) == (
        "活动费 · 人员费：支出累计 ¥44,000.01，预算 ¥40,000.00，"
        "超出预算 10% 以上；请在该科目说明原因。"
    )
    db.session.rollback()
    operations.save_report(
        report,
        values(project, {"人员费": "44000.01"}, explanation="两名社工加班补贴，已报主管同意。"),
        actor=member,
    )
    operations.submit_report(report, actor=member)
    db.session.commit()
    assert report.state == ReportState.SUBMITTED


def test_exactly_ten_percent_over_needs_no_explanation(make):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {"人员费": "44000.00"})
    assert report.state == ReportState.SUBMITTED


def test_a_period_cannot_be_submitted_before_it_ends(make):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {}, submit=False)
    report.period_end = day = local_today() + timedelta(days=1)
    assert str(REPORT_WORKFLOW.refusal(report, "submit", member)) == (
        f"本期截止于 {day.year}年{day.month}月{day.day}日，当天起可以提交报告。"
    )
    report.period_end = local_today()
    assert REPORT_WORKFLOW.refusal(report, "submit", member) is None


def test_staff_accept_a_report_and_its_milestone_updates_enter_the_plan(make):
    project, member, staff = delivering(make)
    milestone = project.milestones[0]
    report = operations.start_report(
        project, kind="scheduled", period_start=periods(project)[0].start, actor=member
    )
    done_on = project.start_date + timedelta(days=20)
    data = values(project, {"活动费": "3000.00"})
    data["milestones"] = {milestone.id: (MilestoneStatus.DONE, done_on, "120 份档案已建立")}
    operations.save_report(report, data, actor=member)
    operations.submit_report(report, actor=member)
    db.session.commit()
    assert milestone.status == MilestoneStatus.NOT_STARTED
    operations.decide_report(report, "accept", comment="", actor=staff)
    db.session.commit()
    assert (report.state, milestone.status, milestone.completed_on) == (
        ReportState.ACCEPTED,
        MilestoneStatus.DONE,
        done_on,
    )
    inbox = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == member.id)
        .order_by(Notification.id)
    ).all()
    assert inbox[-1] == f"进度报告已通过：{report.title}"


def test_returning_a_report_needs_comments_and_lets_the_organization_edit_again(make):
    project, member, staff = delivering(make)
    report = write_report(project, member, {"活动费": "1000.00"})
    with pytest.raises(TransitionRefused) as refused:
        operations.decide_report(report, "return", comment=" ", actor=staff)
    assert str(refused.value) == "请填写理由。"
    db.session.rollback()
    operations.decide_report(report, "return", comment="请补充活动照片。", actor=staff)
    db.session.commit()
    assert (report.state, report.staff_comment) == (ReportState.RETURNED, "请补充活动照片。")
    operations.save_report(report, values(project, {"活动费": "1200.00"}), actor=member)
    operations.submit_report(report, actor=member)
    db.session.commit()
    assert (report.state, report.spent) == (ReportState.SUBMITTED, Decimal("1200.00"))


def test_organization_cannot_edit_a_submitted_report(make, client, login):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {"活动费": "1000.00"})
    with pytest.raises(operations.DeliveryError) as refused:
        operations.save_report(report, values(project, {"活动费": "9.00"}), actor=member)
    assert str(refused.value) == "报告状态为“已提交”，不能再修改。"
    db.session.rollback()
    login(member)
    page = client.get(f"/progress-reports/{report.id}/edit")
    assert (page.status_code, page.headers["Location"]) == (302, f"/progress-reports/{report.id}")
    posted = client.post(
        f"/progress-reports/{report.id}/edit",
        data={"summary": "改过的内容", "action": "save"},
    )
    assert posted.status_code == 302
    db.session.expire_all()
    assert (report.summary, report.spent) == ("本月开展入户探访和健康讲座。", Decimal("1000.00"))


def test_report_form_keeps_what_was_typed_when_a_value_cannot_be_read(make, client, login):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {}, submit=False)
    login(member)
    community = project.application.communities[0]
    activities_line = line(project, "活动费")
    response = client.post(
        f"/progress-reports/{report.id}/edit",
        data={
            "summary": "新的进展说明",
            "activities-0-held_on": "三月五日",
            "activities-0-community_id": str(community.id),
            "activities-0-title": "重阳节活动",
            "activities-0-participants": "45",
            "expenditures-0-line_id": str(activities_line.id),
            "expenditures-0-amount": "1,500.5.0",
            "action": "save",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“三月五日”不是日期，请按 2026-03-01 的格式填写。" in page
    assert 'value="重阳节活动"' in page
    assert 'value="1,500.5.0"' in page
    db.session.expire_all()
    assert report.summary == "本月开展入户探访和健康讲座。"


def test_report_edit_page_saves_rows_and_files(make, client, login):
    from io import BytesIO

    from tests.pdf_bytes import MINIMAL_PDF, PNG_1PX

    project, member, _staff = delivering(make)
    report = write_report(project, member, {}, submit=False)
    login(member)
    community = project.application.communities[0]
    response = client.post(
        f"/progress-reports/{report.id}/edit",
        data={
            "summary": "开展两次活动",
            "activities-0-held_on": (project.start_date + timedelta(days=5)).isoformat(),
            "activities-0-community_id": str(community.id),
            "activities-0-title": "重阳节敬老活动",
            "activities-0-participants": "45",
            "activities-1-held_on": "",
            "beneficiaries-0-group": "elderly",
            "beneficiaries-0-count": "45",
            "beneficiaries-1-group": "children",
            "beneficiaries-1-count": "",
            "expenditures-0-line_id": str(line(project, "活动费").id),
            "expenditures-0-amount": "1500.50",
            "expenditures-0-note": "活动物资",
            "photos": [(BytesIO(PNG_1PX), "活动照片.png")],
            "documents": [(BytesIO(MINIMAL_PDF), "签到表.pdf")],
            "caption": "重阳节",
            "action": "save",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    report = db.session.get(ProgressReport, report.id)
    assert [(a.title, a.participants, a.community_id) for a in report.activities] == [
        ("重阳节敬老活动", 45, community.id)
    ]
    assert report.beneficiaries_total == 45
    assert report.spent == Decimal("1500.50")
    assert sorted((a.is_photo, a.file.original_name) for a in report.attachments) == [
        (False, "签到表.pdf"),
        (True, "活动照片.png"),
    ]


def test_an_organization_never_opens_another_organizations_report(make, client, login):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {"活动费": "1000.00"})
    login(make.member())
    for url in (
        f"/progress-reports/{report.id}",
        f"/progress-reports/{report.id}/edit",
        f"/projects/{project.id}",
    ):
        assert client.get(url).status_code == 404, url


def test_staff_do_not_see_drafts(make, client, login):
    project, member, staff = delivering(make)
    draft = write_report(project, member, {}, submit=False)
    login(staff)
    assert client.get(f"/progress-reports/{draft.id}").status_code == 404


def test_reminders_are_sent_once_per_period_and_stage(make, app):
    project, member, _staff = delivering(make)
    today = local_today()
    overdue = [p for p in periods(project) if p.due_on < today]
    due_soon = [p for p in periods(project) if p.end < today <= p.due_on <= today + timedelta(7)]
    runner = app.test_cli_runner()
    first = runner.invoke(args=["delivery", "remind"])
    second = runner.invoke(args=["delivery", "remind"])
    db.session.expire_all()
    sent = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == member.id)
        .order_by(Notification.id)
    ).all()
    assert first.output == f"Sent {len(overdue) + len(due_soon)} report reminders.\n"
    assert second.output == "Sent 0 report reminders.\n"
    assert sent.count(f"进度报告已逾期：{project.title}") == len(overdue)


def test_overdue_list_shows_each_missing_report(make, client, login):
    project, member, staff = delivering(make)
    write_report(project, member, {}, period=0)
    login(staff)
    page = client.get("/staff/projects/overdue-reports").get_data(as_text=True)
    overdue = [p for p in periods(project)[1:] if p.due_on < local_today()]
    assert page.count(project.title) == len(overdue)
