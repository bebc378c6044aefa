"""Targeted purchase (定向购买): designate, announce ≥ 5 working days, plan, final award."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests import factories
from venture.announcements.operations import (
    answer_objection,
    can_finalise,
    finalise_announcement,
    lodge_objection,
)
from venture.applications import operations as applications
from venture.applications.enums import ApplicationState
from venture.auth.enums import Role
from venture.core import timeutil
from venture.core.lifecycle import TransitionRefused
from venture.extensions import db
from venture.orgs.enums import OrgStatus
from venture.procurement import operations
from venture.procurement.enums import AwardState, DesignationReason, DesignationState
from venture.procurement.models import Award, Designation

JUSTIFICATION = "该组织连续三年承接本社区居家养老服务，熟悉服务对象，为保证服务连续性定向委托。"


def values(organization, **changes):
    return {
        "organization_id": organization.id,
        "service": "红旗社区居家养老服务",
        "service_content": "为 80 名独居老人提供每周探访。",
        "amount": Decimal("150000.00"),
        "term_start": date(2027, 1, 1),
        "term_end": date(2027, 12, 31),
        "reason": DesignationReason.CONTINUITY,
        "justification": JUSTIFICATION,
        **changes,
    }


@pytest.fixture
def staff(make):
    return make.user(Role.STAFF)


@pytest.fixture
def designation(make, staff):
    call = make.call(route="targeted", staff=staff, cap_per_project="200000.00")
    made = operations.create_designation(call, values(make.org()), actor=staff)
    db.session.commit()
    return made


def _on(monkeypatch, day):
    """Pretend it is 10:00 Beijing time on day (announcements read timeutil)."""
    moment = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    monkeypatch.setattr(timeutil, "now", lambda: moment)
    monkeypatch.setattr(timeutil, "local_today", lambda: day)


def test_designation_creates_the_organizations_draft_application(designation):
    application = designation.application
    assert (application.state, application.organization_id, application.title) == (
        ApplicationState.DRAFT,
        designation.organization_id,
        "红旗社区居家养老服务",
    )
    assert (application.project_start, application.project_end) == (
        date(2027, 1, 1),
        date(2027, 12, 31),
    )


def test_only_a_verified_organization_with_a_written_reason_is_designated(make, staff):
    call = make.call(route="targeted", staff=staff)
    with pytest.raises(operations.FormErrors) as refused:
        operations.create_designation(
            call,
            values(make.org(status=OrgStatus.PENDING), justification="能力强"),
            actor=staff,
        )
    assert refused.value.errors == {
        "organization_id": "请选择一个已认证的组织。",
        "justification": "请写明定向委托该组织的理由，不少于 20 个字。",
    }


def test_announcement_of_fewer_than_5_working_days_is_refused(designation, staff):
    with pytest.raises(TransitionRefused) as refused:
        operations.announce_designation(designation, title="公示", period_days=4, actor=staff)
    assert refused.value.message == "定向委托须公示至少 5 个工作日。"
    assert designation.state == DesignationState.DRAFTED


def test_period_ends_after_5_chinese_working_days_across_a_weekend_and_a_holiday(
    monkeypatch, designation, staff
):
    # Thursday 2 April 2026: Fri 3 (1), weekend 4–5, Qingming observed Mon 6, then Tue 7 (2),
    # Wed 8 (3), Thu 9 (4), Fri 10 (5)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.announce_designation(
        designation, title="定向委托公示", period_days=5, actor=staff
    )
    db.session.commit()
    assert (announcement.starts_on, announcement.ends_on) == (date(2026, 4, 2), date(2026, 4, 10))
    assert announcement.kind.value == "designation"
    assert designation.state == DesignationState.ANNOUNCED
    _on(monkeypatch, date(2026, 4, 10))
    assert can_finalise(announcement) == "公示期至 2026年4月10日 结束，次日起方可确认生效。"


def _submit_and_screen(designation, staff, requested="140000.00"):
    member = factories.member(designation.organization)
    application = designation.application
    filled = factories.application(
        designation.call, organization=designation.organization, requested=requested, own="0"
    )
    for name in ("title", "category", "target_group", "beneficiaries", "needs_analysis"):
        setattr(application, name, getattr(filled, name))
    for name in ("objectives", "activity_plan", "team", "declaration", "requested_amount"):
        setattr(application, name, getattr(filled, name))
    application.communities = list(filled.communities)
    application.project_start, application.project_end = filled.project_start, filled.project_end
    application.budget_lines = [_copy(line) for line in filled.budget_lines]
    application.milestones = [_copy(m) for m in filled.milestones]
    application.attachments = [_copy(a) for a in filled.attachments]
    db.session.delete(filled)
    db.session.commit()
    applications.submit_application(application, actor=member)
    applications.screen_application(
        application,
        "mark_eligible",
        actor=staff,
        checklist=[(item, True) for item in designation.call.eligibility_items],
    )
    db.session.commit()
    return application


def _copy(row):
    columns = [c.key for c in row.__table__.columns if c.key not in ("id", "application_id")]
    return type(row)(**{k: getattr(row, k) for k in columns})


def test_only_the_designated_organization_can_submit(make, designation):
    outsider = make.member()
    with pytest.raises(applications.ApplicationError) as refused:
        applications.start_application(designation.call, actor=outsider)
    assert str(refused.value) == "该征集不在本页面受理申报。"


def test_finalising_makes_the_award_final_and_the_application_awarded(
    monkeypatch, designation, staff
):
    from venture.contracts.operations import draft_contract

    application = _submit_and_screen(designation, staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.announce_designation(
        designation, title="定向委托公示", period_days=5, actor=staff
    )
    db.session.commit()
    _on(monkeypatch, date(2026, 4, 11))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    award = db.session.query(Award).one()
    assert (award.state, award.amount, award.application_id, award.route.value) == (
        AwardState.FINAL,
        Decimal("140000.00"),
        application.id,
        "targeted",
    )
    assert application.state == ApplicationState.AWARDED
    assert designation.state == DesignationState.AWARDED
    contract = draft_contract(award, actor=staff)
    assert contract.amount == Decimal("140000.00")


def test_an_upheld_objection_stops_the_award(monkeypatch, make, designation, staff):
    _submit_and_screen(designation, staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.announce_designation(
        designation, title="定向委托公示", period_days=5, actor=staff
    )
    objection = lodge_objection(announcement, user=make.member(), text="该组织不具备资质。")
    answer_objection(objection, actor=staff, upheld=True, answer="经核查，质疑成立。")
    db.session.commit()
    _on(monkeypatch, date(2026, 4, 13))
    with pytest.raises(TransitionRefused):
        finalise_announcement(announcement, actor=staff)
    db.session.rollback()
    assert db.session.query(Award).count() == 0


def test_finalising_before_the_plan_is_screened_is_refused(monkeypatch, designation, staff):
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.announce_designation(
        designation, title="定向委托公示", period_days=5, actor=staff
    )
    db.session.commit()
    _on(monkeypatch, date(2026, 4, 11))
    with pytest.raises(TransitionRefused) as refused:
        finalise_announcement(announcement, actor=staff)
    assert refused.value.message == "被委托组织须先提交服务方案并通过资格审查。"


def test_a_plan_over_the_designated_budget_cannot_be_awarded(designation, staff):
    _submit_and_screen(designation, staff, requested="160000.00")
    designation.state = DesignationState.ANNOUNCED
    assert operations.designation_award_problems(designation) == [
        "服务方案申请 ¥160,000.00，超过定向委托预算 ¥150,000.00，请退回补正。"
    ]


def test_cancelling_withdraws_the_announcement_and_closes_the_plan(designation, staff):
    operations.announce_designation(designation, title="定向委托公示", period_days=5, actor=staff)
    db.session.commit()
    operations.cancel_designation(designation, reason="服务需求变更。", actor=staff)
    db.session.commit()
    assert designation.state == DesignationState.CANCELLED
    assert designation.announcement.state.value == "withdrawn"
    assert designation.cancel_reason == "服务需求变更。"
    # the draft can no longer be submitted
    member = factories.member(designation.organization)
    with pytest.raises(applications.SubmissionRefused) as refused:
        applications.submit_application(designation.application, actor=member)
    assert "该定向购买项目未委托给贵组织。" in refused.value.problems


def test_staff_pages_walk_the_designation(client, login, make, staff):
    login(staff)
    call = make.call(route="targeted", staff=staff)
    organization = make.org()
    response = client.post(
        f"/staff/calls/{call.id}/designation/new",
        data={
            "organization_id": organization.id,
            "service": "社区助残服务",
            "amount": "80000",
            "term_start": "2027-01-01",
            "term_end": "2027-12-31",
            "reason": "unique_capacity",
            "justification": JUSTIFICATION,
        },
    )
    assert response.status_code == 302
    designation = db.session.query(Designation).one()
    page = client.get(f"/staff/designations/{designation.id}").get_data(as_text=True)
    assert "社区助残服务" in page and organization.name in page
    response = client.post(
        f"/staff/designations/{designation.id}/announce",
        data={"title": "定向委托公示：社区助残服务", "period_days": "3"},
    )
    assert response.status_code == 400
    assert "定向委托须公示至少 5 个工作日。" in response.get_data(as_text=True)
    response = client.post(
        f"/staff/designations/{designation.id}/announce",
        data={"title": "定向委托公示：社区助残服务", "period_days": "5"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert designation.state == DesignationState.ANNOUNCED
    assert designation.announcement.attachments[0].content_type == "application/pdf"
    public = client.get(f"/announcements/{designation.announcement_id}")
    assert (public.status_code, organization.name in public.get_data(as_text=True)) == (200, True)


def test_an_unanswered_objection_shows_the_designation_as_objection_pending(
    client, login, make, designation, staff
):
    operations.announce_designation(designation, title="定向委托公示", period_days=5, actor=staff)
    assert designation.objection_pending is False
    lodge_objection(designation.announcement, user=make.member(), text="请说明委托理由。")
    db.session.commit()
    assert designation.objection_pending is True
    login(staff)
    page = client.get(f"/staff/designations/{designation.id}").get_data(as_text=True)
    assert "质疑处理中" in page
