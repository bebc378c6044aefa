"""Idle and absolute session timeouts, secure cookies in production."""

from datetime import timedelta

import pytest

from venture import create_app
from venture.auth.enums import Role


def shift_session(client, **seconds_ago):
    """Move the session's clock entries into the past."""
    with client.session_transaction() as session:
        for key, seconds in seconds_ago.items():
            session[key] -= seconds


def test_session_ends_after_idle_timeout(client, make, login):
    login(make.user(Role.STAFF))
    shift_session(client, seen_at=2 * 3600 + 1, signed_in_at=2 * 3600 + 1)
    response = client.get("/staff/orgs")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/staff/orgs"
    page = client.get("/login").get_data(as_text=True)
    assert "您长时间未操作，已自动退出，请重新登录。" in page
    assert client.get("/staff/orgs").status_code == 302


def test_session_stays_while_in_use(client, make, login):
    login(make.user(Role.STAFF))
    shift_session(client, seen_at=2 * 3600 - 60, signed_in_at=2 * 3600 - 60)
    assert client.get("/staff/orgs").status_code == 200
    # the request renewed the idle clock
    shift_session(client, seen_at=2 * 3600 - 60)
    assert client.get("/staff/orgs").status_code == 200


def test_session_ends_after_absolute_timeout_even_when_active(client, make, login):
    login(make.user(Role.STAFF))
    shift_session(client, signed_in_at=12 * 3600 + 1)
    response = client.get("/staff/orgs")
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert "登录已超过有效时长，请重新登录。" in page


def test_timeouts_are_configurable(app, client, make, login):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=5)
    try:
        login(make.user(Role.STAFF))
        shift_session(client, seen_at=5 * 60 + 1)
        assert client.get("/staff/orgs").status_code == 302
    finally:
        app.config["SESSION_IDLE_TIMEOUT"] = timedelta(hours=2)


def test_expired_post_is_refused_and_signs_out(client, make, login):
    login(make.user(Role.STAFF))
    shift_session(client, seen_at=3 * 3600)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("environment", "secure"),
    [
        ({"VENTURE_ENV": "production"}, True),
        ({"PREFERRED_URL_SCHEME": "https"}, True),
        ({}, False),
    ],
)
def test_cookies_are_secure_in_production(monkeypatch, tmp_path, environment, secure):
    monkeypatch.delenv("VENTURE_ENV", raising=False)
    monkeypatch.delenv("PREFERRED_URL_SCHEME", raising=False)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.sqlite'}"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure
