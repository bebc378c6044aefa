"""Calls (征集公告): staff create, edit, publish and cancel; the public reads them."""

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests.pdf_checks import CJK_FONT, embedded_fonts, pdf_text
from venture.auth.enums import Role
from venture.calls.enums import CallStage, CallStatus, Route
from venture.calls.models import Call
from venture.core.audit import AuditEntry
from venture.core.timeutil import LOCAL_TZ, local_today
from venture.extensions import db
from venture.notifications.models import Notification


def call_form(make, **changes):
    street = make.street()
    data = {
        "title": "2027年香坊区公益创投项目征集",
        "year": "2027",
        "route": "venture_grant",
        "category_ids": [str(make.category(name_zh="养老").id)],
        "community_ids": [str(make.community(street, name="安康社区").id)],
        "total_budget": "2,000,000",
        "cap_per_project": "200000.00",
        "max_applications_per_org": "2",
        "project_start": "2027-03-01",
        "project_end": "2027-12-31",
        "opens_at": "2027-01-05T09:00",
        "closes_at": "2027-02-05T17:00",
        "eligibility": "在香坊区民政局登记的社会组织\n近两年年检合格\n",
        "required_attachments": "登记证书副本\n项目预算明细表",
        "installments-0-percent": "50",
        "installments-0-condition": "on_signing",
        "installments-1-percent": "30",
        "installments-1-condition": "midterm_passed",
        "installments-2-percent": "20",
        "installments-2-condition": "final_passed",
        "installments-3-percent": "",
        "installments-3-condition": "",
        "description": "为满足居民需求，现面向社会组织征集公益创投项目。\n\n欢迎踊跃申报。",
    }
    data.update(changes)
    return data


