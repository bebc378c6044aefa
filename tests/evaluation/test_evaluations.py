"""Evaluations: assignment and conflicts, self-assessment deadline, scoring, announcement,
results moving the project and the money."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.delivery.helpers import delivering, write_report
from tests.evaluation.helpers import (
    announce_and_finalise,
    assign,
    evaluate,
    evaluator,
    score,
    self_assess,
)
from venture.auth.enums import Role
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today, to_local
from venture.delivery import operations as delivery
from venture.delivery.enums import ProjectState
from venture.evaluation import operations
from venture.evaluation.enums import EvaluationState, Grade
from venture.evaluation.lifecycle import EVALUATION_WORKFLOW
from venture.evaluation.rules import evaluation_blocks_release
from venture.extensions import db
from venture.notifications.models import Notification
from venture.payments import operations as payments
from venture.payments.enums import InstallmentState


def installment(project, position):
    return project.contract.installments[position - 1]


def test_evaluation_table_refuses_every_pair_outside_it(make):
    project, member, staff = delivering(make)
    evaluation = assign(project, staff, evaluator(make))
    for t in EVALUATION_WORKFLOW.transitions:
        for state in EvaluationState:
            if state in t.sources:
                continue
            evaluation.state = state
            refusal = EVALUATION_WORKFLOW.refusal(evaluation, t.action, staff, "x")
            assert str(refusal).startswith("当前状态为"), (t.action, state)


def test_a_member_of_the_organization_cannot_be_the_evaluator(make):
    project, _member, staff = delivering(make)
    insider = make.user(Role.EVALUATOR, organization=project.organization, name="王评估")
    with pytest.raises(operations.EvaluationError) as refused:
        assign(project, staff, insider)
    assert (str(refused.value), refused.value.field) == (
        "王评估 是项目承接组织的成员。",
        "evaluator_id",
    )


def test_an_evaluator_with_a_declared_tie_cannot_be_assigned(make):
    from venture.review.enums import AffiliationKind
    from venture.review.models import ReviewerAffiliation, ReviewerProfile

    project, _member, staff = delivering(make)
    tied = evaluator(make, name="刘评估")
    profile = ReviewerProfile(user=tied)
    db.session.add(profile)
    db.session.add(
        ReviewerAffiliation(
            reviewer=profile,
            organization_id=project.organization_id,
            kind=AffiliationKind.EMPLOYMENT,
            ended_on=local_today() - timedelta(days=400),
            created_by_id=staff.id,
        )
    )
    db.session.commit()
    with pytest.raises(operations.EvaluationError) as refused:
        assign(project, staff, tied)
    assert str(refused.value) == f"刘评估 与 {project.organization.name} 存在关联关系，应当回避。"


def test_evaluator_sees_only_the_projects_assigned_to_them(make, client, login):
    project_a, member_a, staff = delivering(make)
    project_b, member_b, _ = delivering(make)
    report_b = write_report(project_b, member_b, {"活动费": "100.00"})
    mine, other = evaluator(make, name="甲评估"), evaluator(make, name="乙评估")
    evaluation_a = assign(project_a, staff, mine)
    evaluation_b = assign(project_b, staff, other)
    login(mine)
    tasks = client.get("/evaluation/tasks").get_data(as_text=True)
    assert (project_a.title in tasks, project_b.title in tasks) == (True, False)
    assert client.get(f"/evaluations/{evaluation_a.id}").status_code == 200
    assert client.get(f"/projects/{project_a.id}").status_code == 200
    for url in (
        f"/evaluations/{evaluation_b.id}",
        f"/projects/{project_b.id}",
        f"/progress-reports/{report_b.id}",
        f"/reports/evaluations/{evaluation_b.id}.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/evaluations/{evaluation_b.id}/scores", data={}).status_code == 404


def test_a_late_self_assessment_counts_as_not_submitted(make, client, login):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    evaluation.self_assessment_due = local_today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(operations.EvaluationError) as refused:
        operations.save_self_assessment(evaluation, text="迟交的自评", actor=member)
    due = evaluation.self_assessment_due
    assert (
        str(refused.value)
        == f"自评报告应于 {due.year}年{due.month}月{due.day}日 前提交；逾期视为未提交。"
    )
    db.session.rollback()
    score(evaluation, judge, "85")
    assert (evaluation.state, evaluation.self_submitted_at) == (EvaluationState.SCORED, None)
    login(member)
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "未提交：自评报告截止日期为" in page


def test_the_evaluator_waits_for_the_self_assessment_until_its_due_date(make):
    project, _member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge, due=local_today() + timedelta(days=3))
    with pytest.raises(TransitionRefused) as refused:
        score(evaluation, judge, "85")
    assert str(refused.value).startswith("社会组织可在")


def test_scores_need_the_site_visit_and_the_overall_comment(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    criteria = operations.criteria_of(project.call_id, "midterm")
    operations.save_scores(
        evaluation,
        entries={c.id: ("10", "") for c in criteria},
        overall_comment="",
        site_visit={},
        actor=judge,
    )
    with pytest.raises(TransitionRefused) as refused:
        operations.submit_scores(evaluation, actor=judge)
    assert str(refused.value) == "请填写实地评估记录：日期和评估情况。 请填写总体评语。"


def test_an_unreadable_score_is_kept_as_typed_and_not_counted(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    first = operations.criteria_of(project.call_id, "midterm")[0]
    errors = operations.save_scores(
        evaluation,
        entries={first.id: ("31", "")},
        overall_comment="",
        site_visit={},
        actor=judge,
    )
    assert (str(errors[first.id]), evaluation.score_for(first.id).raw) == (
        "分数应在 0 到 30 之间。",
        "31",
    )
    assert operations.running_total(evaluation) == 0


def test_the_organization_sees_the_scores_once_announced(make, client, login):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "85")
    login(member)
    before = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert ('id="evaluation-total"' in before, "评估结果公示后显示评分。" in before) == (
        False,
        True,
    )
    assert client.get(f"/reports/evaluations/{evaluation.id}.pdf").status_code == 404
    operations.announce_result(evaluation, actor=staff)
    db.session.commit()
    after = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert '<td class="text-end" id="evaluation-total">85</td>' in after
    assert client.get(f"/reports/evaluations/{evaluation.id}.pdf").status_code == 200


def test_announcing_opens_an_objection_window_of_working_days(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "85")
    announcement = operations.announce_result(evaluation, period_days=5, actor=staff)
    db.session.commit()
    assert (announcement.kind.value, announcement.period_days, announcement.subject) == (
        "evaluation_result",
        5,
        evaluation,
    )
    assert announcement.objections_open is True
    inbox = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == member.id)
        .order_by(Notification.id)
    ).all()
    assert inbox[-1] == f"评估结果公示：{project.title}"


def test_a_passed_midterm_meets_the_installment_condition(make):
    project, member, staff = delivering(make)
    evaluation = evaluate(project, staff, evaluator(make), member, "85")
    assert (evaluation.state, evaluation.grade, evaluation.passed) == (
        EvaluationState.FINAL,
        Grade.GOOD,
        True,
    )
    assert project.state == ProjectState.MIDTERM_EVALUATED
    assert installment(project, 2).state == InstallmentState.CONDITION_MET
    payments.approve_release(installment(project, 2), actor=staff)
    db.session.commit()
    assert installment(project, 2).state == InstallmentState.RELEASE_APPROVED


def test_failed_midterm_blocks_the_next_installment_until_a_passed_reevaluation(
    make, client, login
):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    failed = evaluate(project, staff, judge, member, "52")
    assert (failed.grade, failed.passed, project.state) == (
        Grade.FAIL,
        False,
        ProjectState.IN_FORCE,
    )
    second = installment(project, 2)
    assert second.state == InstallmentState.PENDING
    day = to_local(failed.finalised_at).date()
    reason = (
        f"中期评估（{day.year}年{day.month}月{day.day}日）未通过（52 分，不合格）："
        "整改后复评合格前，后续拨付暂停。"
    )
    assert str(evaluation_blocks_release(second)) == reason
    assert str(evaluation_blocks_release(installment(project, 3))) == reason
    assert evaluation_blocks_release(installment(project, 1)) is None

    # a typed note does not meet the condition (venture.integrity.conditions); even with a
    # two-person exception, the release is refused with the reason
    with pytest.raises(payments.PaymentRefused):
        payments.set_condition_met(second, actor=staff, reason="中期评估报告")
    db.session.rollback()
    payments.request_condition_override(second, reason="局务会同意先行拨付", actor=staff)
    payments.confirm_condition_override(second, actor=make.user(Role.STAFF))
    db.session.commit()
    login(staff)
    page = client.post(f"/installments/{second.id}/approve", follow_redirects=True)
    assert reason in page.get_data(as_text=True)
    db.session.expire_all()
    assert second.state == InstallmentState.CONDITION_MET

    delivery.order_rectification(
        project, due=local_today() + timedelta(days=30), requirements="补齐服务台账。", actor=staff
    )
    db.session.commit()
    assert project.state == ProjectState.RECTIFICATION
    again = evaluate(project, staff, judge, member, "85")
    assert (again.round, again.reevaluation_of_id, again.passed) == (2, failed.id, True)
    assert project.state == ProjectState.MIDTERM_EVALUATED
    assert evaluation_blocks_release(second) is None
    payments.approve_release(second, actor=staff)
    db.session.commit()
    assert second.state == InstallmentState.RELEASE_APPROVED


def test_a_pending_installment_is_met_by_the_passed_reevaluation(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluate(project, staff, judge, member, "59.5")
    delivery.order_rectification(
        project, due=local_today() + timedelta(days=30), requirements="补齐台账。", actor=staff
    )
    db.session.commit()
    evaluate(project, staff, judge, member, "92")
    assert installment(project, 2).state == InstallmentState.CONDITION_MET


def test_a_failed_evaluation_needs_rectification_before_the_next_one(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluate(project, staff, judge, member, "52")
    with pytest.raises(operations.EvaluationError) as refused:
        assign(project, staff, judge, kind="final")
    assert str(refused.value) == "中期评估未通过：请先责令整改（或终止项目）。"


def test_the_evaluator_can_step_back_and_loses_access(make, client, login):
    project, _member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    operations.declare_conflict(evaluation, reason="曾为该组织提供培训", actor=judge)
    db.session.commit()
    assert evaluation.evaluator_id is None
    login(judge)
    assert client.get(f"/evaluations/{evaluation.id}").status_code == 404
    other = evaluator(make, name="另一评估机构")
    operations.reassign_evaluator(evaluation, other, actor=staff)
    db.session.commit()
    assert evaluation.evaluator_id == other.id


def test_the_rubric_must_total_100_and_locks_once_scored(make):
    project, member, staff = delivering(make)
    with pytest.raises(operations.EvaluationError) as refused:
        operations.read_rubric([("项目执行", "", "50"), ("财务管理", "", "40")])
    assert str(refused.value) == "各项指标合计 90 分；评估指标应为 100 分。"
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "85")
    with pytest.raises(operations.EvaluationError) as locked:
        operations.save_rubric(
            project.call, "midterm", operations.read_rubric([("项目执行", "", "100")]), actor=staff
        )
    assert str(locked.value) == "评估指标已锁定：已有评估按此评分。"


def test_scoring_through_the_page(make, client, login):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    criteria = operations.criteria_of(project.call_id, "midterm")
    login(judge)
    data = {
        f"score-{c.id}": raw
        for c, raw in zip(criteria, ["28", "14", "18", "18", "13.5"], strict=True)
    }
    data.update(
        {
            "site_visit_on": local_today().isoformat(),
            "site_visit_place": "红旗社区",
            "site_visit_notes": "台账齐全。",
            "overall_comment": "执行良好。",
            "action": "submit",
        }
    )
    response = client.post(f"/evaluations/{evaluation.id}/scores", data=data, follow_redirects=True)
    assert "已提交：91.5 分，优秀。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (evaluation.state, evaluation.grade) == (EvaluationState.SCORED, Grade.EXCELLENT)


def test_announcement_finalised_before_the_period_ends_is_refused(make):
    from venture.announcements.operations import finalise_announcement

    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "85")
    announcement = operations.announce_result(evaluation, actor=staff)
    db.session.commit()
    with pytest.raises(TransitionRefused):
        finalise_announcement(announcement, actor=staff)
    db.session.rollback()
    assert evaluation.state == EvaluationState.ANNOUNCED


def test_final_result_notifies_the_organization(make):
    project, member, staff = delivering(make)
    evaluate(project, staff, evaluator(make), member, "85")
    subjects = db.session.scalars(
        select(Notification.subject)
        .where(Notification.user_id == member.id)
        .order_by(Notification.id)
    ).all()
    assert subjects[-1] == f"评估结果已生效：{project.title}"


def test_finalise_via_announcement_helper_records_the_outcome(make):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "92")
    announcement = announce_and_finalise(evaluation, staff)
    assert (announcement.state.value, evaluation.passed, evaluation.grade) == (
        "finalised",
        True,
        Grade.EXCELLENT,
    )
