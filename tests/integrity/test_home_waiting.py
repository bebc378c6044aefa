"""Home pages ask the rules: the applicant's next step comes from the award → contract →
project chain, and review lines follow the call's phase and the panel's scoring deadline."""

import html
import itertools
import re
from datetime import date, timedelta

from tests.conftest import travel_to
from tests.factories import PASSWORD
from tests.home.test_next_steps import next_steps
from tests.querycount import counted_get
from tests.review import helpers
from venture.auth.enums import Role
from venture.core.files import store_bytes
from venture.core.timeutil import now
from venture.extensions import db

BEFORE = date(2026, 12, 7)  # a Monday
AFTER = date(2027, 4, 6)  # the day of the report: months after every date below


def _home(app, user, password=PASSWORD):
    """The user's home page, signed in afresh (a new client: no session carried over the
    clock's jumps)."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302
    return client.get("/").get_data(as_text=True)


def _chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _my_applications(page):
    """{title: next-step text} of the applicant home's 我的申报 panel."""
    found = re.search(r'id="panel-my-applications">(.*?)</div></div>', page, re.S)
    assert found, "no applications panel"
    items = re.findall(
        r'<li class="mb-2"><a href="[^"]*">(.*?)</a>.*?<div class="small text-muted next-step">'
        r"(.*?)</div></li>",
        found.group(1),
        re.S,
    )
    return {html.unescape(title): " ".join(html.unescape(text).split()) for title, text in items}


def test_applicant_home_reads_the_next_step_from_the_contract_and_the_project(app, make):
    with travel_to(BEFORE):
        org = make.org()
        drafted = make.contract(state="draft", organization=org)
        issued = make.contract(state="issued", organization=org)
        uploaded = make.contract(state="issued", organization=org)
        uploaded.signed_scan = store_bytes(
            b"%PDF-1.4 signed", name="signed.pdf", content_type="application/pdf"
        )
        signed = make.contract(state="signed", organization=org)
        in_force = make.contract(state="in_force", organization=org)
        db.session.commit()
    with travel_to(AFTER):
        page = _home(app, make.member(org))
    assert _my_applications(page) == {
        drafted.application.title: "已立项：工作人员正在准备合同。",
        issued.application.title: f"合同 {issued.number} 已发出：请签字盖章。",
        uploaded.application.title: f"已上传签字盖章的合同 {uploaded.number}：等待工作人员确认。",
        signed.application.title: f"合同 {signed.number} 已签订：等待工作人员确认生效"
        f"（服务期自 {_chinese_date(signed.start_date)} 起）。",
        in_force.application.title: f"合同 {in_force.number} 履行中，至 "
        f"{_chinese_date(in_force.end_date)}；项目状态：执行中。",
    }
    assert "已立项：将准备签订合同。" not in page


def test_applicant_home_shows_a_terminated_contract_and_a_cancelled_award(app, make):
    from venture.applications.enums import ApplicationState
    from venture.contracts.operations import decide_contract
    from venture.procurement.enums import AwardState

    with travel_to(BEFORE):
        org = make.org()
        ended = make.contract(state="in_force", organization=org)
        decide_contract(ended, "terminate", actor=make.user(Role.STAFF), reason="机构注销")
        cancelled = make.award(organization=org)
        cancelled.state = AwardState.CANCELLED
        cancelled.application.state = ApplicationState.NOT_AWARDED
        db.session.commit()
    with travel_to(AFTER):
        page = _home(app, make.member(org))
    assert _my_applications(page) == {
        ended.application.title: f"合同 {ended.number} 已终止。",
        cancelled.application.title: "立项已取消。",
    }


def _panel_with_one_sheet_in(staff, title, *, closes_in_days=-30, deadline=date(2026, 12, 20)):
    """A call (closed unless closes_in_days > 0) with one application and a panel of three,
    due by `deadline`, one of whose three sheets is submitted once the call has closed."""
    call = helpers.call(staff=staff, title=title)
    call.closes_at = now() + timedelta(days=closes_in_days)
    db.session.commit()
    criteria = helpers.rubric(call, staff=staff)
    helpers.application(call)
    experts = [helpers.expert() for _ in range(3)]
    panel = helpers.panel(call, experts, staff=staff, deadline=deadline)
    made, _missing = helpers.assign(panel, staff)
    return panel, made, criteria, experts


