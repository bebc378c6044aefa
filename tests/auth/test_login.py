from sqlalchemy import select

from venture.auth.enums import Role
from venture.auth.models import User
from venture.extensions import db


def test_login_page_is_in_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "<title>登录 · 公益创投平台</title>" in page


def test_wrong_password_is_refused(client, make):
    user = make.user(Role.STAFF)
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 200
    assert (
        "电子邮箱或密码不对，或者账号已停用。请检查后重试；忘记密码请点击下方的“忘记密码？”；账号停用请联系系统管理员。"
        in response.get_data(as_text=True)
    )


def test_login_email_is_case_insensitive(client, make):
    user = make.user(Role.STAFF, email="Person@Example.test")
    user.email = "person@example.com"
    db.session.commit()
    response = client.post(
        "/login", data={"email": "PERSON@example.com", "password": "Secret12345"}
    )
    assert response.status_code == 302


def test_open_redirect_is_ignored(client, make):
    user = make.user(Role.STAFF)
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": "Secret12345"}
    )
    assert response.headers["Location"] == "/"


def test_each_role_reaches_its_home_panel(client, make, login):
    headings = {
        Role.APPLICANT: "社会组织",
        Role.STAFF: "项目主管",
        Role.REVIEWER: "评审专家",
        Role.FINANCE: "财务人员",
        Role.EVALUATOR: "第三方评估机构",
        Role.COMMUNITY: "社区居委会",
        Role.ADMIN: "系统管理员",
    }
    for role, heading in headings.items():
        login(make.user(role))
        page = client.get("/").get_data(as_text=True)
        assert f'<h2 class="h5" id="panel-{role.value}">{heading}</h2>' in page
        client.post("/logout")


def test_deactivation_ends_existing_sessions(app, client, make, login):
    admin = make.user(Role.ADMIN)
    staff = make.user(Role.STAFF)
    login(staff)
    assert client.get("/staff/orgs").status_code == 200
    admin_client = app.test_client()
    admin_client.post("/login", data={"email": admin.email, "password": "Secret12345"})
    assert admin_client.post(f"/admin/users/{staff.id}/deactivate").status_code == 302
    response = client.get("/staff/orgs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admin_creates_user_with_roles(client, make, login):
    login(make.user(Role.ADMIN))
    response = client.post(
        "/admin/users/new",
        data={
            "name": "新专家",
            "email": "expert@example.com",
            "phone": "",
            "password": "Expert20261",
            "confirm": "Expert20261",
            "roles": ["reviewer", "evaluator"],
            "organization_id": "0",
            "community_id": "0",
        },
    )
    assert response.status_code == 302
    user = db.session.scalars(select(User).where(User.email == "expert@example.com")).one()
    assert user.roles == {Role.REVIEWER, Role.EVALUATOR}


def test_admin_cannot_deactivate_self(client, make, login):
    admin = login(make.user(Role.ADMIN))
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.session.refresh(admin)
    assert admin.active is True


def test_switching_to_english_shows_same_pages_in_english(client, make, login):
    client.post("/language", data={"locale": "en", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "<title>Sign in · Venture</title>" in page
    user = login(make.user(Role.STAFF))
    client.post("/language", data={"locale": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert "organizations waiting for verification" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"locale": "zh_CN", "next": "/"})
    assert "个组织等待认证" in client.get("/").get_data(as_text=True)


def test_password_change_needs_current_password(client, make, login):
    login(make.user(Role.STAFF))
    response = client.post(
        "/profile/password",
        data={"pw-current": "wrong", "pw-password": "NewSecret123", "pw-confirm": "NewSecret123"},
    )
    assert response.status_code == 400
    assert "当前密码不正确。" in response.get_data(as_text=True)


def test_five_failures_lock_the_account_for_a_while(client, make):
    user = make.user(Role.STAFF)
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    response = client.post("/login", data={"email": user.email, "password": "Secret12345"})
    assert response.status_code == 429
    assert "该账号登录失败次数过多，请在" in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
