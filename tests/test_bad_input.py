"""Bad input, fuzzed (bounded): very long strings, control characters, emoji, mixed scripts,
negative and huge amounts, malformed dates posted to the main forms as the right role. Never a
5xx, and nothing saved half. Uploads: a zip bomb and polyglot files are refused or stored as
they came and never served inline as HTML."""

import io
import zipfile
from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.applications.conftest import filled_form
from tests.delivery.helpers import delivering, write_report
from tests.orgs.test_registration import registration
from tests.pdf_bytes import MINIMAL_PDF, PNG_1PX
from tests.review import helpers as reviews
from venture.applications.models import Application, ApplicationAttachment, BudgetLine, Milestone
from venture.auth.enums import Role
from venture.auth.models import User
from venture.calls.models import Call
from venture.contracts.models import Contract
from venture.delivery.models import ProgressReport
from venture.extensions import db
from venture.orgs.models import Organization
from venture.payments import operations as payments
from venture.payments.models import Payment

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD = [
    "",
    " ",
    "\x00",
    "\x07\x1b[31m",
    "\u202etxt.exe",
    "😀👨‍👩‍👧‍👦",
    "Ünïcødé русский العربية 中文 日本語",
    "<script>alert(1)</script>",
    "'; DROP TABLE application; --",
    "\r\n\r\n",
    "\ufeff",
]
TEXT = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=30),
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(["长", "a", "😀", "\x01", "ب"]),
        st.integers(300, 30000),
    ),
)
AMOUNT = st.one_of(
    st.sampled_from(
        ["-1", "-0.01", "0", "1e309", "NaN", "Infinity", "9" * 30, "1,2,3", "０.５", "¥100", "--5"]
    ),
    st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False).map(str),
    st.text(max_size=12),
)
DAY = st.one_of(
    st.sampled_from(["2026-02-30", "0000-00-00", "9999-12-31", "2026/01/01", "-1", "昨天"]),
    st.dates().map(date.isoformat),
    st.text(max_size=12),
)
MOMENT = st.one_of(DAY, st.sampled_from(["2027-01-05T25:61", "2027-01-05T09:00Z", "T"]))


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _not_5xx(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]


def test_org_registration_never_fails_on_bad_input(client):
    @FUZZ
    @given(name=TEXT, code=TEXT, phone=TEXT, account=TEXT, email=TEXT)
    def post(name, code, phone, account, email):
        orgs, users = _count(Organization), _count(User)
        response = client.post(
            "/orgs/register",
            data=registration(
                org_name=name,
                credit_code=code,
                contact_phone=phone,
                bank_account=account,
                email=email,
            ),
        )
        _not_5xx(response)
        db.session.rollback()
        # an organization and its first account are made together or not at all
        assert _count(Organization) - orgs == _count(User) - users
        if response.status_code != 302:
            assert (_count(Organization), _count(User)) == (orgs, users)

    post()


def test_call_creation_never_fails_on_bad_input(client, login, make):
    from tests.calls.test_calls import call_form

    login(make.user(Role.STAFF))
    base = call_form(make)

    @FUZZ
    @given(
        title=TEXT, budget=AMOUNT, cap=AMOUNT, start=DAY, opens=MOMENT, percent=AMOUNT, text=TEXT
    )
    def post(title, budget, cap, start, opens, percent, text):
        calls = _count(Call)
        response = client.post(
            "/staff/calls/new",
            data={
                **base,
                "title": title,
                "total_budget": budget,
                "cap_per_project": cap,
                "project_start": start,
                "opens_at": opens,
                "installments-0-percent": percent,
                "eligibility": text,
            },
        )
        _not_5xx(response)
        db.session.rollback()
        assert _count(Call) - calls == (1 if response.status_code == 302 else 0)

    post()


def test_application_draft_save_and_submit_never_fail_on_bad_input(client, login, make):
    application = make.application(complete=False)
    login(db.session.get(User, application.created_by_id))

    @FUZZ
    @given(
        title=TEXT,
        beneficiaries=AMOUNT,
        price=AMOUNT,
        quantity=AMOUNT,
        requested=AMOUNT,
        due=DAY,
        start=DAY,
        action=st.sampled_from(["save", "submit"]),
    )
    def post(title, beneficiaries, price, quantity, requested, due, start, action):
        db.session.expire_all()
        current = db.session.get(Application, application.id)
        response = client.post(
            f"/applications/{application.id}/edit",
            data=filled_form(
                current,
                action,
                title=title,
                beneficiaries=beneficiaries,
                project_start=start,
                **{
                    "budget_lines-0-unit_price": price,
                    "budget_lines-0-quantity": quantity,
                    "budget_lines-0-requested": requested,
                    "milestones-0-due_date": due,
                },
            ),
        )
        _not_5xx(response)
        db.session.expire_all()
        saved = db.session.get(Application, application.id)
        lines = db.session.scalars(
            sa.select(BudgetLine).where(BudgetLine.application_id == application.id)
        ).all()
        # the totals always match the rows saved with them: never half a draft
        assert saved.requested_amount == sum((line.requested or 0 for line in lines), 0)
        assert _count(Milestone, Milestone.application_id == application.id) <= 1

    post()


