"""Screening (资格审查): the staff list, the checklist, the three decisions, the audit trail."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import select

from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.auth.models import User
from venture.core.audit import AuditEntry
from venture.core.formatting import local_datetime
from venture.core.timeutil import LOCAL_TZ, now
from venture.extensions import db
from venture.notifications.models import Notification


def screen(client, application, action, **fields):
    return client.post(
        f"/staff/applications/{application.id}/screen", data={"action": action, **fields}
    )


def local_input(moment):
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_mark_eligible_needs_every_requirement_ticked(client, login, make):
    application = make.application(state="submitted")
    login(make.user(Role.STAFF))
    response = screen(client, application, "mark_eligible", **{"check-0": "met"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "申报书须符合每一项条件才能通过资格审查：请逐项勾选。" in page
    db.session.refresh(application)
    assert application.state == ApplicationState.SUBMITTED


def test_mark_eligible_records_the_checklist_and_tells_the_members(client, login, make):
    application = make.application(state="submitted")
    staff = login(make.user(Role.STAFF))
    response = screen(client, application, "mark_eligible", **{"check-0": "met", "check-1": "met"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.state == ApplicationState.ELIGIBLE
    assert application.screening_checklist == [
        {"item": "在香坊区民政局登记的社会组织", "met": True},
        {"item": "近两年年检合格", "met": True},
    ]
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "Application", AuditEntry.actor_id == staff.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["application.mark_eligible", "application.screening"]
    note = db.session.scalars(select(Notification)).one()
    assert note.user_id == application.created_by_id
    assert note.subject == f"申报书 {application.number} 资格审查已通过"


def test_mark_ineligible_needs_a_reason_which_the_applicant_sees(client, login, make):
    application = make.application(state="submitted")
    login(make.user(Role.STAFF))
    response = screen(client, application, "mark_ineligible", reason="")
    assert "请填写理由。" in client.get(response.headers["Location"]).get_data(as_text=True)
    screen(client, application, "mark_ineligible", reason="未提供年检证明", **{"check-0": "met"})
    db.session.refresh(application)
    assert (application.state, application.screening_reason) == (
        ApplicationState.INELIGIBLE,
        "未提供年检证明",
    )
    assert application.screening_checklist[1] == {"item": "近两年年检合格", "met": False}
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.mark_ineligible")
    ).one()
    assert entry.reason == "未提供年检证明"
    client.post("/logout")
    login(make.member(application.organization))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "资格审查未通过，原因见申报书。" in page
    assert "未提供年检证明" in page


def test_return_for_correction_then_the_applicant_resubmits(client, login, make, form):
    application = make.application(state="submitted")
    number = application.number
    login(make.user(Role.STAFF))
    deadline = (now() + timedelta(days=5)).replace(second=0, microsecond=0)
    screen(
        client,
        application,
        "return_for_correction",
        reason="请补充项目预算明细表的盖章版",
        deadline=local_input(deadline),
    )
    db.session.refresh(application)
    assert application.state == ApplicationState.RETURNED
    assert (application.correction_comment, application.correction_deadline) == (
        "请补充项目预算明细表的盖章版",
        deadline,
    )
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.screening")
    ).one()
    assert entry.after_data["correction_deadline"] == deadline.isoformat()
    client.post("/logout")
    member = login(db.session.get(User, application.created_by_id))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "请补充项目预算明细表的盖章版" in page
    assert f"补正截止时间：{local_datetime(deadline)}" in page
    mail = db.session.scalars(select(Notification).where(Notification.user_id == member.id))
    assert [n.subject for n in mail] == [f"请补正申报书 {number}"]
    response = client.post(
        f"/applications/{application.id}/edit", data=form(application, action="submit")
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.state, application.number) == (ApplicationState.SUBMITTED, number)


def test_return_without_a_deadline_or_with_a_past_one_is_refused(client, login, make):
    application = make.application(state="submitted")
    login(make.user(Role.STAFF))
    response = screen(client, application, "return_for_correction", reason="请补充")
    assert "请填写补正截止时间。" in client.get(response.headers["Location"]).get_data(as_text=True)
    past = local_input(now() - timedelta(hours=1))
    response = screen(client, application, "return_for_correction", reason="请补充", deadline=past)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请给出一个尚未到达的补正截止时间。" in page
    db.session.refresh(application)
    assert (application.state, application.correction_deadline) == (
        ApplicationState.SUBMITTED,
        None,
    )


def test_screening_page_shows_the_checklist_and_platform_checks(client, login, make):
    application = make.application(state="submitted", declaration=False)
    login(make.user(Role.STAFF))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'name="check-1"' in page
    assert "近两年年检合格" in page
    assert (
        '<ul class="small text-danger" id="system-checks"><li>请勾选真实性承诺。</li></ul>' in page
    )


def make_submissions(make, call, count):
    orgs = [make.org(name=f"测试组织{n:02d}") for n in range(count)]
    return [
        make.application(call, organization=org, state="submitted", requested=f"{1000 * (n + 1)}")
        for n, org in enumerate(orgs)
    ]


def numbers_on(page):
    rows = page.split('id="screening-list"')[1].split("</tbody>")[0]
    return [part.split("</a>")[0].split(">")[-1] for part in rows.split("<td><a ")[1:]]


def test_list_filters_searches_sorts_and_paginates(client, login, make, app, monkeypatch):
    call = make.call(max_applications_per_org=5)
    made = make_submissions(make, call, 5)
    made[0].state = ApplicationState.ELIGIBLE
    make.application(call)  # a draft: never listed for staff
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    login(make.user(Role.STAFF))
    url = f"/staff/calls/{call.id}/applications"
    page = client.get(url).get_data(as_text=True)
    assert numbers_on(page) == [made[0].number, made[1].number]
    assert "第 1 页，共 3 页" in page
    page = client.get(url + "?page=3").get_data(as_text=True)
    assert numbers_on(page) == [made[4].number]
    page = client.get(url + "?state=eligible").get_data(as_text=True)
    assert numbers_on(page) == [made[0].number]
    page = client.get(url + "?sort=requested").get_data(as_text=True)
    assert numbers_on(page) == [made[4].number, made[3].number]
    page = client.get(url + "?q=测试组织03").get_data(as_text=True)
    assert numbers_on(page) == [made[3].number]
    page = client.get(url + f"?q={made[2].number}").get_data(as_text=True)
    assert numbers_on(page) == [made[2].number]


def count_queries(client, url):
    statements = []

    def record(*args):
        statements.append(args[2])

    db.session.expire_all()  # as in a fresh request: nothing already loaded
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_list_uses_the_same_number_of_queries_for_3_or_20_rows(client, login, make):
    call = make.call(max_applications_per_org=20)
    make_submissions(make, call, 3)
    login(make.user(Role.STAFF))
    url = f"/staff/calls/{call.id}/applications"
    few = count_queries(client, url)
    make_submissions(make, call, 17)
    assert count_queries(client, url) == few


def test_staff_home_shows_applications_awaiting_screening(client, login, make):
    call = make.call(max_applications_per_org=5)
    make_submissions(make, call, 2)
    login(make.user(Role.STAFF))
    page = client.get("/").get_data(as_text=True)
    assert f"{call.title}</a>: 2 份待审查" in page


def test_screening_a_draft_or_twice_is_refused(client, login, make):
    application = make.application(state="eligible")
    login(make.user(Role.STAFF))
    response = screen(client, application, "mark_ineligible", reason="重复")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "当前状态为“资格审查通过”，不能进行此操作。" in page


def test_deadline_typed_in_beijing_time_is_stored_in_utc(client, login, make):
    application = make.application(state="submitted")
    login(make.user(Role.STAFF))
    year = now().year + 1
    screen(
        client,
        application,
        "return_for_correction",
        reason="请补充",
        deadline=f"{year}-03-01T17:00",
    )
    db.session.refresh(application)
    assert application.correction_deadline == datetime(year, 3, 1, 17, 0, tzinfo=LOCAL_TZ)
