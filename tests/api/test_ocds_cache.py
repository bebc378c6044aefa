"""The OCDS package of a call is stored once built: every change it shows builds it again, an
unchanged call is answered from the store, and an ETag lets a client skip the download."""

from datetime import date

import pytest

from tests import factories
from tests.api.helpers import ocds_errors
from tests.procurement import helpers as procurement
from tests.procurement.test_designation import _on
from venture.announcements.operations import finalise_announcement, withdraw_announcement
from venture.api import ocds
from venture.auth.enums import Role
from venture.contracts import operations as contracts
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.payments import operations as payments
from venture.procurement import operations as procurement_ops
from venture.procurement.models import Award


@pytest.fixture
def builds():
    """The calls whose release was built (not taken from the store), once per build."""
    made = []
    original = ocds.releases

    def counting(calls):
        made.extend(c.id for c in calls)
        return original(calls)

    # its own patcher: the tests undo their clock with monkeypatch.undo()
    with pytest.MonkeyPatch.context() as patcher:
        patcher.setattr(ocds, "releases", counting)
        yield made


def _release(api, call):
    response = api.get(f"/api/v1/ocds/calls/{call.id}.json")
    assert response.status_code == 200
    package = response.get_json()
    assert ocds_errors(package) == []
    (release,) = package["releases"]
    return release


def _documents(release):
    return [d["title"] for d in release["tender"]["documents"][1:]]


def test_ocds_package_shows_each_change_in_the_next_response(api, monkeypatch, builds):
    staff, finance = factories.user(Role.STAFF), factories.user(Role.FINANCE)
    tender = procurement.published_tender(staff=staff, ceiling="150000.00")
    bids = [procurement.bid(tender, price) for price in ("90000.00", "100000.00")]
    procurement.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    call = tender.call
    first = _release(api, call)
    assert ("awards" in first, _documents(first)) == (False, [])

    # the result announced: the proposed award and the announcement appear
    _on(monkeypatch, date(2026, 4, 2))
    announcement = procurement_ops.publish_tender_result(
        tender, title="中标结果公示", introduction="", period_days=3, actor=staff
    )
    db.session.commit()
    announced = _release(api, call)
    assert ([a["status"] for a in announced["awards"]], _documents(announced)) == (
        ["pending"],
        ["中标结果公示"],
    )

    # the award's state: final once the announcement period ends without objection
    _on(monkeypatch, date(2026, 4, 9))
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    monkeypatch.undo()
    final = _release(api, call)
    assert [a["status"] for a in final["awards"]] == ["active"]

    # the contract: issued, then signed
    award = db.session.query(Award).one()
    contract = contracts.draft_contract(award, actor=staff)
    db.session.commit()
    contracts.issue_contract(contract, actor=staff)
    db.session.commit()
    issued = _release(api, call)
    assert [(c["status"], "dateSigned" in c) for c in issued["contracts"]] == [("pending", False)]
    contracts.upload_signed_scan(
        contract, procurement.pdf("signed.pdf"), actor=bids[0].member, reason="纸质签署"
    )
    contracts.confirm_signature(contract, actor=staff)
    db.session.commit()
    signed = _release(api, call)
    assert [(c["status"], "dateSigned" in c) for c in signed["contracts"]] == [("active", True)]

    # a payment
    first_installment = contract.installments[0]
    payments.approve_release(first_installment, actor=staff)
    db.session.commit()
    payment = payments.record_payment(
        first_installment,
        amount=first_installment.amount,
        paid_on=local_today(),
        voucher_no="记-001",
        bank_reference="HX20260301001",
        actor=finance,
    )
    db.session.commit()
    paid = _release(api, call)
    (section,) = paid["contracts"]
    assert [t["id"] for t in section["implementation"]["transactions"]] == [str(payment.id)]

    # another announcement, then its withdrawal
    notice = factories.announcement(kind="call_notice", title="补充公告", actor=staff, call=call)
    assert _documents(_release(api, call)) == ["中标结果公示", "补充公告"]
    withdraw_announcement(notice, actor=staff, reason="发布有误")
    db.session.commit()
    assert _documents(_release(api, call)) == ["中标结果公示"]

    # a party's own record: the supplier renamed
    winner = bids[0].organization
    winner.name = "香坊区新名称社会工作服务中心"
    db.session.commit()
    renamed = _release(api, call)
    assert renamed["awards"][0]["suppliers"][0]["name"] == "香坊区新名称社会工作服务中心"
    assert builds == [call.id] * 9


def test_unchanged_call_is_answered_from_the_store(api, make, builds):
    contract = make.contract(state="in_force")
    url = f"/api/v1/ocds/calls/{contract.call_id}.json"
    first, second = api.get(url), api.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.get_data() == first.get_data()
    assert (second.headers["ETag"], builds) == (first.headers["ETag"], [contract.call_id])


def test_etag_answers_304_until_the_package_changes(api, make):
    contract = make.contract(state="in_force")
    url = f"/api/v1/ocds/calls/{contract.call_id}.json"
    first = api.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 66  # a strong ETag: the text's SHA-256
    again = api.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.get_data()) == (304, b"")
    contract.title = "社区居家养老服务（续）"
    db.session.commit()
    changed = api.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["releases"][0]["contracts"][0]["title"] == "社区居家养老服务（续）"


def test_package_links_follow_the_address_it_is_served_at(api, make):
    contract = make.contract(state="in_force")
    url = f"/api/v1/ocds/calls/{contract.call_id}.json"
    local = api.get(url).get_json()
    other = api.get(url, base_url="https://open.example.org").get_json()
    assert (local["uri"], other["uri"]) == (
        f"http://localhost{url}",
        f"https://open.example.org{url}",
    )
