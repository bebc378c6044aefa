"""下一步 on each role's home page: counted lines with their dates, linking to the work, made
with the same number of SQL statements however many records there are."""

import html
import re
from datetime import timedelta

from tests.community.helpers import committee, project_with_activity
from tests.evaluation import helpers as evaluation
from tests.querycount import count_statements, counted_get
from venture.announcements.operations import lodge_objection
from venture.auth.enums import Role
from venture.core.timeutil import local_today, now, to_local
from venture.extensions import db
from venture.home import next_steps as next_steps_of

WEEKDAYS = "一二三四五六日"


def _near(value):
    """11月27日（周五） within 120 days, else 2026年6月22日 (written here independently of the
    formatting code)."""
    day = to_local(value).date() if hasattr(value, "hour") else value
    if abs(day - local_today()) > timedelta(days=120):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def next_steps(page, role):
    """[(text, href)] of the 下一步 lines of a role's section, '' text parts collapsed."""
    found = re.search(rf'id="next-steps-{role}">(.*?)</div></div>', page, re.S)
    assert found, f"no next steps for {role}"
    lines = re.findall(r'<li><a href="([^"]*)">(.*?)</a>(.*?)</li>', found.group(1), re.S)
    return [
        (" ".join(re.sub(r"<[^>]+>", " ", html.unescape(a + b)).split()), html.unescape(href))
        for href, a, b in lines
    ]


def test_applicant_next_steps_show_drafts_returns_and_contracts(client, login, make):
    org = make.org()
    closes = now() + timedelta(days=3)
    draft = make.application(make.call(closes_at=closes), organization=org)
    returned = make.application(organization=org, state="returned")
    contract = make.contract("1000.00", state="issued", organization=org)
    make.application(make.call("closed"), organization=org)  # a draft too late to finish
    login(make.member(org))
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "applicant") == [
        (
            f"1 份申请草稿待完成并提交，最早 {_near(closes)} 截止",
            f"/applications/{draft.id}/edit",
        ),
        (
            f"1 份申请被退回补正，请在 {_near(returned.correction_deadline)} 前改正并重新提交",
            f"/applications/{returned.id}/edit",
        ),
        ("1 份合同待签字盖章并上传扫描件", f"/contracts/{contract.id}"),
    ]


def test_applicant_next_steps_show_self_assessment_due(client, login, make):
    project = make.project("1000.00")
    staff = make.user(Role.STAFF)
    due = local_today() + timedelta(days=10)
    made = evaluation.assign(project, staff, evaluation.evaluator(make), due=due)
    login(make.member(project.organization))
    page = client.get("/").get_data(as_text=True)
    assert (
        f"1 份评估自评报告待提交，最早 {_near(due)} 截止",
        f"/evaluations/{made.id}",
    ) in next_steps(page, "applicant")


def test_applicant_without_work_is_told_nothing_waits(client, login, make):
    login(make.member())
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "applicant") == []
    assert "目前没有待办事项。有新的工作时，会连同数量和日期显示在这里。" in page


def test_staff_next_steps_count_the_work_of_each_stage(client, login, make):
    staff = make.user(Role.STAFF)
    call = make.call()
    first = make.application(call, state="submitted")
    make.application(call, state="submitted")
    make.application(state="eligible")  # another call: no panel yet
    make.contract("1000.00", state="issued", staff=staff)  # issued, no scan
    make.award("2000.00", staff=staff)  # final award waiting for its contract
    notice = make.announcement(period_days=3)
    lodge_objection(notice, user=make.member(), text="第三名的预算明显偏高。")
    make.org(status="pending")
    db.session.commit()
    login(staff)
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "staff") == [
        (
            f"2 份申请待资格审查，最早一份 {_near(first.submitted_at)} 提交",
            f"/staff/calls/{call.id}/applications?state=submitted",
        ),
        (
            "1 个征集已有通过资格审查的申请，待组建评审专家组",
            next(h for _t, h in next_steps(page, "staff") if h.startswith("/staff/review/calls/")),
        ),
        (
            f"1 项公示一周内期满，最早 {_near(notice.ends_on)} 期满",
            f"/staff/announcements/{notice.id}",
        ),
        (
            f"1 条质疑待答复，最早一条 {_near(now())} 提出",
            f"/staff/announcements/{notice.id}",
        ),
        ("1 份合同待起草并发出", "/staff/contracts?state=draft"),
        ("1 个组织待认证", "/staff/orgs?status=pending"),
    ]


