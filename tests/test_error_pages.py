"""Error pages in plain language: what happened and what to do, Chinese first."""

import re

from venture.auth.enums import Role


def _error(page):
    """(title, message) of an error page."""
    title = re.search(r'<h1 class="h3">(.*?)</h1>', page, re.S).group(1)
    message = re.search(r'<p class="lead">(.*?)</p>', page, re.S).group(1)
    return title, message


def test_not_found_says_what_to_check_and_offers_to_sign_in(client):
    response = client.get("/no-such-page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _error(page) == (
        "找不到这个页面",
        "地址可能有误，或者这条记录已删除、属于其他组织。请检查地址，或从首页重新进入。",
    )
    assert '<a class="btn btn-outline-primary" href="/login" id="error-sign-in">登录</a>' in page


def test_forbidden_says_whose_page_it_is_and_who_can_help(client, login, make):
    login(make.member())
    response = client.get("/staff/calls")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert _error(page) == (
        "您不能打开这个页面",
        "这个页面属于其他角色或其他组织。如果您应该能看到，请用正确的账号登录，"
        "或请系统管理员为您的账号分配相应角色。",
    )
    assert 'id="error-sign-in"' not in page  # signed in already


def test_wrong_method_says_to_use_the_buttons(client, login, make):
    login(make.user(Role.STAFF))
    response = client.get("/logout")
    assert response.status_code == 405
    assert _error(response.get_data(as_text=True)) == (
        "不能这样打开这个页面",
        "请使用页面上的按钮和链接操作，不要直接输入这个地址。",
    )


def test_server_error_says_it_is_not_the_users_fault(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr("venture.home.views.render_template", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert _error(response.get_data(as_text=True)) == (
        "系统出了问题",
        "这不是您的操作造成的，问题已记录，技术人员会处理。刚才的内容可能没有保存：请返回检查，"
        "几分钟后再试。",
    )


def test_wrong_password_says_what_to_do(client, make):
    user = make.user(Role.STAFF)
    page = client.post("/login", data={"email": user.email, "password": "Wrong123456"}).get_data(
        as_text=True
    )
    assert (
        "电子邮箱或密码不对，或者账号已停用。请检查后重试；忘记密码请点击下方的“忘记密码？”；"
        "账号停用请联系系统管理员。"
    ) in page