def test_staff_create_a_draft_call(client, login, make):
    staff = login(make.user(Role.STAFF))
    response = client.post("/staff/calls/new", data=call_form(make))
    call = db.session.scalars(select(Call)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/calls/{call.id}"
    assert (call.title, call.year, call.route, call.stage) == (
        "2027年香坊区公益创投项目征集",
        2027,
        Route.VENTURE_GRANT,
        CallStage.DRAFT,
    )
    assert (call.total_budget, call.cap_per_project) == (
        Decimal("2000000.00"),
        Decimal("200000.00"),
    )
    # typed in Beijing time, stored in UTC
    assert call.opens_at == datetime(2027, 1, 5, 9, 0, tzinfo=LOCAL_TZ)
    assert call.opens_at.isoformat() == "2027-01-05T01:00:00+00:00"
    assert call.closes_at == datetime(2027, 2, 5, 17, 0, tzinfo=LOCAL_TZ)
    assert call.installment_plan == [
        {"percent": 50, "condition": "on_signing"},
        {"percent": 30, "condition": "midterm_passed"},
        {"percent": 20, "condition": "final_passed"},
    ]
    assert call.description == (
        "<p>为满足居民需求，现面向社会组织征集公益创投项目。</p><p>欢迎踊跃申报。</p>"
    )
    assert call.eligibility_items == ["在香坊区民政局登记的社会组织", "近两年年检合格"]
    assert [c.name for c in call.communities] == ["安康社区"]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call.create")).one()
    assert entry.actor_id == staff.id


def test_new_call_form_offers_the_default_installments_and_an_empty_row(client, login, make):
    login(make.user(Role.STAFF))
    page = client.get("/staff/calls/new").get_data(as_text=True)
    for row, value in ((0, "50"), (1, "30"), (2, "20"), (3, "")):
        assert f'name="installments-{row}-percent" size="4" type="number" value="{value}"' in page
    assert '<option selected value="on_signing">签约后</option>' in page


def test_values_that_break_the_rules_get_messages_and_stay_typed(client, login, make):
    login(make.user(Role.STAFF))
    data = call_form(
        make,
        cap_per_project="3000000",
        closes_at="2027-01-01T09:00",
        **{"installments-2-percent": "10"},
    )
    response = client.post("/staff/calls/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "单个项目上限不能超过资金总额。" in page
    assert "截止时间须晚于开始时间。" in page
    assert "各期拨付比例之和须为 100。" in page
    assert 'value="2027年香坊区公益创投项目征集"' in page
    assert db.session.scalars(select(Call)).all() == []


def test_an_amount_that_is_not_a_number_is_refused(client, login, make):
    login(make.user(Role.STAFF))
    response = client.post("/staff/calls/new", data=call_form(make, total_budget="两百万"))
    assert response.status_code == 400
    assert "请填写以元为单位的金额，例如 200000 或 200000.00。" in response.get_data(as_text=True)


def test_a_whole_street_brings_all_its_communities(client, login, make):
    login(make.user(Role.STAFF))
    street = make.street(name="通天街道")
    a, b = make.community(street, name="东升社区"), make.community(street, name="晨光社区")
    client.post(
        "/staff/calls/new", data=call_form(make, street_ids=[str(street.id)], community_ids=[])
    )
    call = db.session.scalars(select(Call)).one()
    assert {c.id for c in call.communities} == {a.id, b.id}


def test_description_html_is_sanitised(client, login, make):
    login(make.user(Role.STAFF))
    description = '<p onclick="x()">重点<strong>支持</strong><script>alert(1)</script></p>'
    client.post("/staff/calls/new", data=call_form(make, description=description))
    call = db.session.scalars(select(Call)).one()
    assert call.description == "<p>重点<strong>支持</strong></p>"


def test_staff_edit_a_draft_but_not_a_published_call(client, login, make):
    login(make.user(Role.STAFF))
    draft = make.call("draft")
    client.post(f"/staff/calls/{draft.id}/edit", data=call_form(make, title="改过的标题"))
    db.session.refresh(draft)
    assert draft.title == "改过的标题"
    assert draft.route == Route.VENTURE_GRANT
    published = make.call()
    response = client.post(f"/staff/calls/{published.id}/edit", data=call_form(make, title="x"))
    assert response.status_code == 302
    db.session.refresh(published)
    assert published.title != "x"


def test_route_is_fixed_after_creation(client, login, make):
    login(make.user(Role.STAFF))
    draft = make.call("draft")
    client.post(f"/staff/calls/{draft.id}/edit", data=call_form(make, route="tender"))
    db.session.refresh(draft)
    assert draft.route == Route.VENTURE_GRANT


def test_published_call_is_public_while_open_with_its_notice(client, login, make, tmp_path):
    """Acceptance 1: a call published by staff is on the public page, with its notice PDF."""
    login(make.user(Role.STAFF))
    call = make.call("draft", title="2026年香坊区为老服务项目征集")
    response = client.post(f"/staff/calls/{call.id}/publish")
    assert response.status_code == 302
    db.session.refresh(call)
    assert (call.stage, call.status) == (CallStage.PUBLISHED, CallStatus.OPEN)
    assert call.notice.content_type == "application/pdf"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call.publish")).one()
    assert (entry.before_data, entry.after_data) == ({"state": "draft"}, {"state": "published"})
    client.post("/logout")

    listing = client.get("/calls").get_data(as_text=True)
    assert "2026年香坊区为老服务项目征集" in listing
    detail = client.get(f"/calls/{call.id}")
    assert detail.status_code == 200
    assert f'href="/calls/{call.id}/notice.pdf"' in detail.get_data(as_text=True)
    notice = client.get(f"/calls/{call.id}/notice.pdf")
    assert (notice.status_code, notice.mimetype) == (200, "application/pdf")
    text = pdf_text(notice.data, tmp_path / "n.pdf")
    assert "2026年香坊区为老服务项目征集" in text
    assert "二、申报条件" in text
    assert any(
        embedded and CJK_FONT.search(name)
        for name, embedded in embedded_fonts(notice.data, tmp_path / "f.pdf")
    )
    assert "2026年香坊区为老服务项目征集" in client.get("/").get_data(as_text=True)


def test_publishing_an_incomplete_call_is_refused(client, login, make):
    login(make.user(Role.STAFF))
    call = make.call("draft", categories=[], description="")
    response = client.post(f"/staff/calls/{call.id}/publish", follow_redirects=True)
    assert "请至少选择一个服务类别。 请填写公告正文。" in response.get_data(as_text=True)
    db.session.refresh(call)
    assert call.published_at is None


def test_draft_calls_are_not_public(client, make):
    call = make.call("draft", title="尚未发布的征集")
    assert client.get(f"/calls/{call.id}").status_code == 404
    assert client.get(f"/calls/{call.id}/notice.pdf").status_code == 404
    assert "尚未发布的征集" not in client.get("/calls").get_data(as_text=True)


def test_status_follows_the_times():
    call = Call(
        opens_at=datetime(2026, 3, 1, tzinfo=LOCAL_TZ),
        closes_at=datetime(2026, 4, 1, 17, tzinfo=LOCAL_TZ),
    )
    assert call.status_at(datetime(2026, 3, 2, tzinfo=LOCAL_TZ)) == CallStatus.DRAFT
    call.published_at = datetime(2026, 2, 20, tzinfo=LOCAL_TZ)
    second = timedelta(seconds=1)
    assert call.status_at(call.opens_at - second) == CallStatus.UPCOMING
    assert call.status_at(call.opens_at) == CallStatus.OPEN
    assert call.status_at(call.closes_at - second) == CallStatus.OPEN
    assert call.status_at(call.closes_at) == CallStatus.CLOSED
    call.cancelled_at = datetime(2026, 3, 5, tzinfo=LOCAL_TZ)
    assert call.status_at(call.opens_at) == CallStatus.CANCELLED


def test_public_list_has_current_and_closed_tabs(client, make):
    make.call(title="征集中的项目")
    make.call("upcoming", title="即将开始的项目")
    make.call("closed", title="已截止的项目")
    make.call("cancelled", title="已取消的项目")
    current = client.get("/calls").get_data(as_text=True)
    closed = client.get("/calls?show=closed").get_data(as_text=True)
    shown = ("征集中的项目", "即将开始的项目", "已截止的项目", "已取消的项目")
    assert [t in current for t in shown] == [True, True, False, False]
    assert [t in closed for t in shown] == [False, False, True, True]


def test_landing_page_lists_open_calls_only(client, make):
    make.call(title="征集中的项目")
    make.call("upcoming", title="即将开始的项目")
    page = client.get("/").get_data(as_text=True)
    assert "征集中的项目" in page
    assert "即将开始的项目" not in page


def test_cancel_needs_a_reason_and_tells_the_applicants(client, login, make):
    call = make.call()
    application = make.application(call, state="submitted")
    login(make.user(Role.STAFF))
    client.post(f"/staff/calls/{call.id}/cancel", data={"reason": ""})
    db.session.refresh(call)
    assert call.cancelled_at is None
    client.post(f"/staff/calls/{call.id}/cancel", data={"reason": "预算调整"})
    db.session.refresh(call)
    assert (call.status, call.cancel_reason) == (CallStatus.CANCELLED, "预算调整")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "call.cancel")).one()
    assert entry.reason == "预算调整"
    note = db.session.scalars(
        select(Notification).where(Notification.user_id == application.created_by_id)
    ).one()
    assert note.subject == f"征集已取消：{call.title}"
    page = client.get(f"/calls/{call.id}").get_data(as_text=True)
    assert "本次征集已于" in page
    assert "理由： 预算调整" in page


def test_apply_button_only_while_open_and_for_organizations(client, login, make):
    open_call, closed = make.call(), make.call("closed")
    assert "登录后申报" in client.get(f"/calls/{open_call.id}").get_data(as_text=True)
    login(make.member())
    assert f'action="/calls/{open_call.id}/apply"' in client.get(f"/calls/{open_call.id}").get_data(
        as_text=True
    )
    assert "/apply" not in client.get(f"/calls/{closed.id}").get_data(as_text=True)


def test_staff_manage_list_and_home_panel(client, login, make):
    make.call(title="征集中的项目")
    make.call("draft", title="草稿征集")
    login(make.user(Role.STAFF))
    page = client.get("/staff/calls").get_data(as_text=True)
    assert "征集中的项目" in page and "草稿征集" in page
    home = client.get("/").get_data(as_text=True)
    assert "征集中的项目" in home
    assert "1 个草稿" in home


def test_call_form_uses_the_year_of_today(client, login, make):
    login(make.user(Role.STAFF))
    page = client.get("/staff/calls/new").get_data(as_text=True)
    assert f'name="year" required type="number" value="{local_today().year}"' in page
