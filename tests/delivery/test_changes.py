"""Change requests: budget moves, extensions, activities and staff; history kept."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.delivery.helpers import accepted_report, delivering, line
from venture.core.lifecycle import TransitionRefused
from venture.delivery import operations
from venture.delivery.enums import ChangeState, ReportFrequency
from venture.delivery.models import ChangeRequest
from venture.delivery.schedule import report_periods
from venture.extensions import db


def move(project, source, target, amount):
    return {
        "moves": [
            {"from": line(project, source).id, "to": line(project, target).id, "amount": amount}
        ]
    }


def test_an_approved_budget_move_updates_the_plan_and_keeps_the_original(make):
    project, member, staff = delivering(make)
    change = operations.request_change(
        project,
        kind="budget",
        reason="活动场次增加，人员费有结余。",
        details=move(project, "人员费", "活动费", "5000.00"),
        actor=member,
    )
    db.session.commit()
    operations.decide_change(change, "approve", reason="同意调整。", actor=staff)
    db.session.commit()
    assert [(x.item, x.original_amount, x.amount) for x in project.plan_lines] == [
        ("活动费", Decimal("60000.00"), Decimal("65000.00")),
        ("人员费", Decimal("40000.00"), Decimal("35000.00")),
    ]
    activities, personnel = (str(line(project, i).id) for i in ("活动费", "人员费"))
    assert change.before == {"lines": {activities: "60000.00", personnel: "40000.00"}}
    assert change.after == {"lines": {activities: "65000.00", personnel: "35000.00"}}
    assert project.budget_total == Decimal("100000.00")


def test_money_already_spent_cannot_be_moved(make):
    project, member, staff = delivering(make)
    accepted_report(project, member, staff, {"人员费": "38000.00"})
    with pytest.raises(operations.DeliveryError) as refused:
        operations.request_change(
            project,
            kind="budget",
            reason="调整",
            details=move(project, "人员费", "活动费", "2000.01"),
            actor=member,
        )
    assert str(refused.value) == "活动费 · 人员费 尚未支出的金额为 ¥2,000.00，最多只能调出这么多。"


def test_a_change_is_checked_again_when_approved(make):
    project, member, staff = delivering(make)
    change = operations.request_change(
        project,
        kind="budget",
        reason="调整",
        details=move(project, "人员费", "活动费", "3000.00"),
        actor=member,
    )
    db.session.commit()
    accepted_report(project, member, staff, {"人员费": "38000.00"})
    with pytest.raises(TransitionRefused) as refused:
        operations.decide_change(change, "approve", reason="同意", actor=staff)
    assert str(refused.value) == "活动费 · 人员费 尚未支出的金额为 ¥2,000.00，最多只能调出这么多。"


def test_an_extension_moves_the_end_and_the_reporting_schedule(make):
    project, member, staff = delivering(make)
    original_end = project.end_date
    new_end = original_end + timedelta(days=62)
    change = operations.request_change(
        project,
        kind="extension",
        reason="冬季活动推迟。",
        details={"end_date": new_end.isoformat()},
        actor=member,
    )
    operations.decide_change(change, "approve", reason="同意延期。", actor=staff)
    db.session.commit()
    assert (project.end_date, project.original_end_date) == (new_end, original_end)
    assert (change.before, change.after) == (
        {"end_date": original_end.isoformat()},
        {"end_date": new_end.isoformat()},
    )
    expected = report_periods(project.start_date, new_end, ReportFrequency.MONTHLY, 10)
    assert [row.period for row in operations.schedule_rows(project)] == expected


def test_an_activities_change_keeps_the_original_plan_visible(make, client, login):
    project, member, staff = delivering(make)
    original = project.activity_plan
    change = operations.request_change(
        project,
        kind="activities",
        reason="增加心理疏导小组。",
        details={"text": original + "\n每月开展一次心理疏导小组活动。"},
        actor=member,
    )
    operations.decide_change(change, "approve", reason="同意。", actor=staff)
    db.session.commit()
    assert (project.original_activity_plan, project.activity_plan) == (
        original,
        original + "\n每月开展一次心理疏导小组活动。",
    )
    login(member)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "活动计划（原计划）" in page


def test_rejecting_needs_a_reason(make):
    project, member, staff = delivering(make)
    change = operations.request_change(
        project, kind="staff", reason="社工离职。", details={"text": "社工3名"}, actor=member
    )
    db.session.commit()
    with pytest.raises(TransitionRefused) as refused:
        operations.decide_change(change, "reject", reason="", actor=staff)
    assert str(refused.value) == "请填写理由。"
    db.session.rollback()
    change = db.session.get(ChangeRequest, change.id)
    operations.decide_change(change, "reject", reason="新人员资质不符。", actor=staff)
    db.session.commit()
    assert (change.state, change.decision_reason) == (ChangeState.REJECTED, "新人员资质不符。")


def test_change_form_keeps_what_was_typed(make, client, login):
    project, member, _staff = delivering(make)
    login(member)
    response = client.post(
        f"/projects/{project.id}/changes/new",
        data={
            "kind": "budget",
            "reason": "调整",
            "from_line": str(line(project, "人员费").id),
            "to_line": str(line(project, "活动费").id),
            "amount": "五千",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“五千”不是数字。" in page
    assert 'value="五千"' in page
