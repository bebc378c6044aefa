"""Submission: every rule checked on the server, one message per problem, the draft kept."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from venture.applications import operations
from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.applications.rules import submission_problems
from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.audit import AuditEntry
from venture.core.formatting import local_datetime
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today, now
from venture.extensions import db
from venture.notifications.models import Notification
from venture.orgs.enums import OrgStatus


def problems_on(page):
    """The texts of the problem list on the edit page."""
    start = page.index('id="submission-problems">') + len('id="submission-problems">')
    block = page[start : page.index("</ul>", start)]
    return [item.split("</li>")[0] for item in block.split("<li>")[1:]]


def ready(make, call=None, **kwargs):
    """A complete draft and a member of its organization."""
    application = make.application(call or make.call(), **kwargs)
    return application, db.session.get(User, application.created_by_id)


def test_complete_application_is_submitted_with_a_number(client, login, make, form):
    application, member = ready(make)
    login(member)
    response = client.post(
        f"/applications/{application.id}/edit", data=form(application, action="submit")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{application.id}"
    db.session.refresh(application)
    assert application.state == ApplicationState.SUBMITTED
    assert application.number == f"{local_today().year}-GYCT-0001"
    assert application.submitted_at is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"已提交。申报编号为 {application.number}。" in page
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "Application")
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == ["application.save", "application.submit"]


def test_each_problem_gets_its_own_message_and_the_draft_keeps_everything(
    client, login, make, form
):
    call = make.call(cap_per_project="30000.00")
    application, member = ready(make, call)
    login(member)
    late = (call.project_end + timedelta(days=1)).isoformat()
    data = form(
        application,
        action="submit",
        title="超预算的项目",
        declaration=None,
        **{"budget_lines-0-requested": "40000", "milestones-0-due_date": late},
    )
    call.closes_at = now() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/applications/{application.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "申报书未提交。您的草稿已保存。" in page
    end = f"{call.project_end.year}年{call.project_end.month}月{call.project_end.day}日"
    start = f"{call.project_start.year}年{call.project_start.month}月{call.project_start.day}日"
    late_day = call.project_end + timedelta(days=1)
    assert problems_on(page) == [
        f"征集已于 {local_datetime(call.closes_at)} 截止，不能再提交申报书。您的草稿仍然保留。",
        "预算第 1 行（社工补贴）：申请金额 ¥40,000.00 与自筹配套 ¥6,000.00 合计 ¥46,000.00，"
        "与该行金额 ¥36,000.00 不一致。",
        "申请金额 ¥41,530.00 超过本次征集单个项目 ¥30,000.00 的上限。",
        f"第 1 个里程碑（招募儿童并建档）的完成日期 {late_day.year}年{late_day.month}月"
        f"{late_day.day}日 不在项目执行期内（{start} 至 {end}）。",
        "请勾选真实性承诺。",
    ]
    db.session.refresh(application)
    assert application.state == ApplicationState.DRAFT
    assert application.number is None
    assert application.title == "超预算的项目"
    assert application.budget_lines[0].requested == Decimal("40000.00")
    assert application.milestones[0].due_date == late_day
    assert application.declaration is False


def test_submit_one_second_after_the_deadline_is_refused(make):
    application, member = ready(make)
    closes = application.call.closes_at
    assert submission_problems(application, at=closes - timedelta(seconds=1)) == []
    expected = [f"征集已于 {local_datetime(closes)} 截止，不能再提交申报书。您的草稿仍然保留。"]
    assert submission_problems(application, at=closes) == expected
    assert submission_problems(application, at=closes + timedelta(seconds=1)) == expected


def test_late_submission_through_the_operation_keeps_the_draft(make):
    application, member = ready(make)
    application.call.closes_at = now() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(operations.SubmissionRefused) as refused:
        operations.submit_application(application, actor=member)
    db.session.rollback()
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("征集已于 ")
    assert application.state == ApplicationState.DRAFT


def test_unverified_organization_cannot_submit(make):
    application, member = ready(make, organization=make.org(status=OrgStatus.PENDING))
    assert submission_problems(application) == [
        "您的组织尚未通过认证：须经工作人员认证后才能提交。"
    ]


def test_per_organization_limit_counts_submitted_not_withdrawn(make):
    call = make.call(max_applications_per_org=1)
    org = make.org()
    make.application(call, organization=org, state="withdrawn")
    application, member = ready(make, call, organization=org)
    assert submission_problems(application) == []
    make.application(call, organization=org, state="ineligible")
    assert submission_problems(application) == [
        "本次征集每个组织最多申报 1 个项目，贵组织已提交的数量已达上限。"
    ]


def test_missing_fields_and_attachments_are_listed(make):
    call = make.call()
    application = make.application(call, complete=False)
    assert submission_problems(application) == [
        "请填写“项目名称”。",
        "请填写“服务对象”。",
        "请填写“需求分析”。",
        "请填写“项目目标”。",
        "请填写“活动计划”。",
        "请填写“项目团队”。",
        "请填写“受益人数”。",
        "请填写“项目开始日期”。",
        "请填写“项目结束日期”。",
        "请选择本次征集的一个服务类别。",
        "请至少选择一个服务社区。",
        "请至少填写一行预算。",
        "请至少填写一个里程碑。",
        "缺少附件：登记证书副本。",
        "缺少附件：项目预算明细表。",
        "请勾选真实性承诺。",
    ]


def test_project_term_outside_the_call_is_refused(make):
    application, member = ready(make)
    application.project_end = application.call.project_end + timedelta(days=1)
    call = application.call
    assert submission_problems(application) == [
        f"项目执行期须在征集规定的期限内（{call.project_start.year}年{call.project_start.month}月"
        f"{call.project_start.day}日 至 {call.project_end.year}年{call.project_end.month}月"
        f"{call.project_end.day}日）。"
    ]


def test_numbers_count_per_year_and_route(make):
    call = make.call()
    first, member = ready(make, call)
    second, other = ready(make, call)
    tender = make.call(route="tender")
    third, third_member = ready(make, tender)
    for application, person in ((first, member), (second, other), (third, third_member)):
        operations.submit_application(application, actor=person)
        db.session.commit()
    year = call.year
    assert [first.number, second.number, third.number] == [
        f"{year}-GYCT-0001",
        f"{year}-GYCT-0002",
        f"{year}-ZTB-0001",
    ]


def test_a_refused_submission_gives_its_number_back(make):
    call = make.call(max_applications_per_org=1)
    org = make.org()
    made, member = ready(make, call, organization=org)
    operations.submit_application(made, actor=member)
    db.session.commit()
    second = make.application(call, organization=org)
    with pytest.raises(operations.SubmissionRefused):
        operations.submit_application(second, actor=member)
    db.session.rollback()
    third, third_member = ready(make, call)
    operations.submit_application(third, actor=third_member)
    db.session.commit()
    assert (made.number[-4:], third.number[-4:]) == ("0001", "0002")


def test_numbers_stay_unique_when_submissions_race(app, make):
    """Eight organizations submit at the same moment, each in its own session."""
    call = make.call()
    pairs = [ready(make, call) for _ in range(8)]
    ids = [(application.id, member.id) for application, member in pairs]
    barrier = threading.Barrier(len(ids))
    errors = []

    def submit(application_id, user_id):
        with app.test_request_context():
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                barrier.wait()
                operations.submit_application(application, actor=user)
                db.session.commit()
            except Exception as error:  # reported below; a thread cannot fail the test itself
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=pair) for pair in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    numbers = sorted(db.session.scalars(select(Application.number)).all())
    assert numbers == [f"{call.year}-GYCT-{n:04d}" for n in range(1, 9)]


def test_withdraw_before_the_deadline(client, login, make):
    application = make.application(state="submitted")
    login(make.member(application.organization))
    response = client.post(f"/applications/{application.id}/withdraw", data={"reason": "改期"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.state == ApplicationState.WITHDRAWN
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.withdraw")
    ).one()
    assert entry.reason == "改期"


def test_withdraw_after_the_deadline_is_refused(client, login, make):
    application = make.application(state="submitted")
    application.call.closes_at = now() - timedelta(seconds=1)
    db.session.commit()
    login(make.member(application.organization))
    response = client.post(
        f"/applications/{application.id}/withdraw", data={}, follow_redirects=True
    )
    assert (
        f"征集已于 {local_datetime(application.call.closes_at)} 截止，申报书不能再撤回。"
        in response.get_data(as_text=True)
    )
    db.session.refresh(application)
    assert application.state == ApplicationState.SUBMITTED


def test_returned_application_is_resubmitted_before_the_correction_deadline(make):
    application = make.application(state="returned")
    number = application.number
    member = make.member(application.organization)
    application.call.closes_at = now() - timedelta(days=1)  # the call closed meanwhile
    db.session.commit()
    operations.submit_application(application, actor=member)
    db.session.commit()
    assert (application.state, application.number) == (ApplicationState.SUBMITTED, number)


def test_resubmission_after_the_correction_deadline_is_refused(make):
    application = make.application(state="returned")
    application.correction_deadline = now() - timedelta(seconds=1)
    member = make.member(application.organization)
    with pytest.raises(operations.SubmissionRefused) as refused:
        operations.submit_application(application, actor=member)
    assert refused.value.problems == [
        f"补正截止时间 {local_datetime(application.correction_deadline)} 已过，不能再重新提交。"
    ]


def test_staff_cannot_submit_for_an_organization(make):
    application = make.application()
    with pytest.raises(operations.SubmissionRefused) as refused:
        operations.submit_application(application, actor=make.user(Role.STAFF))
    assert refused.value.problems == ["您无权进行此操作。"]


def test_submission_tells_staff_in_inbox_and_by_mail(make, mailbox):
    staff = make.user(Role.STAFF, email="screening@example.com")
    application, member = ready(make)
    operations.submit_application(application, actor=member)
    db.session.commit()
    # the call's author is staff too: every staff member is told
    note = db.session.scalars(select(Notification).where(Notification.user_id == staff.id)).one()
    assert note.subject == f"申报书已提交：{application.number}"
    assert note.body == (
        f"{application.organization.name} 向“{application.call.title}”提交了申报书 "
        f"{application.number}《{application.title}》。"
    )
    assert note.link == f"/applications/{application.id}"
    (mail,) = mailbox.to("screening@example.com")
    assert mail["Subject"] == f"申报书已提交：{application.number}"


def test_a_refused_submission_sends_no_mail(make, mailbox):
    make.user(Role.STAFF)
    application, member = ready(make)
    application.declaration = False
    with pytest.raises(operations.SubmissionRefused):
        operations.submit_application(application, actor=member)
    db.session.rollback()
    assert (mailbox.messages, db.session.scalars(select(Notification)).all()) == ([], [])


def test_refused_transition_is_not_a_submission_problem(make):
    application = make.application(state="withdrawn")
    with pytest.raises(TransitionRefused):
        operations.withdraw_application(application, actor=make.member(application.organization))
