"""A tender in a real browser: an organization submits a sealed bid; after the opening, staff
see the opening record with the bidder and the price."""

import pytest
from sqlalchemy import select

from tests.procurement import helpers
from venture.auth.enums import Role
from venture.extensions import db
from venture.procurement.enums import BidState
from venture.procurement.models import Bid

pytestmark = pytest.mark.browser


def test_organization_bids_and_staff_see_the_opening_record(
    page, browser, live_server, browser_login, make
):
    staff = make.user(Role.STAFF, name="李主管")
    tender = helpers.published_tender(staff=staff, ceiling="150000.00")
    member = make.member(name="赵投标")
    browser_login(member)

    # the organization finds the tender from its bids page and prepares a bid
    page.click("nav >> text=我的投标")
    page.click(f"#open-tenders >> text={tender.call.title}")
    page.click("#start-bid")
    page.fill("#price", "96,800.00")
    page.fill("#approach", "组建专业社工团队，每周上门探访独居老人。")
    page.fill("#team", "持证社工 3 名，志愿者 20 名。")
    page.fill("#schedule", "签约后一个月内完成建档，按月开展活动。")
    page.fill("#quality", "建立服务台账，每季度回访满意度。")
    for index, _label in enumerate(tender.document_names):
        page.set_input_files(
            f"input[name=file-{index}]",
            files=[{"name": f"doc{index}.pdf", "mimeType": "application/pdf",
                    "buffer": helpers.MINIMAL_PDF}],
        )  # fmt: skip
    page.check("#declaration")
    page.click("#submit-bid")
    assert page.locator(".alert-success").inner_text() == "投标文件已递交，开标前保持密封。"
    assert page.locator("#bid-state").inner_text() == "已递交（密封）"
    db.session.expire_all()
    bid = db.session.scalars(select(Bid)).one()
    assert (bid.state, str(bid.price), len(bid.attachments)) == (
        BidState.SUBMITTED,
        "96800.00",
        2,
    )

    # staff see only a count while the bid is sealed; after the deadline they open the bids
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    staff_page = context.new_page()
    staff_page.goto("/login")
    staff_page.fill("#email", staff.email)
    staff_page.fill("#password", "Secret12345")
    staff_page.click("button:has-text('登录')")
    staff_page.wait_for_url("**/")
    staff_page.goto(f"/tenders/{tender.id}")
    assert staff_page.locator("#sealed-count").inner_text().startswith("已收到密封投标 1 份。")
    assert "96,800.00" not in staff_page.content()
    helpers.pass_deadline(tender)
    staff_page.reload()
    staff_page.click("button:has-text('开标')")
    staff_page.wait_for_url(f"**/tenders/{tender.id}/opening")
    rows = staff_page.locator("#opening-record tbody tr")
    assert rows.count() == 1
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[1:3] == [member.organization.name, "¥96,800.00"]
    assert cells[5] == "是"
    assert staff_page.locator("text=下载开标记录（PDF）").count() == 1
    context.close()
