"""API tokens in a real browser: a member makes a token on the profile, an integration uses it,
the member revokes it; the API page is readable from the footer."""

import pytest

pytestmark = pytest.mark.browser


def test_member_makes_uses_and_revokes_a_token(page, browser_login, client, make):
    call = make.call()
    member = browser_login(make.member(name="李组织"))
    page.goto("/profile")
    page.click("text=API 令牌")
    page.fill("#name", "市政务服务平台")
    page.select_option("#expires", "30")
    page.click("button:has-text('创建令牌')")
    token = page.input_value("#new-token-value")
    assert page.locator("#tokens tbody tr td").first.inner_text() == "市政务服务平台"

    # the integration reads with the token, as the member
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["id"], me["name"]) == (member.id, "李组织")

    # shown once: reloading the page does not show it again
    page.goto("/profile/api-tokens")
    assert page.locator("#new-token-value").count() == 0
    page.click("#tokens button:has-text('撤销')")
    assert page.locator(".alert-success").inner_text() == "令牌“市政务服务平台”已撤销，不能再使用。"
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401

    # the footer leads to the API page, which links the call's open data
    page.goto(f"/calls/{call.id}")
    page.click("footer >> text=API 与开放数据")
    assert page.locator("h1").inner_text() == "API 与开放数据"
    assert page.locator("#open-data-links a").first.get_attribute("href") == (
        "/api/v1/ocds/releases.json"
    )
