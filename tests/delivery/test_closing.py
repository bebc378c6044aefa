"""Closing (结项): after a passed final evaluation and the final payment; archive; read-only."""

import io
import zipfile

import pytest

from tests.delivery.helpers import accepted_report, delivering, values, write_report
from tests.evaluation.helpers import evaluate, evaluator
from venture.auth.enums import Role
from venture.contracts.enums import ContractState
from venture.core.lifecycle import TransitionRefused
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import ProjectState, ReportState
from venture.delivery.settlement import settle_surplus
from venture.extensions import db
from venture.payments import operations as payments


def pay(installment, staff, finance):
    payments.approve_release(installment, actor=staff)
    payments.record_payment(
        installment,
        amount=installment.amount,
        paid_on=local_today(),
        voucher_no="记-001",
        bank_reference=f"HX{installment.id}",
        actor=finance,
    )
    db.session.commit()


def evaluated(make):
    """A project whose final evaluation passed, with accepted reports; nothing paid yet but the
    first installment approved."""
    project, member, staff = delivering(make)
    accepted_report(project, member, staff, {"活动费": "20000.00"}, period=0)
    judge = evaluator(make)
    evaluate(project, staff, judge, member, "85", kind="midterm")
    evaluate(project, staff, judge, member, "92", kind="final")
    assert project.state == ProjectState.FINAL_EVALUATED
    return project, member, staff


def report_every_period(project, member, staff):
    """An accepted report for every period that needs one by now (the checklist's rule)."""
    for index, row in enumerate(operations.schedule_rows(project)):
        if row.status not in ("upcoming", "open", "accepted"):
            accepted_report(project, member, staff, {"活动费": "100.00"}, period=index)


def test_closing_waits_for_the_final_payment(make):
    project, _member, staff = evaluated(make)
    finance = make.user(Role.FINANCE)
    for installment in project.contract.installments[:2]:
        pay(installment, staff, finance)
    with pytest.raises(TransitionRefused) as refused:
        operations.close_project(project, actor=staff)
    unpaid = [p for p in refused.value.problems if p.endswith("尚未支付")]
    assert unpaid == ["第 3 期（¥20,000.00）尚未支付"]


def test_closing_archives_every_document_and_makes_the_project_read_only(make, client, login):
    project, member, staff = evaluated(make)
    report_every_period(project, member, staff)
    finance = make.user(Role.FINANCE)
    for installment in project.contract.installments:
        pay(installment, staff, finance)
    settle_surplus(
        project, kind="carried_over", reason="经局务会批准结转至下一年度项目", actor=staff
    )
    db.session.commit()
    operations.close_project(project, actor=staff)
    db.session.commit()
    assert (project.state, project.contract.state) == (ProjectState.CLOSED, ContractState.COMPLETED)

    names = zipfile.ZipFile(io.BytesIO(project.archive.path.read_bytes())).namelist()
    assert names[-1] == "00-目录.txt"
    assert "结项报告.pdf" in names
    reports = len(project.reports)
    assert sum(name.startswith("进度报告/") and name.endswith(".pdf") for name in names) == reports
    assert sum(name.startswith("评估/") and name.endswith("评估报告.pdf") for name in names) == 2
    assert sum(name.endswith("结项报告-结项报告.pdf") for name in names) == 1
    assert sum("结余资金处理确认书" in name for name in names) == 1
    assert any(name.startswith("合同/") for name in names)

    report = project.reports[0]
    with pytest.raises(operations.DeliveryError) as refused:
        operations.save_report(report, values(project, {}), actor=member)
    assert str(refused.value) == "项目状态为“已结项”，报告不能再修改。"
    db.session.rollback()
    login(member)
    assert client.get(f"/progress-reports/{report.id}/edit").status_code == 302
    assert client.get(f"/projects/{project.id}/archive.zip").status_code == 200
    with pytest.raises(operations.DeliveryError):
        operations.start_report(project, kind="ad_hoc", title="补充材料", actor=member)
    db.session.rollback()
    assert report.state == ReportState.ACCEPTED


def test_staff_cannot_decide_reports_of_a_closed_project(make):
    project, member, staff = delivering(make)
    report = write_report(project, member, {"活动费": "100.00"})
    project.state = ProjectState.CLOSED
    with pytest.raises(TransitionRefused) as refused:
        operations.decide_report(report, "accept", comment="", actor=staff)
    assert str(refused.value) == "您无权进行此操作。"