def test_review_sheet_never_fails_on_bad_input(client, login, make):
    call = reviews.call()
    criteria = reviews.rubric(call)
    reviews.application(call)
    experts = [reviews.expert() for _ in range(3)]
    panel = reviews.panel(call, experts)
    (assignment, *_rest), _missing = reviews.assign(panel)
    reviews.open_sheet(assignment)
    login(assignment.reviewer.user)

    @FUZZ
    @given(scores=st.lists(AMOUNT, min_size=3, max_size=3), comment=TEXT)
    def post(scores, comment):
        data = {"action": "save", "overall_comment": comment}
        for criterion, score in zip(criteria, scores, strict=True):
            data[f"score-{criterion.id}"] = score
            data[f"comment-{criterion.id}"] = comment
        _not_5xx(client.post(f"/review/assignments/{assignment.id}", data=data))
        db.session.rollback()

    post()


def test_contract_edit_never_fails_on_bad_input(client, login, make):
    contract = make.contract("50000.00")
    login(make.user(Role.STAFF))

    @FUZZ
    @given(title=TEXT, content=TEXT, start=DAY, end=DAY)
    def post(title, content, start, end):
        db.session.expire_all()
        before = db.session.get(Contract, contract.id)
        kept = (before.title, before.service_content, before.start_date, before.end_date)
        response = client.post(
            f"/contracts/{contract.id}/edit",
            data={
                "title": title,
                "legal_basis": before.legal_basis,
                "service_content": content,
                "places": "香坊街道",
                "start_date": start,
                "end_date": end,
                "quantity_targets": "",
                "quality_targets": "",
            },
        )
        _not_5xx(response)
        db.session.expire_all()
        after = db.session.get(Contract, contract.id)
        if response.status_code != 302:
            assert (after.title, after.service_content, after.start_date, after.end_date) == kept

    post()


def test_payment_recording_never_fails_on_bad_input(client, login, make):
    staff = make.user(Role.STAFF)
    contract = make.contract("100000.00", state="signed", staff=staff)
    first = contract.installments[0]
    payments.approve_release(first, actor=staff)
    db.session.commit()
    login(make.user(Role.FINANCE))

    @FUZZ
    @given(amount=AMOUNT, paid_on=DAY, voucher=TEXT, reference=TEXT)
    def post(amount, paid_on, voucher, reference):
        response = client.post(
            f"/installments/{first.id}/pay",
            data={
                "amount": amount,
                "paid_on": paid_on,
                "voucher_no": voucher,
                "bank_reference": reference,
            },
        )
        _not_5xx(response)
        db.session.rollback()
        paid = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
                Payment.installment_id == first.id
            )
        )
        assert paid <= first.amount

    post()


def test_progress_report_never_fails_on_bad_input(client, login, make):
    project, member, _staff = delivering(make)
    report = write_report(project, member, {}, submit=False)
    login(member)
    community = project.application.communities[0]
    line = project.plan_lines[0]

    @FUZZ
    @given(summary=TEXT, held_on=DAY, participants=AMOUNT, amount=AMOUNT, count=AMOUNT)
    def post(summary, held_on, participants, amount, count):
        response = client.post(
            f"/progress-reports/{report.id}/edit",
            data={
                "summary": summary,
                "activities-0-held_on": held_on,
                "activities-0-community_id": str(community.id),
                "activities-0-title": summary[:200],
                "activities-0-participants": participants,
                "beneficiaries-0-group": "elderly",
                "beneficiaries-0-count": count,
                "expenditures-0-line_id": str(line.id),
                "expenditures-0-amount": amount,
                "action": "save",
            },
        )
        _not_5xx(response)
        db.session.expire_all()
        saved = db.session.get(ProgressReport, report.id)
        assert len(saved.activities) <= 1
        assert len(saved.expenditures) <= len(project.plan_lines)

    post()


# -- uploads ---------------------------------------------------------------------------------


def _zip_bomb():
    """A .docx-looking zip of a few tens of kilobytes that expands to 64 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"\0" * (64 * 1024 * 1024))
    return buffer.getvalue()


def _png_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "<script>alert(1)</script>")
    return PNG_1PX + buffer.getvalue()


UPLOADS = {
    "zip bomb": (_zip_bomb, "预算明细.docx"),
    "zip bomb as xlsx": (_zip_bomb, "预算明细.xlsx"),
    "PDF with HTML body": (
        lambda: MINIMAL_PDF[:9] + b"<html><script>alert(document.cookie)</script></html>",
        "登记证书.pdf",
    ),
    "HTML named PDF": (lambda: b"<html><script>alert(1)</script>%PDF-1.4", "登记证书.pdf"),
    "PNG + ZIP": (_png_zip, "照片.png"),
    "PNG + ZIP named html": (_png_zip, "照片.html"),
}

UNSAFE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript")


def test_hostile_uploads_are_refused_or_stored_safely(client, login, make):
    application = make.application(complete=False)
    login(db.session.get(User, application.created_by_id))
    for label, (content, name) in UPLOADS.items():
        db.session.expire_all()
        current = db.session.get(Application, application.id)
        body = content()
        response = client.post(
            f"/applications/{application.id}/edit",
            data={**filled_form(current), "file-0": (io.BytesIO(body), name)},
        )
        _not_5xx(response)
        db.session.expire_all()
        for attachment in db.session.scalars(
            sa.select(ApplicationAttachment).where(
                ApplicationAttachment.application_id == application.id
            )
        ):
            # stored as it came (never unpacked), and downloaded as a file, not a page
            download = client.get(f"/applications/{application.id}/attachments/{attachment.id}")
            assert download.status_code == 200, label
            assert download.mimetype not in UNSAFE_TYPES, label
            disposition = download.headers.get("Content-Disposition", "")
            assert disposition.startswith("attachment") or download.mimetype in (
                "application/pdf",
                "image/png",
                "image/jpeg",
            ), (label, disposition, download.mimetype)
            assert len(download.get_data()) == attachment.file.size, label
