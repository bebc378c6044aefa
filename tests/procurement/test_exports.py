"""Bid exports people read: Beijing times and the states in the page's language."""

import csv
import io
from datetime import UTC, datetime

from tests import factories
from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db


def _rows(client, tender):
    response = client.get(f"/staff/tenders/{tender.id}/bids.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_bids_csv_shows_beijing_time_and_chinese_states(client, login):
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bids = [helpers.bid(tender, p) for p in ("90000.00", "95000.00", "99000.00")]
    helpers.evaluated(tender, {b: [30, 20] for b in bids}, staff=staff)
    bids[0].submitted_at = datetime(2026, 11, 30, 16, 5, 9, tzinfo=UTC)
    db.session.commit()
    login(staff)
    rows = _rows(client, tender)
    assert rows[0] == [
        "投标人",
        "统一社会信用代码",
        "报价",
        "递交时间（北京时间）",
        "状态",
        "技术得分",
        "价格得分",
        "合计",
        "排名",
    ]
    first = next(r for r in rows[1:] if r[0] == bids[0].organization.name)
    assert (first[3], first[4], first[8]) == ("2026-12-01 00:05:09", "已评分", "1")


def test_bids_api_keeps_utc_times_and_state_codes(client, login):
    staff = factories.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff)
    bid = helpers.bid(tender, "90000.00")
    helpers.opened(tender, staff)
    login(staff)
    data = client.get(f"/api/procurement/tenders/{tender.id}/bids").get_json()
    assert (data["bids"][0]["state"], data["bids"][0]["submitted_at"]) == (
        "opened",
        bid.submitted_at.isoformat(),
    )
