"""Starting and saving drafts: whatever is typed is kept, totals are computed on the server."""

from decimal import Decimal

from sqlalchemy import select

from venture.applications.enums import ApplicationState
from venture.applications.models import Application
from venture.auth.models import User
from venture.core.audit import AuditEntry
from venture.extensions import db
from venture.orgs.enums import OrgStatus


def draft_for(make, **kwargs):
    application = make.application(complete=False, **kwargs)
    return application, db.session.get(User, application.created_by_id)


def test_member_starts_a_draft_for_an_open_call(client, login, make):
    call = make.call()
    member = login(make.member())
    response = client.post(f"/calls/{call.id}/apply")
    application = db.session.scalars(select(Application)).one()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{application.id}/edit"
    assert (application.organization_id, application.state) == (
        member.organization_id,
        ApplicationState.DRAFT,
    )
    assert application.created_by_id == member.id
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions == ["application.create"]


def test_starting_twice_reuses_the_untouched_draft(client, login, make):
    call = make.call()
    login(make.member())
    first = client.post(f"/calls/{call.id}/apply").headers["Location"]
    second = client.post(f"/calls/{call.id}/apply").headers["Location"]
    assert first == second
    assert len(db.session.scalars(select(Application)).all()) == 1


def test_unverified_organization_may_start_a_draft(client, login, make):
    call = make.call()
    login(make.member(make.org(status=OrgStatus.PENDING)))
    response = client.post(f"/calls/{call.id}/apply")
    assert response.status_code == 302
    assert len(db.session.scalars(select(Application)).all()) == 1


def test_no_draft_for_a_closed_call(client, login, make):
    call = make.call("closed")
    login(make.member())
    response = client.post(f"/calls/{call.id}/apply", follow_redirects=True)
    assert "该征集当前不接受申报。" in response.get_data(as_text=True)
    assert db.session.scalars(select(Application)).all() == []


def test_save_draft_stores_fields_and_computes_totals(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    response = client.post(f"/applications/{application.id}/edit", data=form(application))
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.title == "四点半课堂——双职工家庭儿童课后托管"
    assert application.beneficiaries == 60
    assert [line.amount for line in application.budget_lines] == [
        Decimal("36000.00"),
        Decimal("1530.00"),
    ]
    assert (application.requested_amount, application.own_funds) == (
        Decimal("31530.00"),
        Decimal("6000.00"),
    )
    assert [c.id for c in application.communities] == [application.call.communities[0].id]
    assert application.typed_input == {}
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "application.save")
    ).one()
    assert entry.after_data["requested_amount"] == "31530.00"


def test_amounts_typed_by_the_applicant_never_override_the_computed_total(
    client, login, make, form
):
    application, member = draft_for(make)
    login(member)
    data = form(application, requested_amount="1", own_funds="1")
    client.post(f"/applications/{application.id}/edit", data=data)
    db.session.refresh(application)
    assert application.requested_amount == Decimal("31530.00")


