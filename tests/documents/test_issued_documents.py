"""Award notices and evaluation reports are issued with a verification code, QR and signature."""

import subprocess
from datetime import date

from sqlalchemy import select

from tests.delivery.helpers import delivering
from tests.documents.helpers import pdfsig
from tests.evaluation.helpers import announce_and_finalise, assign, evaluator, score, self_assess
from tests.pdf_checks import pdf_text
from venture.auth.enums import Role
from venture.documents.enums import DocumentKind
from venture.documents.models import IssuedDocument
from venture.documents.operations import display_code
from venture.documents.verification import VALID, verify_pdf
from venture.extensions import db


def _qr(pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_finalised_evaluation_report_is_issued_signed_and_served(make, client, login, tmp_path):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    score(evaluation, judge, "92")
    announce_and_finalise(evaluation, staff)
    issued = db.session.scalar(
        select(IssuedDocument).where(IssuedDocument.kind == DocumentKind.EVALUATION_REPORT)
    )
    assert (issued.kind, issued.subject_type, issued.subject_id) == (
        DocumentKind.EVALUATION_REPORT,
        "Evaluation",
        evaluation.id,
    )
    assert issued.parties == [project.organization.name]
    stored = issued.current.file.path.read_bytes()
    verdict = verify_pdf(stored)
    assert (verdict.status, verdict.exact, verdict.version) == (VALID, True, issued.current)
    assert _qr(stored, tmp_path) == f"http://localhost/verify/{issued.code}"
    assert display_code(issued.code) in pdf_text(stored, tmp_path / "t.pdf")
    assert "Signature is Valid." in pdfsig(tmp_path / "doc.pdf")
    login(member)
    served = client.get(f"/reports/evaluations/{evaluation.id}.pdf")
    assert served.data == stored


def test_tender_award_notice_is_issued_with_a_code(make, monkeypatch, tmp_path):
    from tests.procurement import helpers
    from tests.procurement.test_designation import _on
    from venture.announcements.operations import finalise_announcement
    from venture.procurement import operations

    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, ceiling="150000.00")
    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    _on(monkeypatch, date(2026, 4, 2))
    announcement = operations.publish_tender_result(
        tender, title="中标候选人公示", introduction="", period_days=3, actor=staff
    )
    _on(monkeypatch, date(2026, 4, 9))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    issued = db.session.scalar(
        select(IssuedDocument).where(IssuedDocument.kind == DocumentKind.AWARD_NOTICE)
    )
    assert (issued.kind, issued.parties) == (
        DocumentKind.AWARD_NOTICE,
        [bids[0].organization.name],
    )
    assert str(issued.amount) == "90000.00"
    assert tender.award_notice.sha256 == issued.current.sha256
    pdf = tender.award_notice.path.read_bytes()
    assert verify_pdf(pdf).status == VALID
    assert _qr(pdf, tmp_path) == f"http://localhost/verify/{issued.code}"


def test_final_report_is_issued_when_the_project_closes(make, client, login, tmp_path):
    from tests.delivery.test_closing import evaluated, pay, report_every_period
    from venture.delivery import operations as delivery
    from venture.delivery.settlement import settle_surplus

    project, member, staff = evaluated(make)
    report_every_period(project, member, staff)  # the closing checklist's rules
    finance = make.user(Role.FINANCE)
    for installment in project.contract.installments:
        pay(installment, staff, finance)
    settle_surplus(
        project, kind="carried_over", reason="经局务会批准结转至下一年度项目", actor=staff
    )
    delivery.close_project(project, actor=staff)
    db.session.commit()
    issued = db.session.scalar(
        select(IssuedDocument).where(IssuedDocument.kind == DocumentKind.FINAL_REPORT)
    )
    assert (issued.subject_type, issued.subject_id, issued.reference) == (
        "Project",
        project.id,
        project.contract.number,
    )
    stored = issued.current.file.path.read_bytes()
    assert verify_pdf(stored).status == VALID
    assert _qr(stored, tmp_path) == f"http://localhost/verify/{issued.code}"
    login(member)
    assert client.get(f"/reports/projects/{project.id}/final-report.pdf").data == stored
