"""The procurement pages through a whole tender, as staff, bidders and panel members see them."""

from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement.enums import BidState
from venture.procurement.models import Bid
from venture.review.enums import SheetState
from venture.review.models import ReviewAssignment, ReviewSheet


def _as(client, login, user):
    client.post("/logout")
    return login(user)


def _text(client, url, status=200):
    response = client.get(url)
    assert (url, response.status_code) == (url, status)
    return response.get_data(as_text=True)


def test_staff_prepare_a_tender_through_the_pages(client, login, make):
    staff = login(make.user(Role.STAFF))
    call = make.call("draft", route="tender", staff=staff)
    assert "填写招标信息" in _text(client, f"/calls/{call.id}")
    assert "填写招标信息" in _text(client, "/staff/tenders")
    assert client.get(f"/staff/calls/{call.id}/tender").status_code == 302
    tender = helpers.tender_call(staff=staff)
    page = _text(client, f"/tenders/{tender.id}")
    assert "技术评分标准" in page and "价格得分 = 最低有效报价 ÷ 投标报价 × 30" in page
    criteria = _text(client, f"/staff/tenders/{tender.id}/criteria")
    assert "技术标准1" in criteria
    response = client.post(
        f"/staff/tenders/{tender.id}/criteria",
        data={
            "rows-0-name": "服务方案",
            "rows-0-max_score": "40",
            "rows-1-name": "团队",
            "rows-1-max_score": "30",
        },
    )
    assert response.status_code == 302
    from venture.review.operations import criteria_of

    assert [(c.name, int(c.max_score)) for c in criteria_of(tender.call_id)] == [
        ("服务方案", 40),
        ("团队", 30),
    ]
    response = client.post(f"/staff/calls/{tender.call_id}/publish")
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.call.stage.value == "published"


def test_a_whole_tender_page_by_page(client, login, make):
    staff = make.user(Role.STAFF)
    tender = helpers.published_tender(staff=staff, ceiling="110000.00")
    member = login(make.member())
    assert tender.call.title in _text(client, "/")  # the open tenders home panel
    assert tender.call.title in _text(client, "/bids")
    assert "编制投标文件" in _text(client, f"/tenders/{tender.id}")
    response = client.post(f"/tenders/{tender.id}/bid")
    assert response.status_code == 302
    own = db.session.query(Bid).filter_by(organization_id=member.organization_id).one()
    page = _text(client, f"/bids/{own.id}/edit")
    assert "营业执照或登记证书" in page and "最高限价为 ¥110,000.00。" in page

    bids = [helpers.bid(tender, p) for p in ("90000.00", "100000.00", "120000.00")]
    helpers.opened(tender, staff)
    _as(client, login, staff)
    assert "开标记录" in _text(client, f"/tenders/{tender.id}/opening")
    evaluation = _text(client, f"/staff/tenders/{tender.id}/evaluation")
    assert "进行符合性审查" in evaluation
    assert client.post(f"/staff/tenders/{tender.id}/compliance").status_code == 302
    db.session.expire_all()
    assert [b.state for b in bids] == [
        BidState.COMPLIANT,
        BidState.COMPLIANT,
        BidState.NON_COMPLIANT,
    ]
    experts = [helpers.expert() for _ in range(5)]
    response = client.post(
        f"/staff/tenders/{tender.id}/panel/manual",
        data={"member_ids": [str(e.id) for e in experts]},
    )
    assert response.status_code == 302
    assert experts[0].name in _text(client, f"/staff/tenders/{tender.id}/evaluation")

    _as(client, login, experts[0].user)
    assert bids[0].organization.name in _text(client, "/review/tenders")
    assert "评标" in _text(client, "/")
    from venture.review.operations import criteria_of

    criteria = criteria_of(tender.call_id)
    sheet_url = f"/review/tenders/bids/{bids[0].id}"
    assert bids[0].organization.name in _text(client, sheet_url)
    client.post(f"{sheet_url}/no-conflict")  # 回避声明 before the sheet opens
    response = client.post(
        sheet_url,
        data={f"score-{criteria[0].id}": "45", f"score-{criteria[1].id}": "20", "action": "submit"},
    )
    assert response.status_code == 400
    assert "分数应在 0 到 40 之间。" in response.get_data(as_text=True)
    assert client.get(f"/bids/{bids[0].id}").status_code == 200  # the panel reads the bid
    assert client.get(f"/bids/{bids[2].id}").status_code == 200
    for e in experts:
        _as(client, login, e.user)
        for made in bids[:2]:
            client.post(f"/review/tenders/bids/{made.id}/no-conflict")
            response = client.post(
                f"/review/tenders/bids/{made.id}",
                data={
                    f"score-{criteria[0].id}": "30",
                    f"score-{criteria[1].id}": "20.5",
                    "action": "submit",
                },
            )
            assert response.status_code == 302
    on_bids = (
        db.session.query(ReviewSheet)
        .join(ReviewAssignment)
        .filter(ReviewAssignment.bid_id.is_not(None), ReviewSheet.state == SheetState.SUBMITTED)
    )
    assert on_bids.count() == 10

    _as(client, login, staff)
    assert client.post(f"/staff/tenders/{tender.id}/scores").status_code == 302
    evaluation = _text(client, f"/staff/tenders/{tender.id}/evaluation")
    assert "80.50" in evaluation and "77.50" in evaluation
    result = _text(client, f"/staff/tenders/{tender.id}/result")
    assert bids[0].organization.name in result
    response = client.post(
        f"/staff/tenders/{tender.id}/result",
        data={"title": "中标候选人公示", "introduction": "", "period_days": "3"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert tender.announcement.kind.value == "tender_result"
    assert "¥90,000.00" in _text(client, f"/announcements/{tender.announcement_id}")
    assert tender.call.title in _text(client, "/")  # staff home panel: being evaluated


def test_staff_lists_and_the_designation_pages(client, login, make):
    staff = login(make.user(Role.STAFF))
    call = make.call(route="targeted", staff=staff)
    page = _text(client, "/staff/designations")
    assert call.title in page
    assert client.get(f"/staff/calls/{call.id}/designation").status_code == 302
    form = _text(client, f"/staff/calls/{call.id}/designation/new")
    assert "书面理由" in form
    assert "定向委托" in _text(client, f"/calls/{call.id}")


def test_a_tender_call_has_no_apply_button_and_refuses_applications(client, login, make):
    tender = helpers.published_tender()
    login(make.member())
    page = _text(client, f"/calls/{tender.call_id}")
    assert "招标公告、澄清与投标" in page
    assert f'action="/calls/{tender.call_id}/apply"' not in page
    response = client.post(f"/calls/{tender.call_id}/apply")
    assert response.status_code == 302
    from venture.applications.models import Application

    assert db.session.query(Application).count() == 0
