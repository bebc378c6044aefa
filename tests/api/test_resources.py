"""The read resources: what each reader sees, filters, pages and the published review result."""

from datetime import timedelta
from decimal import Decimal

from tests.review.test_ranking import _ranked, scored  # noqa: F401
from venture.auth.enums import Role
from venture.core import timeutil
from venture.extensions import db
from venture.procurement.enums import AwardState
from venture.review import operations as review


def test_calls_filter_by_status_route_and_date(api, make):
    open_call = make.call(route="venture_grant")
    closed = make.call("closed", route="targeted")
    make.call("draft")
    today = timeutil.local_today()

    def ids(query):
        return sorted(c["id"] for c in api.get(f"/api/v1/calls?{query}").get_json()["items"])

    assert (ids(""), ids("status=open"), ids("route=targeted")) == (
        sorted([open_call.id, closed.id]),
        [open_call.id],
        [closed.id],
    )
    # published two days ago and sixty-one days ago
    assert ids(f"published_since={today - timedelta(days=3)}") == [open_call.id]
    assert ids(f"published_until={today - timedelta(days=10)}") == [closed.id]


def test_staff_see_draft_calls(api, make, token_for):
    draft = make.call("draft")
    token = token_for(make.user(Role.STAFF))
    assert api.get(f"/api/v1/calls/{draft.id}", token).get_json()["status"] == "draft"


def test_pages_hold_per_page_items_and_refuse_more_than_100(api, make):
    for _ in range(3):
        make.call()
    first = api.get("/api/v1/calls?per_page=2").get_json()
    past = api.get("/api/v1/calls?per_page=2&page=3").get_json()
    refused = api.get("/api/v1/calls?per_page=101").get_json()["error"]
    assert (len(first["items"]), first["total"], first["pages"], past["items"]) == (2, 3, 2, [])
    assert refused == {
        "code": "invalid_parameter",
        "message": "参数“per_page”无效。请填写 1 至 100 之间的整数。",
        "parameter": "per_page",
    }


def test_awards_are_public_once_final(api, make):
    final = make.award()
    proposed = make.award()
    proposed.state = AwardState.PROPOSED
    db.session.commit()
    listed = [a["id"] for a in api.get("/api/v1/awards").get_json()["items"]]
    assert (listed, api.get(f"/api/v1/awards/{proposed.id}").status_code) == ([final.id], 404)
    member = make.member(proposed.organization)
    from venture.api import operations

    _token, text = operations.create_token(member, name="t", expires_in_days=30, actor=member)
    db.session.commit()
    own = api.get(f"/api/v1/awards/{proposed.id}", text)
    assert (own.status_code, own.get_json()["amount"]) == (200, "107000.53")


def test_contracts_and_their_pdf_for_the_party_and_finance(api, make, token_for):
    contract = make.contract(state="issued")
    draft = make.contract()
    party = token_for(make.member(contract.organization))
    draft_party = token_for(make.member(draft.organization))
    finance = token_for(make.user(Role.FINANCE))
    mine = api.get("/api/v1/contracts", party).get_json()
    assert [c["number"] for c in mine["items"]] == [contract.number]
    assert api.get(f"/api/v1/contracts/{draft.id}", draft_party).status_code == 404
    assert api.get("/api/v1/contracts", finance).get_json()["total"] == 2
    pdf = api.get(f"/api/v1/contracts/{contract.id}/pdf", party)
    assert (pdf.status_code, pdf.mimetype, pdf.data[:5]) == (200, "application/pdf", b"%PDF-")
    assert api.get(f"/api/v1/contracts/{draft.id}/pdf", finance).status_code == 404
    other = token_for(make.member())
    assert api.get(f"/api/v1/contracts/{contract.id}/pdf", other).status_code == 404


def test_payments_for_finance_and_the_paid_organization_only(api, make, token_for):
    from tests.payments.test_payments import approved, pay

    installment, _staff = approved(make, "100000.00")
    finance = make.user(Role.FINANCE)
    pay(installment, "50000.00", finance)
    db.session.commit()
    contract = installment.contract
    answers = [
        api.get("/api/v1/payments", token_for(user)).get_json()["total"]
        for user in (finance, make.member(contract.organization), make.member())
    ]
    assert answers == [1, 1, 0]
    row = api.get("/api/v1/payments", token_for(finance)).get_json()["items"][0]
    assert (row["amount"], row["contract"]["number"], row["voucher_no"]) == (
        "50000.00",
        contract.number,
        "记-001",
    )
    reviewer = api.get("/api/v1/payments", token_for(make.user(Role.REVIEWER)))
    assert reviewer.status_code == 403


def test_announcements_are_public_and_filtered_by_kind(api, make):
    notice = make.announcement(kind="call_notice")
    make.announcement(kind="evaluation_result")
    listed = api.get("/api/v1/announcements?kind=call_notice").get_json()
    assert [a["id"] for a in listed["items"]] == [notice.id]
    shown = api.get(f"/api/v1/announcements/{notice.id}").get_json()
    assert (shown["title"], shown["state"], shown["body_html"]) == (
        notice.title,
        "published",
        notice.body,
    )


def test_review_result_only_after_its_publication(api, scored):  # noqa: F811
    staff, panel, apps = scored["staff"], scored["panel"], scored["apps"]
    url = f"/api/v1/calls/{scored['call'].id}/review-results"
    review.propose_awards(
        panel,
        _ranked(panel).rows,
        {apps["A"].id: (Decimal(90000), ""), apps["B"].id: (Decimal(80000), "")},
        actor=staff,
    )
    db.session.commit()
    before = api.get(url)
    assert (before.status_code, before.get_json()["error"]["code"]) == (404, "not_published")
    review.publish_result(
        panel, _ranked(panel), title="评审结果公示", introduction="", period_days=5, actor=staff
    )
    db.session.commit()
    after = api.get(url).get_json()
    rows = [(i["rank"], i["application"]["title"], i["score"], i["amount"]) for i in after["items"]]
    assert rows == [(1, "项目A", "85.00", "90000.00"), (2, "项目B", "80.00", "80000.00")]
    # once announced, the proposed awards are public too
    assert api.get("/api/v1/awards?state=proposed").get_json()["total"] == 2


def test_organizations_for_members_staff_and_finance(api, make, token_for):
    own = make.org()
    make.org()
    member = token_for(make.member(own))
    finance = token_for(make.user(Role.FINANCE))
    mine = api.get("/api/v1/organizations", member).get_json()
    assert ([o["id"] for o in mine["items"]], mine["items"][0]["bank_account"]) == (
        [own.id],
        "6222000000000000",
    )
    assert api.get("/api/v1/organizations", finance).get_json()["total"] == 2
