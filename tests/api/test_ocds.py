"""OCDS 1.1.5 open data: each published call as a release, validated offline."""

import json
from decimal import Decimal

import sqlalchemy as sa

from tests.api.helpers import ocds_errors, tender_through_payment
from tests.procurement import helpers as procurement
from venture.api import ocds
from venture.extensions import db


def test_tender_call_package_validates_and_has_every_section(api, monkeypatch):
    made = tender_through_payment(monkeypatch, prices=("90000.00", "101234.56", "117654.32"))
    response = api.get(f"/api/v1/ocds/calls/{made['call'].id}.json")
    package = response.get_json()
    assert response.status_code == 200
    assert ocds_errors(package) == []
    (release,) = package["releases"]
    winner = made["bids"][0].organization
    supplier_id = f"CN-USCC-{winner.credit_code}"
    parties = {p["id"]: p for p in release["parties"]}
    assert release["ocid"] == f"ocds-xfgyct-{made['call'].id}"
    assert release["tag"] == ["tender", "award", "contract", "implementation"]
    assert sorted(parties[supplier_id]["roles"]) == ["payee", "supplier", "tenderer"]
    assert parties[supplier_id]["identifier"] == {
        "scheme": "CN-USCC",
        "id": winner.credit_code,
        "legalName": winner.name,
    }
    assert sorted(parties["CN-USCC-11230110MB01456787"]["roles"]) == [
        "buyer",
        "payer",
        "procuringEntity",
    ]
    assert release["buyer"] == {"id": "CN-USCC-11230110MB01456787", "name": "哈尔滨市香坊区民政局"}
    tender = release["tender"]
    assert (
        tender["procurementMethod"],
        tender["procurementMethodDetails"],
        tender["awardCriteria"],
        tender["awardCriteriaDetails"],
        tender["numberOfTenderers"],
        tender["value"],
        tender["status"],
    ) == (
        "open",
        "公开招标",
        "ratedCriteria",
        "综合评分法",
        3,
        {"amount": 150000.0, "currency": "CNY"},
        "complete",
    )
    assert [t["id"] for t in tender["tenderers"]] == [
        f"CN-USCC-{b.organization.credit_code}" for b in made["bids"]
    ]
    (award,) = release["awards"]
    assert (award["id"], award["status"], award["value"], award["suppliers"]) == (
        str(made["award"].id),
        "active",
        {"amount": 90000.0, "currency": "CNY"},
        [{"id": supplier_id, "name": winner.name}],
    )
    (contract,) = release["contracts"]
    payment = made["payment"]
    assert (contract["id"], contract["awardID"], contract["status"], contract["value"]) == (
        made["contract"].number,
        str(made["award"].id),
        "active",
        {"amount": 90000.0, "currency": "CNY"},
    )
    assert contract["implementation"]["transactions"] == [
        {
            "id": str(payment.id),
            "date": f"{payment.paid_on.isoformat()}T00:00:00+08:00",
            "value": {"amount": float(payment.amount), "currency": "CNY"},
            "payer": {"id": "CN-USCC-11230110MB01456787", "name": "哈尔滨市香坊区民政局"},
            "payee": {"id": supplier_id, "name": winner.name},
        }
    ]
    assert payment.amount == Decimal("45000.00")
    # no bid price other than the award's, and no bank details, anywhere in the package
    text = json.dumps(package, ensure_ascii=False)
    leaked = [x for x in ("101234", "117654", winner.bank_account) if x in text]
    assert leaked == []


def test_sealed_bids_appear_nowhere_before_the_opening(api, make):
    tender = procurement.published_tender()
    bids = [procurement.bid(tender, p) for p in ("91234.56", "99876.54")]
    package = api.get(f"/api/v1/ocds/calls/{tender.call_id}.json").get_json()
    assert ocds_errors(package) == []
    text = json.dumps(package, ensure_ascii=False)
    leaked = [
        x
        for b in bids
        for x in (b.organization.name, b.organization.credit_code, "91234", "99876")
        if x in text
    ]
    (release,) = package["releases"]
    assert (leaked, "tenderers" in release["tender"], "numberOfTenderers" in release["tender"]) == (
        [],
        False,
        False,
    )
    assert [p["roles"] for p in release["parties"]] == [["buyer", "procuringEntity"]]


