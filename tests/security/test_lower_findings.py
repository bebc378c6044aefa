"""Finding 9: a payment date or site-visit date of 0001-01-01 is refused with a message; a
file that starts with %PDF and goes on as HTML is not accepted as a PDF. (The Referer
redirect of a refused conflict declaration is in test_redirects.py.)"""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from tests.delivery.helpers import delivering
from tests.evaluation.test_evaluations import assign, evaluator, self_assess
from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.core.files import UploadRefused, looks_like_pdf, store_upload
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.payments import operations as payments
from venture.payments.models import Payment


def _approved_installment(make):
    staff = make.user(Role.STAFF)
    contract = make.contract("10000.00", state="signed", staff=staff)
    first = contract.installments[0]
    payments.approve_release(first, actor=staff)
    db.session.commit()
    return first


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "请填写 2000-01-01 或之后的日期，请检查年份。"),
        ("1999-12-31", "请填写 2000-01-01 或之后的日期，请检查年份。"),
    ],
)
def test_a_payment_date_before_2000_is_refused_by_the_form(client, login, make, day, message):
    first = _approved_installment(make)
    login(make.user(Role.FINANCE))
    response = client.post(
        f"/installments/{first.id}/pay",
        data={"paid_on": day, "amount": "5000.00", "voucher_no": "记-1", "bank_reference": "B1"},
    )
    assert (response.status_code, message in response.get_data(as_text=True)) == (400, True)
    assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 0


def test_a_payment_date_more_than_ten_years_back_is_refused_by_the_operation(make):
    first = _approved_installment(make)
    today = local_today()
    with pytest.raises(payments.PaymentRefused) as refused:
        payments.record_payment(
            first,
            amount=first.amount,
            paid_on=today.replace(year=today.year - 11),
            voucher_no="记-2",
            bank_reference="B2",
            actor=make.user(Role.FINANCE),
        )
    earliest = payments.earliest_payment_date().isoformat()
    assert str(refused.value) == f"付款日期不能早于 {earliest}，请检查年份。"


def test_a_site_visit_before_the_project_started_is_refused(make, client, login):
    project, member, staff = delivering(make)
    judge = evaluator(make)
    evaluation = assign(project, staff, judge)
    self_assess(evaluation, member)
    login(judge)
    response = client.post(
        f"/evaluations/{evaluation.id}/scores",
        data={"site_visit_on": "0001-01-01", "site_visit_notes": "x", "overall_comment": "x"},
    )
    page = response.get_data(as_text=True)
    started = project.start_date.isoformat()
    assert (response.status_code, f"实地走访日期不能早于项目开始日期（{started}）。" in page) == (
        400,
        True,
    )
    db.session.expire_all()
    assert evaluation.site_visit_on is None


@pytest.mark.parametrize(
    "body",
    [
        MINIMAL_PDF[:9] + b"<html><script>alert(document.cookie)</script></html>",
        b"%PDF-1.4\n<!doctype html><body onload=alert(1)>\n1 0 obj<<>>endobj\n%%EOF\n",
        b"%PDF-1.4 just text, no objects",
    ],
)
def test_a_pdf_header_followed_by_html_is_refused(body):
    assert looks_like_pdf(body) is False
    with pytest.raises(UploadRefused):
        store_upload(FileStorage(io.BytesIO(body), filename="登记证书.pdf"))


def test_a_real_pdf_is_accepted():
    stored = store_upload(FileStorage(io.BytesIO(MINIMAL_PDF), filename="登记证书.pdf"))
    assert (stored.content_type, stored.size) == ("application/pdf", len(MINIMAL_PDF))
