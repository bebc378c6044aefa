"""A residents' committee publishes a need; staff make a call from needs on the board and its
public page lists them (real Chromium)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from venture.auth.enums import Role
from venture.calls.models import Call
from venture.community.enums import NeedStatus
from venture.community.models import Need
from venture.core.timeutil import local_today
from venture.extensions import db

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", "Secret12345")
    page.click("button:has-text('登录')")
    page.wait_for_url("**/")


def test_committee_publishes_a_need_and_staff_make_a_public_call_from_needs(
    page, browser, live_server, make
):
    street = make.street(name="香坊大街街道")
    elderly = make.category(name_zh="养老")
    here = make.community(street, name="安康社区")
    committee = make.user(Role.COMMUNITY, community=here, name="孙丽")
    others = [
        make.need(
            make.community(street, name="和谐社区"), title="楼院适老化改造", category_=elderly
        ),
        make.need(
            make.community(street, name="幸福社区"), title="老年人智能手机课堂", category_=elderly
        ),
    ]
    staff = make.user(Role.STAFF, name="李明")

    # the residents' committee publishes a need
    sign_in(page, committee)
    page.click("nav >> text=社区需求")
    page.click("text=发布需求")
    page.fill("#title", "独居老人助餐服务")
    page.select_option("#category_id", label="养老")
    page.select_option("#urgency", "urgent")
    page.fill("#residents", "86")
    page.fill("#target_group", "辖区80岁以上独居老人")
    page.fill("#place", "安康社区服务站")
    page.fill("#description", "老人行动不便，买菜做饭困难，希望有助餐和送餐服务。")
    page.click("#need-form button:has-text('发布')")
    page.wait_for_selector("#need-facts")
    assert page.locator("h1").inner_text() == "独居老人助餐服务"
    assert page.locator(".need-status").inner_text() == "待响应"
    db.session.expire_all()
    published = db.session.scalars(select(Need).where(Need.title == "独居老人助餐服务")).one()
    assert published.community_id == here.id

    # staff choose the three needs on the board and make a call from them
    staff_context = browser.new_context(base_url=live_server, locale="zh-CN")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15000)
    try:
        sign_in(staff_page, staff)
        staff_page.goto(f"/staff/needs?street={street.id}")
        for need in [published, *others]:
            staff_page.check(f"#pick-{need.id}")
        staff_page.click("#make-call")
        staff_page.wait_for_url("**/staff/calls/new?**")
        for need in [published, *others]:
            assert staff_page.is_checked(f"#need-{need.id}")
        today = local_today()
        staff_page.fill("#title", "香坊大街街道为老服务公益创投")
        staff_page.fill("#total_budget", "600000")
        staff_page.fill("#cap_per_project", "200000")
        staff_page.fill("#project_start", (today + timedelta(days=60)).isoformat())
        staff_page.fill("#project_end", (today + timedelta(days=420)).isoformat())
        staff_page.fill("#closes_at", f"{(today + timedelta(days=30)).isoformat()}T17:00")
        # the description is written in the rich-text editor that stands over its textarea
        staff_page.locator(".richtext-editor:has(+ #description) .ql-editor").fill(
            "面向社区居委会发布的为老服务需求征集项目。"
        )
        staff_page.click("button:has-text('保存为草稿')")
        staff_page.wait_for_selector("#call-staff")
        staff_page.click("#call-staff button:has-text('发布')")
        staff_page.wait_for_selector(".alert-success")
    finally:
        staff_context.close()

    db.session.expire_all()
    call = db.session.scalars(select(Call)).one()
    assert call.published_at is not None
    assert {n.id for n in call.needs} == {published.id, *(n.id for n in others)}
    assert [n.status for n in call.needs] == [NeedStatus.ADDRESSED] * 3

    # anyone reads the needs on the public call page
    public = browser.new_context(base_url=live_server, locale="zh-CN")
    public_page = public.new_page()
    try:
        public_page.goto(f"/calls/{call.id}")
        titles = public_page.locator("#call-needs-table .need-title").all_inner_texts()
        assert sorted(titles) == sorted(
            ["独居老人助餐服务", "楼院适老化改造", "老年人智能手机课堂"]
        )
    finally:
        public.close()
