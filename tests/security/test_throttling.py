"""Finding 6: sign-in is throttled per address (across accounts) as well as per account, and
does one hash check whether or not the account exists, so timing does not tell."""

from datetime import timedelta

import pytest
import time_machine

from tests.factories import PASSWORD
from venture.auth import models, operations
from venture.auth.enums import Role
from venture.core.timeutil import now
from venture.extensions import db


def _fail(client, email, address="203.0.113.7"):
    return client.post(
        "/login",
        data={"email": email, "password": "wrong-password"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_one_address_is_stopped_after_20_failures_across_accounts(client, make):
    user = make.user(Role.STAFF)
    statuses = [_fail(client, f"nobody{n}@example.com").status_code for n in range(20)]
    assert statuses == [200] * 20
    # the next try from that address is refused, even with a right password
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 429
    assert "此网络地址登录失败次数过多" in response.get_data(as_text=True)
    # another address is not affected
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert response.status_code == 302


def test_the_address_may_try_again_after_the_lockout(client, make):
    user = make.user(Role.STAFF)
    for n in range(20):
        _fail(client, f"nobody{n}@example.com")
    with time_machine.travel(now() + timedelta(minutes=16)):
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
    assert response.status_code == 302


def test_one_account_is_still_locked_after_5_failures_from_several_addresses(client, make):
    user = make.user(Role.STAFF)
    for n in range(5):
        _fail(client, user.email, address=f"192.0.2.{n + 1}")
    assert _fail(client, user.email, address="192.0.2.99").status_code == 429


@pytest.mark.parametrize("who", ["unknown", "known", "inactive"])
def test_sign_in_does_one_hash_check_whatever_the_account(client, make, monkeypatch, who):
    user = make.user(Role.STAFF) if who != "unknown" else None
    if who == "inactive":
        user.active = False
        db.session.commit()
    checks = []

    def counted(real):
        def check(hashed, password):
            checks.append(password)
            return real(hashed, password)

        return check

    monkeypatch.setattr(operations, "check_password_hash", counted(operations.check_password_hash))
    monkeypatch.setattr(models, "check_password_hash", counted(models.check_password_hash))
    email = user.email if user else "nobody@example.com"
    response = client.post("/login", data={"email": email, "password": "wrong-password"})
    assert (response.status_code, checks) == (200, ["wrong-password"])
