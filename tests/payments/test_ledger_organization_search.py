"""The ledger's organization filter: a search text (part of the name, or the unified social
credit code) instead of a menu of every organization; ?org=<id> still works and is shown."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from tests.payments.test_exports import paid_contract
from venture.auth.enums import Role
from venture.extensions import db
from venture.payments import exports, jobs, ledger_query
from venture.payments.models import ExportJob


@pytest.fixture
def orgs_ledger(make):
    """Two paid grants of two organizations, one of them named with % and _ in it."""
    staff, finance = make.user(Role.STAFF), make.user(Role.FINANCE)
    sunny = paid_contract(make, "1000.00", staff, finance, paid_on=date(2026, 1, 15))
    sunny.organization.name = "香坊区阳光助老服务中心"
    other = paid_contract(make, "3000.00", staff, finance, paid_on=date(2026, 3, 15))
    other.organization.name = "南岗区100%_童心社"
    db.session.commit()
    return {"sunny": sunny, "other": other, "finance": finance}


def numbers(**args):
    rows = exports.ledger_rows(ledger_query.LedgerFilters.from_args(args))
    return sorted({row[0] for row in rows})


def test_ledger_filters_by_a_part_of_the_name_or_the_credit_code(orgs_ledger):
    sunny, other = orgs_ledger["sunny"], orgs_ledger["other"]
    both = sorted([sunny.number, other.number])
    assert numbers(organization="阳光助老") == [sunny.number]
    assert numbers(organization="  阳光\t助老 ") == []  # words joined by one space
    assert numbers(organization=sunny.organization.credit_code) == [sunny.number]
    assert numbers(organization=other.organization.credit_code.lower()) == [other.number]
    # % and _ are the characters themselves, not wildcards
    assert numbers(organization="100%_") == [other.number]
    assert numbers(organization="%") == [other.number]
    assert numbers(organization="_") == [other.number]
    assert numbers(organization="区") == both
    assert numbers(organization="没有这个组织") == []
    assert numbers(organization="") == numbers(organization="   ") == both
    assert numbers(organization="阳光", org=str(other.organization_id)) == []


def test_search_text_is_cleaned_and_kept_in_the_filters_args():
    assert ledger_query.search_text(" 阳光\x00 助老\n") == "阳光 助老"
    assert ledger_query.search_text("\x00\x01 ") is None
    assert ledger_query.search_text("x" * 500) == "x" * ledger_query.SEARCH_LENGTH
    filters = ledger_query.LedgerFilters.from_args({"organization": " 阳光 ", "org": "12"})
    assert filters.as_args() == {"org": 12, "organization": "阳光"}
    assert ledger_query.LedgerFilters.from_args(filters.as_args()) == filters


def test_ledger_page_searches_organizations_without_a_menu_of_them(client, login, orgs_ledger):
    sunny, other = orgs_ledger["sunny"], orgs_ledger["other"]
    login(orgs_ledger["finance"])
    response = client.get("/finance/ledger?organization=阳光")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sunny.number in page and other.number not in page
    assert 'id="total-due">¥1,000.00</div>' in page
    assert (
        '<input class="form-control" type="search" id="organization" name="organization" '
        'maxlength="100" value="阳光" placeholder="名称的一部分，或统一社会信用代码">'
    ) in page
    assert '<select class="form-select" id="org"' not in page
    assert other.organization.name not in page  # no menu lists every organization
    # the export buttons carry the search
    assert "/finance/ledger.csv?organization=%E9%98%B3%E5%85%89" in page
    code = client.get(f"/finance/ledger?organization={other.organization.credit_code}")
    assert other.number in code.get_data(as_text=True)
    assert sunny.number not in code.get_data(as_text=True)


def test_ledger_page_shows_the_organization_of_org_and_keeps_it(client, login, orgs_ledger):
    sunny, other = orgs_ledger["sunny"], orgs_ledger["other"]
    login(orgs_ledger["finance"])
    page = client.get(f"/finance/ledger?org={sunny.organization_id}&state=paid").get_data(
        as_text=True
    )
    assert sunny.number in page and other.number not in page
    assert f'<input type="hidden" name="org" value="{sunny.organization_id}">' in page
    assert (
        '<div class="form-text" id="org-chosen">仅限：香坊区阳光助老服务中心 · '
        '<a href="/finance/ledger?state=paid">全部社会组织</a></div>'
    ) in page
    assert 'id="org-chosen"' not in client.get("/finance/ledger").get_data(as_text=True)
    unknown = client.get("/finance/ledger?org=999999")
    assert unknown.status_code == 200
    assert "仅限：999999" in unknown.get_data(as_text=True)


@pytest.mark.parametrize(
    "text",
    ["", "%", "_", "\\", "'", '"><script>', "\x00", "%00", "x" * 5000, "🙂", "' OR 1=1 --"],
)
def test_garbage_search_text_gives_a_page_not_an_error(client, login, orgs_ledger, text):
    login(orgs_ledger["finance"])
    response = client.get("/finance/ledger", query_string={"organization": text, "page": "2"})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[-1]
    assert client.get("/finance/ledger.csv", query_string={"organization": text}).status_code == 200


def test_exports_at_once_and_as_a_job_honour_the_search(
    app, client, login, orgs_ledger, monkeypatch
):
    sunny, other = orgs_ledger["sunny"], orgs_ledger["other"]
    login(orgs_ledger["finance"])
    at_once = client.get("/finance/ledger.csv?organization=阳光助老").data.decode("utf-8-sig")
    assert sunny.number in at_once and other.number not in at_once
    app.config["JOB_RUNNER"] = "worker"
    try:
        client.post(f"/finance/ledger.csv?organization={other.organization.credit_code}")
        job = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()
        assert job.parameters["filters"] == {"organization": other.organization.credit_code}
        assert job.total == 3
        page = client.get(f"/finance/exports/{job.id}").get_data(as_text=True)
        assert f"组织名称或统一社会信用代码：{other.organization.credit_code}" in page
        assert jobs.work(app, stop=threading.Event(), once=True, worker="w1") == 1
    finally:
        app.config["JOB_RUNNER"] = "thread"
    db.session.expire_all()
    lines = client.get(f"/finance/exports/{job.id}/download").data.decode("utf-8-sig")
    assert other.number in lines and sunny.number not in lines


def test_search_is_for_the_finance_desk_only(client, login, make):
    login(make.member())
    assert client.get("/finance/ledger?organization=阳光").status_code == 403
    login(make.user(Role.REVIEWER))
    assert client.get("/finance/ledger.csv?organization=阳光").status_code == 403
