"""Sealed bids: before the opening no page, download, export, audit view or API shows a bid's
price or content to staff or admin; after the opening they do."""

import pytest

from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement import operations

PRICE_TEXT = "87,654.32"  # as pages show it (¥87,654.32)
RAW_PRICE = "87654.32"  # as JSON and CSV carry it
CONTENT = "服务方案正文（87654.32）"


@pytest.fixture
def sealed(make):
    """A published tender with one submitted bid, and the bid's file."""
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bid = helpers.bid(tender, RAW_PRICE)
    return tender, bid, bid.attachments[0], staff


def _urls(tender, bid, attachment):
    return {
        "tender page": f"/tenders/{tender.id}",
        "tender list": "/staff/tenders",
        "evaluation": f"/staff/tenders/{tender.id}/evaluation",
        "bid page": f"/bids/{bid.id}",
        "bid file": f"/bids/{bid.id}/files/{attachment.id}",
        "opening record": f"/tenders/{tender.id}/opening",
        "opening record PDF": f"/tenders/{tender.id}/opening.pdf",
        "export": f"/staff/tenders/{tender.id}/bids.csv",
        "API": f"/api/procurement/tenders/{tender.id}/bids",
        "audit log": "/admin/audit",
        "audit log of the bid": f"/admin/audit?type=Bid&id={bid.id}",
    }


def _shows_bid(response):
    body = response.get_data()
    return any(
        needle.encode() in body for needle in (PRICE_TEXT, RAW_PRICE, CONTENT, "%PDF-1.")
    ) or (response.status_code == 200 and response.mimetype == "application/pdf")


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_no_route_shows_a_sealed_bid_to_staff_or_admin(client, login, make, sealed, role):
    tender, bid, attachment, _staff = sealed
    login(make.user(role))
    shown = {}
    for name, url in _urls(tender, bid, attachment).items():
        response = client.get(url)
        shown[name] = (response.status_code, _shows_bid(response))
    assert {name: leaked for name, (_status, leaked) in shown.items() if leaked} == {}
    assert shown["bid page"][0] == 404
    assert shown["bid file"][0] == 404
    assert shown["opening record"][0] == 404
    api = client.get(f"/api/procurement/tenders/{tender.id}/bids").get_json()
    assert (api["sealed"], api["bids"]) == (True, [])


def test_the_audit_rows_of_a_sealed_bid_carry_no_price_or_content(sealed):
    from venture.core.audit import AuditEntry

    _tender, bid, _attachment, _staff = sealed
    rows = (
        db.session.query(AuditEntry)
        .filter_by(object_type="Bid", object_id=bid.id)
        .order_by(AuditEntry.seq)
        .all()
    )
    text = " ".join(f"{r.before or ''} {r.after or ''} {r.reason or ''}" for r in rows)
    assert [r.action for r in rows] == [
        "bid.create",
        "bid.save",
        "bid.attach",
        "bid.attach",
        "bid.submit",
        "bid.seal",
    ]
    assert (RAW_PRICE in text, "服务方案" in text, "file" in text) == (False, False, False)


def test_another_organization_cannot_read_a_bid(client, login, make, sealed):
    tender, bid, attachment, staff = sealed
    login(make.member())
    assert client.get(f"/bids/{bid.id}").status_code == 404
    assert client.get(f"/bids/{bid.id}/files/{attachment.id}").status_code == 404
    assert client.get(f"/bids/{bid.id}/edit").status_code == 404
    helpers.opened(tender, staff)
    assert client.get(f"/bids/{bid.id}").status_code == 404
    assert client.get(f"/tenders/{tender.id}/opening").status_code == 404


def test_the_bidder_reads_its_own_sealed_bid(client, login, sealed):
    _tender, bid, attachment, _staff = sealed
    login(bid.member)
    page = client.get(f"/bids/{bid.id}")
    assert page.status_code == 200
    assert PRICE_TEXT in page.get_data(as_text=True)
    assert client.get(f"/bids/{bid.id}/files/{attachment.id}").status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_after_the_opening_staff_and_admin_read_the_bid(client, login, make, sealed, role):
    tender, bid, attachment, staff = sealed
    helpers.opened(tender, staff)
    login(make.user(role))
    urls = _urls(tender, bid, attachment)
    for name, needle in (
        ("bid page", PRICE_TEXT),
        ("opening record", PRICE_TEXT),
        ("evaluation", PRICE_TEXT),
        ("audit log of the bid", RAW_PRICE),
    ):
        response = client.get(urls[name])
        assert (name, response.status_code, needle in response.get_data(as_text=True)) == (
            name,
            200,
            True,
        )
    assert CONTENT in client.get(urls["bid page"]).get_data(as_text=True)
    assert client.get(urls["bid file"]).status_code == 200
    pdf = client.get(urls["opening record PDF"])
    assert (pdf.status_code, pdf.mimetype) == (200, "application/pdf")
    export = client.get(urls["export"])
    assert RAW_PRICE in export.get_data(as_text=True)
    api = client.get(urls["API"]).get_json()
    assert (api["sealed"], [b["price"] for b in api["bids"]]) == (False, [RAW_PRICE])


def test_bids_cannot_be_opened_before_the_opening_time(client, login, sealed):
    tender, _bid, _attachment, staff = sealed
    login(staff)
    client.post(f"/staff/tenders/{tender.id}/open")
    db.session.expire_all()
    assert tender.opened_at is None
    with pytest.raises(operations.ProcurementError):
        operations.open_tender(tender, actor=staff)


def test_the_opening_record_lists_bidders_prices_and_time(client, login, make):
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    first, second = helpers.bid(tender, "98000.00"), helpers.bid(tender, "96500.50")
    draft = helpers.bid(tender, "50000.00", submit=False)
    helpers.opened(tender, staff)
    login(staff)
    page = client.get(f"/tenders/{tender.id}/opening").get_data(as_text=True)
    assert first.organization.name in page and "¥98,000.00" in page
    assert second.organization.name in page and "¥96,500.50" in page
    assert draft.organization.name not in page  # never submitted: not opened
    assert [b.id for b in operations.opened_bids(tender)] == [first.id, second.id]
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(tender.opening_record.path.read_bytes())).pages[0].extract_text()
    assert "开标记录" in text and "96,500.50" in text