def test_values_that_are_not_numbers_or_dates_are_kept_as_typed(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    data = form(
        application,
        beneficiaries="六十",
        **{"budget_lines-0-unit_price": "三千", "milestones-0-due_date": "明年春天"},
    )
    response = client.post(f"/applications/{application.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "草稿已保存，但有些内容需要更正：请查看标出的字段。" in page
    assert 'value="三千"' in page
    assert "“三千”不是数字。" in page
    assert "“六十”不是整数。" in page
    assert "“明年春天”不是日期，请按 2026-03-01 的格式填写。" in page
    db.session.refresh(application)
    assert application.title == "四点半课堂——双职工家庭儿童课后托管"
    assert application.budget_lines[0].unit_price is None
    assert application.budget_lines[0].item == "社工补贴"
    assert application.typed_input == {
        "beneficiaries": {"value": "六十", "kind": "integer"},
        "budget_lines-0-unit_price": {"value": "三千", "kind": "number"},
        "milestones-0-due_date": {"value": "明年春天", "kind": "date"},
    }
    # the values typed are still there the next day, with their messages
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert 'value="三千"' in page
    assert 'value="明年春天"' in page
    assert "预算第 1 行，单价：“三千”不是数字。" in page


def test_a_corrected_value_replaces_the_one_kept_as_typed(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    client.post(
        f"/applications/{application.id}/edit",
        data=form(application, **{"budget_lines-0-unit_price": "三千"}),
    )
    db.session.refresh(application)
    client.post(f"/applications/{application.id}/edit", data=form(application))
    db.session.refresh(application)
    assert application.typed_input == {}
    assert application.budget_lines[0].unit_price == Decimal("3000.00")


def test_lines_that_do_not_add_up_are_kept_in_the_draft(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    data = form(application, **{"budget_lines-0-requested": "40000"})
    response = client.post(f"/applications/{application.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(application)
    line = application.budget_lines[0]
    assert (line.amount, line.requested, line.own_funds) == (
        Decimal("36000.00"),
        Decimal("40000.00"),
        Decimal("6000.00"),
    )
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert (
        "预算第 1 行（社工补贴）：申请金额 ¥40,000.00 与自筹配套 ¥6,000.00 合计 ¥46,000.00，"
        "与该行金额 ¥36,000.00 不一致。"
    ) in page


def test_emptied_rows_are_dropped(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    client.post(f"/applications/{application.id}/edit", data=form(application))
    db.session.refresh(application)
    emptied = {
        f"budget_lines-0-{name}": ""
        for name in ("category", "item", "unit_price", "quantity", "requested", "own_funds")
    }
    client.post(f"/applications/{application.id}/edit", data=form(application, **emptied))
    db.session.refresh(application)
    assert [(line.position, line.item) for line in application.budget_lines] == [(0, "学习用品")]
    assert application.requested_amount == Decimal("1530.00")


def test_edit_page_offers_empty_rows_without_javascript(client, login, make):
    application, member = draft_for(make)
    login(member)
    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)
    assert 'name="budget_lines-1-unit_price"' in page
    assert 'name="budget_lines-2-unit_price"' not in page
    assert 'name="milestones-0-due_date"' in page
    assert "js/rows.js" in page


def test_a_stale_form_is_not_saved_and_keeps_what_was_typed(client, login, make, form):
    application, member = draft_for(make)
    login(member)
    client.post(f"/applications/{application.id}/edit", data=form(application))
    stale = form(application, title="另一个标签页的标题", version="1")
    response = client.post(f"/applications/{application.id}/edit", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "您打开本页后，有人保存过这份申报书。本次没有保存" in page
    assert 'value="另一个标签页的标题"' in page
    db.session.refresh(application)
    assert application.title == "四点半课堂——双职工家庭儿童课后托管"


def test_submitted_application_is_no_longer_editable(client, login, make, form):
    application = make.application(state="submitted")
    login(make.member(application.organization))
    response = client.get(f"/applications/{application.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{application.id}"
    client.post(f"/applications/{application.id}/edit", data=form(application, title="改"))
    db.session.refresh(application)
    assert application.title != "改"


def test_a_save_colliding_with_a_colleagues_keeps_what_was_typed(
    client, login, make, form, monkeypatch
):
    from sqlalchemy.orm.exc import StaleDataError

    from venture.applications import operations

    def collide(*args, **kwargs):
        raise StaleDataError("updated by someone else")

    application, member = draft_for(make)
    login(member)
    monkeypatch.setattr(operations, "save_draft", collide)
    response = client.post(
        f"/applications/{application.id}/edit", data=form(application, title="同时保存的标题")
    )
    assert response.status_code == 409
    assert 'value="同时保存的标题"' in response.get_data(as_text=True)


def test_a_decision_colliding_with_another_is_refused_with_a_message(
    client, login, make, monkeypatch
):
    from sqlalchemy.orm.exc import StaleDataError

    from venture.applications import operations

    def collide(*args, **kwargs):
        raise StaleDataError("updated by someone else")

    application = make.application(state="submitted")
    login(db.session.get(User, application.created_by_id))
    monkeypatch.setattr(operations, "withdraw_application", collide)
    response = client.post(f"/applications/{application.id}/withdraw")
    assert response.headers["Location"] == f"/applications/{application.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "有人在同一时刻修改了这份申报书。本次没有保存。" in page