def _staff_panels(page):
    found = re.search(r'id="home-review-panels">(.*?)</div></div>', page, re.S)
    assert found, "no review panels"
    items = re.findall(r"<li [^>]*>(.*?)</li>", found.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", html.unescape(i)).split()) for i in items]


def test_staff_home_shows_a_review_past_its_deadline_as_overdue_not_in_progress(app, make):
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        panel, made, criteria, _experts = _panel_with_one_sheet_in(staff, "2026年第二批公益创投")
        helpers.submit(made[0], [30, 20, 20], criteria)
        page = _home(app, staff)
        assert _staff_panels(page) == [
            "2026年第二批公益创投 : 已提交 1 / 3 份评分表 · 截止 2026年12月20日"
        ]
        assert next_steps(page, "staff") == []
    with travel_to(AFTER):
        page = _home(app, staff)
    assert _staff_panels(page) == [
        "2026年第二批公益创投 : 已提交 1 / 3 份评分表 · 评分截止日期 2026年12月20日 已过 已逾期"
    ]
    assert next_steps(page, "staff") == [
        (
            "1 个评审专家组已过评分截止日期仍未提出拟立项建议，"
            "最早一个截止于 12月20日（周日） 已逾期",
            f"/staff/review/calls/{panel.call_id}",
        )
    ]


def test_staff_home_counts_each_sheet_as_it_is_submitted(app, make):
    """The panels' progress is stored under their figures_version: each submission shows."""
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        _panel, made, criteria, _experts = _panel_with_one_sheet_in(staff, "2026年第四批公益创投")
        seen = [_staff_panels(_home(app, staff))]
        for assignment in made[:2]:
            helpers.submit(assignment, [30, 20, 20], criteria)
            seen.append(_staff_panels(_home(app, staff)))
    assert seen == [
        [f"2026年第四批公益创投 : 已提交 {done} / 3 份评分表 · 截止 2026年12月20日"]
        for done in (0, 1, 2)
    ]


def test_staff_home_asks_for_the_proposal_once_every_sheet_is_in(app, make):
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        panel, made, criteria, _experts = _panel_with_one_sheet_in(staff, "2026年第三批公益创投")
        for assignment in made:
            helpers.submit(assignment, [30, 20, 20], criteria)
    with travel_to(AFTER):
        page = _home(app, staff)
    assert _staff_panels(page) == [
        "2026年第三批公益创投 : 3 份评分表均已提交：请排序并提出拟立项建议"
    ]
    assert next_steps(page, "staff") == [
        (
            "1 个评审专家组的评分表已全部提交：请排序并提出拟立项建议",
            f"/staff/review/calls/{panel.call_id}",
        )
    ]


def test_staff_home_shows_a_panel_of_an_open_call_as_waiting_for_the_deadline(app, make):
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        panel, _made, _criteria, _experts = _panel_with_one_sheet_in(
            staff, "2027年公益创投", closes_in_days=5
        )
        page = _home(app, staff)
    assert _staff_panels(page) == ["2027年公益创投 : 征集于 2026年12月12日 截止后开始评分"]


def _reviewer_tasks(page):
    found = re.search(r'id="home-review-tasks">(.*?)</div></div>', page, re.S)
    assert found, "no review tasks"
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(found.group(1))).split())


def test_reviewer_home_follows_the_call_phase_and_the_scoring_deadline(app, make):
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        _panel, _made, _criteria, experts = _panel_with_one_sheet_in(
            staff, "2027年公益创投", closes_in_days=5
        )
        reviewer = experts[0].user
        page = _home(app, reviewer)
        assert _reviewer_tasks(page) == (
            "1 份申报书已分配给您，征集于 12月12日（周六） 截止后开始评分"
        )
    with travel_to(date(2026, 12, 14)):  # the call has closed; the panel is due 12-20
        page = _home(app, reviewer)
        assert _reviewer_tasks(page) == "1 份申报书待评分，截止 12月20日（周日）"
    with travel_to(AFTER):
        page = _home(app, reviewer)
    assert _reviewer_tasks(page) == "1 份申报书待评分，截止 12月20日（周日） 已逾期"


def test_reviewer_home_drops_a_panel_once_its_awards_are_proposed(app, make):
    with travel_to(BEFORE):
        staff = make.user(Role.STAFF)
        panel, _made, _criteria, experts = _panel_with_one_sheet_in(staff, "2026年第四批公益创投")
        panel.proposed_at = now()
        db.session.commit()
    with travel_to(AFTER):
        page = _home(app, experts[0].user)
        assert _reviewer_tasks(page) == "目前没有待评分的申报书。"
        assert "home-review-panels" not in _home(app, staff)


def test_applicant_and_staff_homes_make_as_many_statements_for_eight_records_as_for_two(
    client, login, make
):
    """The chain's next steps are read in one statement, the panels' stages from one grouped
    count: no statement per application or per panel."""
    with travel_to(BEFORE):
        org = make.org()
        staff = make.user(Role.STAFF)
        states = itertools.cycle(("draft", "issued", "signed", "in_force"))

        def grow(n):
            for _ in range(n):
                make.contract(state=next(states), organization=org)
                _panel, made, criteria, _experts = _panel_with_one_sheet_in(staff, None)
                helpers.submit(made[0], [30, 20, 20], criteria)

        counts = []
        member = make.member(org)
        for n in (2, 6):
            grow(n)
            login(member)
            applicant, response = counted_get(client, "/")
            assert len(_my_applications(response.get_data(as_text=True))) == 2 + 6 * (n == 6)
            login(staff)
            staff_home, response = counted_get(client, "/")
            counts.append((len(applicant), len(staff_home)))
    assert counts[0] == counts[1]


def test_demo_applicant_home_months_later_reads_the_contract_in_force(app, on_demo_day):
    """The report's case: the demo's own project, its contract 履行中, seen on 2027-04-06."""
    from sqlalchemy import select

    from venture.auth.models import User
    from venture.delivery.models import Project
    from venture.demo import DEMO_PASSWORD, load_demo

    load_demo()
    db.session.commit()
    applicant = db.session.scalars(
        select(User).where(User.email == "applicant@venture.example.com")
    ).one()
    own = db.session.scalars(  # the first cycle's project (demo_steps adds later ones)
        select(Project)
        .where(Project.organization_id == applicant.organization_id)
        .order_by(Project.id)
        .limit(1)
    ).one()
    contract = own.contract
    assert (contract.state, own.state) == ("in_force", "midterm_evaluated")
    with travel_to(AFTER):
        page = _home(app, applicant, DEMO_PASSWORD)
    assert _my_applications(page)[own.application.title] == (
        f"合同 {contract.number} 履行中，至 {_chinese_date(contract.end_date)}；"
        "项目状态：中期评估合格。"
    )
