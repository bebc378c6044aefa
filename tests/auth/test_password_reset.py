"""Password reset by e-mail link: expiry, single use, no account enumeration."""

import email
import email.policy
import re
from pathlib import Path

from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db

NEW_PASSWORD = "Brandnew2026pw"


def mails(app):
    folder = Path(app.config["MAIL_FOLDER"])
    return sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime) if folder.exists() else []


def reset_link(app, before):
    new = [p for p in mails(app) if p not in before]
    assert len(new) == 1
    message = email.message_from_bytes(new[0].read_bytes(), policy=email.policy.default)
    body = message.get_content()
    return message, re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def test_login_page_links_to_forgotten_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<a href="/password/forgot">忘记密码？</a>' in page


def test_reset_link_sets_new_password_and_ends_other_sessions(app, client, make, login):
    user = make.user(Role.STAFF)
    login(user)
    other = app.test_client()
    before = mails(app)
    response = other.post("/password/forgot", data={"email": user.email.upper()})
    assert response.status_code == 302
    message, path = reset_link(app, before)
    assert message["To"] == user.email
    assert message["Subject"] == "重置公益创投平台密码"
    assert "设置新密码" in other.get(path).get_data(as_text=True)
    response = other.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    # the session signed in before the reset has ended
    assert client.get("/staff/orgs").status_code == 302
    db.session.expire_all()
    assert user.check_password(NEW_PASSWORD)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.startswith("user.password_reset"))
    ).all()
    assert sorted(actions) == ["user.password_reset", "user.password_reset_requested"]


def test_reset_link_works_only_once(app, client, make):
    user = make.user(Role.STAFF)
    before = mails(app)
    client.post("/password/forgot", data={"email": user.email})
    _message, path = reset_link(app, before)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.post(path, data={"password": "Another2026pw", "confirm": "Another2026pw"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/forgot"
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "该链接已过期或已使用，请重新申请。" in page
    db.session.expire_all()
    assert user.check_password(NEW_PASSWORD)


def test_reset_link_expires_after_an_hour(app, client, make, monkeypatch):
    user = make.user(Role.STAFF)
    before = mails(app)
    issued = TimestampSigner.get_timestamp(None)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: issued)
    client.post("/password/forgot", data={"email": user.email})
    _message, path = reset_link(app, before)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: issued + 3599)
    assert client.get(path).status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: issued + 3601)
    response = client.get(path)
    assert response.headers["Location"] == "/password/forgot"


def test_forged_link_is_refused(client):
    response = client.get("/password/reset/not-a-token")
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/forgot"


def test_unknown_email_gets_the_same_answer_and_no_mail(app, client, make):
    user = make.user(Role.STAFF)
    before = mails(app)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    assert mails(app) == before
    assert unknown.status_code == 302
    unknown_page = client.get("/login").get_data(as_text=True)
    known = client.post("/password/forgot", data={"email": user.email})
    assert known.headers["Location"] == unknown.headers["Location"]
    known_page = client.get("/login").get_data(as_text=True)
    notice = "如果该电子邮箱已注册账号，重置密码的链接已发送至该邮箱，链接一小时内有效。"
    assert notice in unknown_page
    assert notice in known_page


def test_weak_new_password_gets_the_rule(app, client, make):
    user = make.user(Role.STAFF)
    before = mails(app)
    client.post("/password/forgot", data={"email": user.email})
    _message, path = reset_link(app, before)
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "密码至少 10 位，须同时包含字母和数字。" in response.get_data(as_text=True)
