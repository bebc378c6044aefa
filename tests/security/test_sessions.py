"""Finding 5: each sign-in is a session held on the server. Logout, a password change,
deactivation and "sign out everywhere" end it, and a cookie kept from before is refused."""

import sqlalchemy as sa

from tests.factories import PASSWORD
from venture.auth import operations
from venture.auth.enums import Role
from venture.auth.models import UserSession
from venture.extensions import db


def _kept_cookie(app, user):
    """A second browser signed in as user; returns its client."""
    other = app.test_client()
    response = other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return other


def _replay(app, cookies):
    """A fresh client presenting cookies copied earlier."""
    thief = app.test_client()
    thief._cookies = dict(cookies)
    return thief


def test_a_cookie_kept_from_before_logout_is_refused(app, make):
    admin = make.user(Role.ADMIN)
    browser = _kept_cookie(app, admin)
    kept = dict(browser._cookies)
    assert browser.get("/admin/users").status_code == 200
    assert browser.post("/logout").status_code == 302
    response = _replay(app, kept).get("/admin/users")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "/login?next=%2Fadmin%2Fusers",
    )
    ended = db.session.scalars(sa.select(UserSession.ended_because)).all()
    assert ended == ["logout"]


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, make):
    user = make.user(Role.STAFF)
    other = _kept_cookie(app, user)
    this = _kept_cookie(app, user)
    response = this.post(
        "/profile/password",
        data={
            "pw-current": PASSWORD,
            "pw-password": "Another-pass-123",
            "pw-confirm": "Another-pass-123",
        },
    )
    assert response.status_code == 302
    assert (this.get("/staff/orgs").status_code, other.get("/staff/orgs").status_code) == (
        200,
        302,
    )


def test_deactivation_ends_every_session(app, make):
    admin, user = make.user(Role.ADMIN), make.user(Role.STAFF)
    browser = _kept_cookie(app, user)
    operations.set_user_active(user, False, actor=admin)
    db.session.commit()
    user.active = True  # even reactivated at once, the old cookie stays refused
    db.session.commit()
    assert browser.get("/staff/orgs").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_account(app, make):
    user = make.user(Role.STAFF)
    phone, laptop = _kept_cookie(app, user), _kept_cookie(app, user)
    response = laptop.post("/profile/sign-out-everywhere")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert (phone.get("/staff/orgs").status_code, laptop.get("/staff/orgs").status_code) == (
        302,
        302,
    )
    assert db.session.scalars(sa.select(UserSession.ended_because)).all() == [
        "everywhere",
        "everywhere",
    ]


def test_the_profile_offers_sign_out_everywhere(client, make, login):
    login(make.user(Role.STAFF))
    page = client.get("/profile").get_data(as_text=True)
    assert 'action="/profile/sign-out-everywhere"' in page
    assert "退出所有设备" in page
