"""The contract PDF: amounts in Chinese uppercase, embedded CJK fonts, reproducible issue."""

import re

import pytest

from tests.pdf_checks import pdf_text
from venture.contracts import document


@pytest.mark.parametrize(
    ("amount", "uppercase"),
    [
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
        ("10005", "人民币壹万零伍元整"),
        ("200000", "人民币贰拾万元整"),
    ],
)
def test_contract_pdf_prints_amount_in_pboc_uppercase(make, tmp_path, amount, uppercase):
    contract = make.contract(amount, state="issued")
    text = pdf_text(contract.document.path.read_bytes(), tmp_path / "c.pdf")
    assert f"（大写：{uppercase}）" in text


def test_issued_contract_is_reproduced_from_stored_data(make, tmp_path):
    """Re-rendering the stored JSON with the stored template version gives the same text, even
    after the organization changed its profile."""
    contract = make.contract("10005", state="issued")
    stored = pdf_text(contract.document.path.read_bytes(), tmp_path / "stored.pdf")
    # the issued file carries Party A's signature appearance over the page (venture/documents);
    # the page itself is what the stored data reproduces
    appearance = re.search(r"哈尔滨市香坊区民政局签署人：.+?\(UTC\+8\)", stored).group(0)
    stored = stored.replace(appearance, "", 1)
    contract.organization.bank_account = "6222999999999999"
    contract.organization.name = "改名后的组织"
    again = document.render_contract(contract.document_data, version=contract.template_version)
    assert pdf_text(again, tmp_path / "again.pdf") == stored
    assert pdf_text(document.contract_pdf(contract), tmp_path / "current.pdf") == stored
    assert "6222000000000000" in stored
    assert "人民币壹万零伍元整" in stored


def test_draft_carries_the_watermark_and_issued_does_not(make, tmp_path):
    contract = make.contract("1409.50")
    draft = pdf_text(document.contract_pdf(contract), tmp_path / "draft.pdf")
    # rotated text comes out of pdftotext in pieces: count each character, once per page
    assert (draft.count("草"), draft.count("稿"), "第3页/共3页" in draft) == (3, 3, True)
    issued = pdf_text(
        document.render_contract(document.document_data(contract)), tmp_path / "issued.pdf"
    )
    assert (issued.count("草"), issued.count("稿")) == (0, 0)


def test_contract_text_has_parties_terms_installments_and_clauses(make, tmp_path):
    contract = make.contract("200000")
    pdf = document.render_contract(document.document_data(contract))
    text = pdf_text(pdf, tmp_path / "c.pdf")
    org = contract.organization
    for expected in (
        f"合同编号：{contract.number}",
        "甲方（购买主体）",
        "哈尔滨市香坊区民政局",
        org.name,
        org.credit_code,
        "法定代表人：王伟",
        "账号：6222000000000000",
        "第三条服务期限",
        "服务对象不少于120人",
        "第1期50%100,000.00人民币壹拾万元整本合同签订后",
        "第3期20%40,000.00人民币肆万元整项目结项评估合格后",
        "第七条监督管理",
        "第八条项目评估",
        "第九条违约责任",
        "第十条争议解决",
        "甲方（盖章）：哈尔滨市香坊区民政局",
        "法定代表人或授权代表（签字）：",
    ):
        assert expected in text, expected


def test_party_a_comes_from_config(app, make, tmp_path):
    app.config["CONTRACT_PARTY_A"] = {"name": "某某区民政局", "bank_account": "123456789"}
    try:
        data = document.document_data(make.contract("1000.00"))
    finally:
        del app.config["CONTRACT_PARTY_A"]
    assert (data["party_a"]["name"], data["party_a"]["bank_account"]) == (
        "某某区民政局",
        "123456789",
    )
    assert data["party_a"]["court"] == "哈尔滨市香坊区人民法院"