def test_opened_tender_lists_its_tenderers_without_prices(api, make):
    tender = procurement.published_tender()
    bids = [procurement.bid(tender, p) for p in ("91234.56", "99876.54")]
    procurement.opened(tender)
    package = api.get(f"/api/v1/ocds/calls/{tender.call_id}.json").get_json()
    tender_section = package["releases"][0]["tender"]
    text = json.dumps(package, ensure_ascii=False)
    assert (tender_section["numberOfTenderers"], "91234" in text, "99876" in text) == (
        2,
        False,
        False,
    )
    assert [t["name"] for t in tender_section["tenderers"]] == [b.organization.name for b in bids]


def test_each_route_maps_to_its_procurement_method(api, make):
    from venture.procurement.enums import EvaluationMethod, TenderMethod

    grant = make.call(route="venture_grant")
    targeted = make.call(route="targeted")
    negotiation = procurement.published_tender(
        method=TenderMethod.NEGOTIATION, evaluation=EvaluationMethod.LOWEST_PRICE, criteria=()
    )
    rows = []
    for call_id in (grant.id, targeted.id, negotiation.call_id):
        package = api.get(f"/api/v1/ocds/calls/{call_id}.json").get_json()
        assert ocds_errors(package) == []
        tender = package["releases"][0]["tender"]
        rows.append(
            (
                tender["procurementMethod"],
                tender["procurementMethodDetails"],
                tender.get("awardCriteria"),
                tender["awardCriteriaDetails"],
            )
        )
    assert rows == [
        (
            "open",
            "公益创投（公开征集、专家评审）",
            "ratedCriteria",
            "专家评审综合评分，按排名在预算内择优立项",
        ),
        ("direct", "定向购买（定向委托）", None, "定向委托，经公示无异议后授予"),
        ("selective", "竞争性磋商", "priceOnly", "最低评标价法"),
    ]


def test_contract_milestones_and_venture_grant_award_validate(api, make):
    contract = make.contract(state="in_force")
    package = api.get(f"/api/v1/ocds/calls/{contract.call_id}.json").get_json()
    assert ocds_errors(package) == []
    (section,) = package["releases"][0]["contracts"]
    assert (section["status"], [m["title"] for m in section["milestones"]]) == (
        "active",
        ["完成建档"],
    )


def test_draft_calls_and_unannounced_awards_are_not_published(api, make):
    draft = make.call("draft")
    assert api.get(f"/api/v1/ocds/calls/{draft.id}.json").status_code == 404
    feed = api.get("/api/v1/ocds/releases.json").get_json()
    assert feed["releases"] == []


def test_feed_validates_and_pages(api, make):
    calls = [make.call() for _ in range(3)]
    first = api.get("/api/v1/ocds/releases.json?per_page=2")
    second = api.get("/api/v1/ocds/releases.json?per_page=2&page=2")
    assert (ocds_errors(first.get_json()), ocds_errors(second.get_json())) == ([], [])
    ids = [r["ocid"] for r in first.get_json()["releases"] + second.get_json()["releases"]]
    assert sorted(ids) == sorted(f"ocds-xfgyct-{c.id}" for c in calls)
    assert first.headers["X-Total-Count"] == "3"
    assert first.headers["Link"].endswith('page=2>; rel="next"')


def _queries(app, action):
    count = []

    def before(*_args, **_kwargs):
        count.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    return len(count)


def test_feed_runs_the_same_number_of_queries_for_1_or_10_contracts(app, make):
    def feed():
        db.session.expire_all()
        ocds.releases(
            list(
                db.session.scalars(
                    sa.select(__import__("venture.calls.models", fromlist=["Call"]).Call)
                )
            )
        )

    make.contract(state="in_force")
    one = _queries(app, feed)
    for _ in range(9):
        make.contract(state="in_force")
    ten = _queries(app, feed)
    assert one == ten


def test_call_and_announcement_pages_link_their_open_data(client, make):
    call = make.call()
    announcement = make.announcement(call=call)
    link = f'href="/api/v1/ocds/calls/{call.id}.json"'
    pages = [
        client.get(f"/calls/{call.id}").get_data(as_text=True),
        client.get(f"/announcements/{announcement.id}").get_data(as_text=True),
    ]
    assert [link in page for page in pages] == [True, True]
    draft = make.call("draft")
    assert f"/api/v1/ocds/calls/{draft.id}.json" not in client.get("/api").get_data(as_text=True)
