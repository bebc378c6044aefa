"""Contract pages: who sees what (org A vs org B by guessing ids), staff forms, signing."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from tests.pdf_bytes import MINIMAL_PDF
from venture.auth.enums import Role
from venture.contracts.enums import ContractState
from venture.contracts.models import Contract
from venture.extensions import db


def contract_urls(contract):
    base = f"/contracts/{contract.id}"
    return [base, f"{base}/document.pdf", f"{base}/signed-scan"]


def test_organization_sees_only_its_own_contracts(client, login, make):
    mine = make.contract("1000.00", state="signed")
    theirs = make.contract("2000.00", state="signed")
    login(make.member(mine.organization))
    for url in contract_urls(mine):
        assert client.get(url).status_code == 200, url
    for url in contract_urls(theirs):
        assert client.get(url).status_code == 404, url
    upload = client.post(
        f"/contracts/{theirs.id}/signed-scan/upload",
        data={"scan": (io.BytesIO(MINIMAL_PDF), "x.pdf")},
    )
    assert upload.status_code == 404
    page = client.get("/contracts/mine").get_data(as_text=True)
    assert mine.number in page
    assert theirs.number not in page
    assert client.get("/contracts/999999").status_code == 404


def test_organization_does_not_see_drafts(client, login, make):
    draft = make.contract("1000.00")
    login(make.member(draft.organization))
    assert client.get(f"/contracts/{draft.id}").status_code == 404
    assert draft.number not in client.get("/contracts/mine").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.FINANCE, Role.REVIEWER, Role.APPLICANT, Role.EVALUATOR])
def test_only_staff_edit_or_act_on_contracts(client, login, make, role):
    contract = make.contract("1000.00")
    login(make.user(role, organization=contract.organization if role == Role.APPLICANT else None))
    terms = {"title": "改", "legal_basis": "x", "service_content": "x"}
    for url, data in (
        (f"/contracts/{contract.id}/edit", terms),
        (f"/contracts/{contract.id}/installments", {"rows-0-percent": "100"}),
        (f"/contracts/{contract.id}/issue", {}),
        (f"/contracts/{contract.id}/terminate", {"reason": "x"}),
        (f"/staff/awards/{contract.award_id}/contract", {}),
    ):
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert (contract.title, contract.state) != ("改", ContractState.TERMINATED)


def test_finance_reads_contracts_but_gets_no_edit_buttons(client, login, make):
    contract = make.contract("1000.00")
    login(make.user(Role.FINANCE))
    page = client.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert contract.number in page
    assert f"/contracts/{contract.id}/edit" not in page
    assert client.get(f"/contracts/{contract.id}/edit").status_code == 403


def test_reviewers_never_reach_contracts_or_bank_accounts(client, login, make):
    contract = make.contract("1000.00", state="issued")
    login(make.user(Role.REVIEWER))
    for url in contract_urls(contract) + ["/finance/ledger", "/finance/ledger.csv"]:
        assert client.get(url).status_code == 403, url


def test_staff_draft_edit_and_issue_through_pages(client, login, make):
    staff = login(make.user(Role.STAFF))
    award = make.award("16409.02", staff=staff)
    index = client.get("/staff/contracts").get_data(as_text=True)
    assert "起草合同" in index
    response = client.post(f"/staff/awards/{award.id}/contract")
    contract = db.session.scalars(select(Contract)).one()
    assert response.headers["Location"] == f"/contracts/{contract.id}"
    form = {
        "title": "银龄守护",
        "legal_basis": contract.legal_basis,
        "service_content": "每周入户探访",
        "places": "香坊街道：红旗社区",
        "start_date": "2026-03-01",
        "end_date": "2026-02-01",
        "quantity_targets": "探访 1000 人次",
        "quality_targets": "满意度 90% 以上",
    }
    refused = client.post(f"/contracts/{contract.id}/edit", data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "结束日期必须晚于开始日期。" in page
    assert 'value="香坊街道：红旗社区"' not in page  # a textarea keeps it as content instead
    assert "香坊街道：红旗社区</textarea>" in page
    form["end_date"] = "2026-12-31"
    assert client.post(f"/contracts/{contract.id}/edit", data=form).status_code == 302
    plan = client.post(
        f"/contracts/{contract.id}/installments",
        data={
            "rows-0-percent": "60",
            "rows-0-condition": "on_signing",
            "rows-1-percent": "30",
            "rows-1-condition": "final_passed",
        },
    )
    assert plan.status_code == 400
    assert "比例合计为 90%，必须等于 100%。" in plan.get_data(as_text=True)
    client.post(
        f"/contracts/{contract.id}/installments",
        data={
            "rows-0-percent": "60",
            "rows-0-condition": "on_signing",
            "rows-1-percent": "40",
            "rows-1-condition": "final_passed",
            "rows-2-percent": "",
            "rows-2-condition": "midterm_passed",
        },
    )
    db.session.expire_all()
    assert [str(i.amount) for i in contract.installments] == ["9845.41", "6563.61"]
    preview = client.get(f"/contracts/{contract.id}/preview.pdf")
    assert (preview.status_code, preview.data[:5]) == (200, b"%PDF-")
    client.post(f"/contracts/{contract.id}/issue")
    db.session.expire_all()
    assert contract.state == ContractState.ISSUED
    assert client.get(f"/contracts/{contract.id}/document.pdf").data[:5] == b"%PDF-"
    edit = client.get(f"/contracts/{contract.id}/edit")
    assert edit.status_code == 302


def test_organization_uploads_scan_and_staff_confirm(client, login, make):
    staff = make.user(Role.STAFF)
    contract = make.contract("1000.00", state="issued", staff=staff)
    login(make.member(contract.organization))
    bad = client.post(
        f"/contracts/{contract.id}/signed-scan/upload",
        data={"scan": (io.BytesIO(b"<html></html>"), "scan.pdf")},
    )
    assert bad.status_code == 302
    db.session.expire_all()
    assert contract.signed_scan_id is None
    no_reason = client.post(
        f"/contracts/{contract.id}/signed-scan/upload",
        data={"scan": (io.BytesIO(MINIMAL_PDF), "盖章合同.pdf")},
    )
    assert no_reason.status_code == 302
    db.session.expire_all()
    assert contract.signed_scan_id is None
    client.post(
        f"/contracts/{contract.id}/signed-scan/upload",
        data={"scan": (io.BytesIO(MINIMAL_PDF), "盖章合同.pdf"), "reason": "法定代表人出差"},
    )
    db.session.expire_all()
    assert contract.scan_reason == "法定代表人出差"
    client.post("/logout")
    login(staff)
    future = client.post(
        f"/contracts/{contract.id}/confirm-signature", data={"signed_on": "2999-01-01"}
    )
    assert future.status_code == 302
    db.session.expire_all()
    assert contract.state == ContractState.ISSUED
    client.post(
        f"/contracts/{contract.id}/confirm-signature", data={"signed_on": date.today().isoformat()}
    )
    db.session.expire_all()
    assert (contract.state, contract.signed_on) == (ContractState.SIGNED, date.today())
    assert client.get(f"/contracts/{contract.id}/signed-scan").data == MINIMAL_PDF


def test_home_panels_show_contract_work(client, login, make):
    staff = make.user(Role.STAFF)
    issued = make.contract("1000.00", state="issued", staff=staff)
    make.award("1000.00", staff=staff)
    login(staff)
    home = client.get("/").get_data(as_text=True)
    assert "份合同待起草或出具" in home
    client.post("/logout")
    login(make.member(issued.organization))
    home = client.get("/").get_data(as_text=True)
    assert "待签章上传的合同：" in home
    assert issued.number in home
    client.post("/logout")
    login(make.user(Role.FINANCE))
    home = client.get("/").get_data(as_text=True)
    assert '<div class="card-figure">¥1,000.00</div>' in home  # under issued contracts


def test_nav_shows_contract_entries_per_role(client, login, make):
    login(make.user(Role.STAFF))
    assert "合同管理" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make.user(Role.FINANCE))
    assert "财务台账" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make.member())
    assert "我的合同" in client.get("/").get_data(as_text=True)
