"""Closing is a checklist computed from the data; the surplus is settled with a document."""

import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from werkzeug.datastructures import FileStorage

from tests.delivery.helpers import accepted_report, delivering, write_report
from tests.evaluation.helpers import evaluate, evaluator
from tests.pdf_bytes import MINIMAL_PDF
from tests.pdf_checks import pdf_text
from venture.auth.enums import Role
from venture.community.enums import Verdict
from venture.community.models import ActivityCheck
from venture.core.timeutil import local_today
from venture.delivery import operations
from venture.delivery.enums import ChangeKind, ProjectState, ReportFrequency
from venture.delivery.models import ChangeRequest
from venture.delivery.settlement import DOCUMENT_LABEL, SettlementRefused, settle_surplus
from venture.extensions import db
from venture.payments import operations as payments

# 2027-04-06 10:00 in Asia/Shanghai, the day of the walk-through
DAY = datetime(2027, 4, 6, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(DAY, tick=False):
        yield


def pay(installment, staff, finance, n):
    payments.approve_release(installment, actor=staff)
    payments.record_payment(
        installment,
        amount=installment.amount,
        paid_on=local_today(),
        voucher_no=f"记-{n:03d}",
        bank_reference=f"HX{installment.id}",
        actor=finance,
    )
    db.session.commit()


def evaluated(make):
    """A quarterly-reporting project with both evaluations passed, its first report accepted."""
    project, member, staff = delivering(make)
    operations.set_reporting_plan(
        project.call, frequency=ReportFrequency.QUARTERLY, grace_days=10, actor=staff
    )
    db.session.commit()
    first = accepted_report(project, member, staff, {"活动费": "20000.00"}, period=0)
    judge = evaluator(make)
    evaluate(project, staff, judge, member, "85", kind="midterm")
    evaluate(project, staff, judge, member, "92", kind="final")
    assert project.state == ProjectState.FINAL_EVALUATED
    return project, member, staff, first


def test_closing_is_refused_with_the_list_of_loose_ends(make):
    project, member, staff, first = evaluated(make)
    write_report(project, member, {"活动费": "100.00"}, period=1)  # submitted, not decided
    db.session.add(
        ChangeRequest(
            project_id=project.id,
            kind=ChangeKind.EXTENSION,
            reason="延期一个月",
            details={},
            requested_by_id=member.id,
        )
    )
    committee = make.user(Role.COMMUNITY)
    db.session.add(
        ActivityCheck(
            activity=first.activities[0],
            user_id=committee.id,
            verdict=Verdict.DISPUTED,
            comment="活动当天未见开展",
        )
    )
    db.session.commit()
    with pytest.raises(operations.ClosingRefused) as refused:
        operations.close_project(project, actor=staff)
    assert refused.value.problems == EXPECTED_PROBLEMS
    assert str(refused.value) == "项目尚不能结项：" + "；".join(EXPECTED_PROBLEMS)
    db.session.rollback()
    assert project.state == ProjectState.FINAL_EVALUATED


EXPECTED_PROBLEMS = [
    "进度报告“2027年第1季度进度报告”状态为“已提交”，尚未审核通过",
    "1 项变更申请尚未处理",
    "社区对 1 项活动的异议尚未解决",
    "第 1 期（¥50,000.00）尚未支付",
    "第 2 期（¥30,000.00）尚未支付",
    "第 3 期（¥20,000.00）尚未支付",
    "经审核的支出 ¥20,000.00 超过已拨付资金 ¥0.00",
]


def test_closing_after_settling_the_surplus_keeps_the_settlement_in_the_archive(make, tmp_path):
    project, member, staff, _first = evaluated(make)
    finance = make.user(Role.FINANCE)
    for n, installment in enumerate(project.contract.installments, 1):
        pay(installment, staff, finance, n)
    with pytest.raises(operations.ClosingRefused) as refused:
        operations.close_project(project, actor=staff)
    db.session.rollback()
    assert refused.value.problems == [
        "2027年第1季度 的进度报告未提交",
        "结余资金尚未处理：已拨付 ¥100,000.00，已支出 ¥20,000.00，结余 ¥80,000.00",
    ]
    accepted_report(project, member, staff, {"活动费": "30805.00"}, period=1)

    with pytest.raises(SettlementRefused) as no_receipt:
        settle_surplus(project, kind="returned", actor=staff)
    assert str(no_receipt.value) == "请上传结余退回的银行回单。"
    receipt = FileStorage(io.BytesIO(MINIMAL_PDF), filename="回单.pdf")
    settlement = settle_surplus(project, kind="returned", receipt=receipt, actor=staff)
    db.session.commit()
    operations.close_project(project, actor=staff)
    db.session.commit()
    assert project.state == ProjectState.CLOSED

    archive = zipfile.ZipFile(io.BytesIO(project.archive.path.read_bytes()))
    names = [n for n in archive.namelist() if DOCUMENT_LABEL in n]
    assert len(names) == 1
    text = pdf_text(archive.read(names[0]), tmp_path / "s.pdf")
    assert (settlement.paid, settlement.spent, settlement.surplus) == (
        Decimal("100000.00"),
        Decimal("50805.00"),
        Decimal("49195.00"),
    )
    assert "已拨付资金¥100,000.00经审核的支出¥50,805.00结余资金¥49,195.00" in text
    assert "处理方式结余退回（附银行回单）" in text


def test_staff_see_the_checklist_and_record_the_settlement_on_the_project_page(make, client, login):
    project, _member, staff, _first = evaluated(make)
    login(staff)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<ul class="small text-danger" id="closing-checklist">' in page
    assert "<li>第 1 期（¥50,000.00）尚未支付</li>" in page
    response = client.post(
        f"/projects/{project.id}/settlement", data={"kind": "carried_over", "reason": ""}
    )
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "经审核的支出 ¥20,000.00 超过已拨付资金 ¥0.00" in page
