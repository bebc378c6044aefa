"""Funded projects: created with their contract, their plan, their transition table, pages."""

from decimal import Decimal
from types import SimpleNamespace

from tests.delivery.helpers import delivering
from venture.auth.enums import Role
from venture.contracts import operations as contracts
from venture.contracts.enums import ContractState
from venture.delivery import operations
from venture.delivery.enums import ProjectState
from venture.delivery.lifecycle import PROJECT_WORKFLOW
from venture.extensions import db


def test_issuing_a_contract_creates_its_project_and_putting_it_in_force_starts_it(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("107000.53", state="signed", staff=staff)
    project = operations.find_project(contract.id)
    assert (project.state, project.title, project.officer_id) == (
        ProjectState.CONTRACTING,
        contract.title,
        staff.id,
    )
    assert [(line.item, line.amount, line.original_amount) for line in project.plan_lines] == [
        ("社工补贴", Decimal("107000.53"), Decimal("107000.53"))
    ]
    assert [(m.title, m.due_date) for m in project.milestones] == [
        ("完成建档", contract.application.milestones[0].due_date)
    ]
    contracts.decide_contract(contract, "put_in_force", actor=staff)
    db.session.commit()
    assert project.state == ProjectState.IN_FORCE


def test_plan_lines_follow_the_requested_amounts_scaled_to_the_contract():
    lines = [
        SimpleNamespace(id=1, requested=Decimal("60000.00"), category=None, item="活动费"),
        SimpleNamespace(id=2, requested=Decimal("40000.00"), category=None, item="人员费"),
        SimpleNamespace(id=3, requested=Decimal("0.00"), category=None, item="自筹部分"),
    ]
    contract = SimpleNamespace(amount=Decimal("90000.01"))
    plan = operations.plan_lines_for(contract, SimpleNamespace(budget_lines=lines))
    assert [(p.item, p.amount) for p in plan] == [
        ("活动费", Decimal("54000.01")),
        ("人员费", Decimal("36000.00")),
    ]
    assert sum(p.amount for p in plan) == contract.amount


def test_a_tender_project_has_one_line_for_the_contract_amount(make):
    project = make.project("50000.00", with_application=False, route="tender")
    assert [(line.item, line.amount) for line in project.plan_lines] == [
        ("合同金额", Decimal("50000.00"))
    ]


def test_project_table_refuses_every_pair_outside_it(make):
    project, _member, staff = delivering(make)
    for t in PROJECT_WORKFLOW.transitions:
        for state in ProjectState:
            if state in t.sources:
                continue
            project.state = state
            refusal = PROJECT_WORKFLOW.refusal(project, t.action, staff, "x")
            assert str(refusal).startswith("当前状态为"), (t.action, state)


def test_only_staff_take_project_actions(make):
    project, member, _staff = delivering(make)
    for t in PROJECT_WORKFLOW.transitions:
        project.state = t.sources[0]
        assert str(PROJECT_WORKFLOW.refusal(project, t.action, member, "x")) == "您无权进行此操作。"


def test_terminating_a_project_terminates_its_contract(make):
    project, member, staff = delivering(make)
    operations.terminate_project(project, reason="机构负责人失联，服务停止。", actor=staff)
    db.session.commit()
    assert (project.state, project.contract.state, project.contract.termination_reason) == (
        ProjectState.TERMINATED,
        ContractState.TERMINATED,
        "机构负责人失联，服务停止。",
    )
    assert project.is_read_only is True


def test_terminating_the_contract_terminates_the_project(make):
    project, _member, staff = delivering(make)
    contracts.decide_contract(project.contract, "terminate", actor=staff, reason="双方协商解除")
    db.session.commit()
    assert (project.state, project.termination_reason) == (ProjectState.TERMINATED, "双方协商解除")


def test_workspace_shows_plan_against_actual(make, client, login):
    from tests.delivery.helpers import accepted_report

    project, member, staff = delivering(make)
    accepted_report(
        project, member, staff, {"活动费": "66000.01"}, explanation="场地费上涨，已报主管同意。"
    )
    login(member)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<div class="fs-5 fw-semibold" id="spent-total">¥66,000.01</div>' in page
    assert "超预算 10% 以上" in page
    assert '<div class="fs-5 fw-semibold" id="served-total">30</div>' in page


def test_organization_lists_only_its_own_projects(make, client, login):
    mine, member, _ = delivering(make)
    other, _m, _s = delivering(make)
    login(member)
    page = client.get("/projects").get_data(as_text=True)
    assert (mine.title in page, other.title in page) == (True, False)
    assert client.get(f"/projects/{other.id}").status_code == 404


def test_messages_reach_the_other_side(make, client, login):
    from sqlalchemy import select

    from venture.notifications.models import Notification

    project, member, staff = delivering(make)
    login(member)
    response = client.post(f"/projects/{project.id}/messages", data={"body": "下周活动改到周六。"})
    assert response.status_code == 302
    inbox = db.session.scalars(
        select(Notification.body).where(Notification.user_id == staff.id)
    ).all()
    assert inbox[-1] == "下周活动改到周六。"


def test_evaluators_do_not_read_the_messages(make, client, login):
    from tests.evaluation.helpers import assign, evaluator

    project, member, staff = delivering(make)
    operations.post_message(project, body="内部沟通", actor=member)
    db.session.commit()
    judge = evaluator(make)
    assign(project, staff, judge)
    login(judge)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert ("内部沟通" in page, 'id="messages"' in page) == (False, False)