def test_finance_next_steps_show_installments_to_pay(client, login, make):
    from venture.payments import operations as payments
    from venture.payments.enums import InstallmentState

    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="in_force", staff=staff)
    first = contract.installments[0]
    if first.state == InstallmentState.CONDITION_MET:
        payments.approve_release(first, actor=staff)
        db.session.commit()
    login(make.user(Role.FINANCE))
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "finance") == [
        (
            f"1 笔已批准拨付的款项待支付，共 ¥500.00，最早一笔 {_near(first.approved_at)} 批准",
            "/finance/ledger?state=release_approved",
        ),
    ]


def test_evaluator_next_steps_show_evaluations_to_score(client, login, make):
    staff = make.user(Role.STAFF)
    evaluator = evaluation.evaluator(make)
    scored_project = make.project("1000.00", staff=staff)
    to_score = evaluation.assign(scored_project, staff, evaluator)
    evaluation.self_assess(to_score, make.member(scored_project.organization))
    due = local_today() + timedelta(days=5)
    evaluation.assign(make.project("1000.00", staff=staff), staff, evaluator, due=due)
    login(evaluator)
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "evaluator") == [
        (
            f"1 项评估待评分，最早的自评报告 {_near(to_score.self_submitted_at)} 提交",
            f"/evaluations/{to_score.id}",
        ),
        (
            f"1 项评估等待组织提交自评报告，最早 {_near(due)} 截止",
            "/evaluation/tasks",
        ),
    ]


def test_community_next_steps_show_activities_and_needs(client, login, make):
    _project, _member, _staff, _report, activity = project_with_activity(make)
    make.need(activity.community, urgency="urgent")
    make.need(activity.community)
    login(committee(activity.community))
    page = client.get("/").get_data(as_text=True)
    assert next_steps(page, "community") == [
        (
            f"1 项上报的活动待核实，最早一项 {_near(activity.held_on)} 举办",
            "/community/projects",
        ),
        ("2 项社区需求等待项目承接，其中 1 项紧急", "/community/needs"),
    ]


def test_admin_next_steps_show_organizations_and_accounts(client, login, make):
    make.org(status="pending")
    make.user(Role.REVIEWER)
    admin = login(make.user(Role.ADMIN))
    page = client.get("/").get_data(as_text=True)
    assert admin.last_login_at is not None
    assert next_steps(page, "admin") == [
        ("1 个组织等待项目主管认证", "/staff/orgs?status=pending"),
        ("1 个有效账户从未登录", "/admin/users"),
        (
            "3 项合同甲方信息（代表人、电话、银行账号）仍是演示占位内容：请在 instance/config.py "
            "中设置 CONTRACT_PARTY_A",
            "/guide/admin",
        ),
    ]


def _statements(steps, user):
    """How many SQL statements one role's next steps take."""
    db.session.commit()
    user_id = user.id
    db.session.expire_all()
    user = db.session.get(type(user), user_id)
    with count_statements() as statements:
        steps(user)
    return len(statements)


def test_next_steps_take_one_statement_per_role_however_many_records(make):
    staff = make.user(Role.STAFF, Role.FINANCE, Role.ADMIN, Role.EVALUATOR)
    org = make.org()
    member = make.member(org)
    community = committee()
    roles = [
        (next_steps_of.staff_steps, staff, 1),
        (next_steps_of.finance_steps, staff, 1),
        (next_steps_of.admin_steps, staff, 1),
        (next_steps_of.evaluator_steps, staff, 1),
        (next_steps_of.community_steps, community, 1),
        # the reporting schedule is read: one statement, then projects with their reports,
        # the categories and communities of their calls (eager, twice), and the reporting plans
        (next_steps_of.applicant_steps, member, 8),
    ]

    def add_records():
        make.application(state="submitted")
        make.application(state="eligible")
        make.application(organization=org)
        make.org(status="pending")
        make.contract("1000.00", state="issued", staff=staff, organization=org)
        make.project("1000.00", staff=staff, organization=org)
        make.need(community.community)

    add_records()
    before = [_statements(steps, user) for steps, user, _n in roles]
    for _n in range(3):
        add_records()
    after = [_statements(steps, user) for steps, user, _n in roles]
    assert before == after == [n for _s, _u, n in roles]


def test_staff_home_reads_its_panels_lists_with_its_next_steps(client, login, make):
    """The staff panels' lists (calls, screening, review panels, tenders, designations,
    roadshows) and stored figures are columns of the 下一步 statement (core.panels.home_list):
    once the stored figures are kept, the page runs the account's statement and that one."""
    staff = make.user(Role.STAFF)
    call = make.call()
    make.application(call, state="submitted")
    login(staff)
    counted_get(client, "/")  # stores the overdue reports and the panels' progress
    statements, response = counted_get(client, "/")
    page = response.get_data(as_text=True)
    assert call.title in page[page.index('id="panel-calls"') :]
    assert call.title in page[page.index('id="panel-screening"') :]
    assert len(statements) == 2, statements
