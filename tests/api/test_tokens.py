"""Personal API tokens: made and revoked on the profile, shown once, kept hashed, checked on
every request."""

import hashlib
import re
from datetime import timedelta

import sqlalchemy as sa

from venture.api.models import ApiToken
from venture.auth.enums import Role
from venture.core import timeutil
from venture.extensions import db


def make_token(client, name="市政务服务平台", expires="90"):
    return client.post("/profile/api-tokens", data={"name": name, "expires": expires})


def test_token_is_shown_once_and_stored_hashed(client, login, make):
    user = login(make.member())
    response = make_token(client)
    page = response.get_data(as_text=True)
    token = db.session.scalars(sa.select(ApiToken)).one()
    text = re.search(r'value="(vnt_[^"]+)"', page).group(1)
    assert (response.status_code, token.user_id, token.name) == (200, user.id, "市政务服务平台")
    assert text.startswith(token.prefix + "_")
    assert token.token_hash == hashlib.sha256(text.encode()).hexdigest()
    assert text not in client.get("/profile/api-tokens").get_data(as_text=True)
    expires_in = token.expires_at - token.created_at
    assert timedelta(days=89, hours=23) < expires_in <= timedelta(days=90)


def test_a_token_acts_for_its_owner_and_records_its_use(api, make, token_for):
    member = make.member()
    text = token_for(member)
    response = api.get("/api/v1/me", text)
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert (response.status_code, response.get_json()["id"], response.get_json()["roles"]) == (
        200,
        member.id,
        ["applicant"],
    )
    assert token.last_used_at is not None
    assert response.headers["Cache-Control"] == "no-store"


def test_revoked_expired_and_wrong_tokens_are_refused(api, client, login, make, token_for):
    member = make.member()
    revoked, expired = token_for(member), token_for(member, days=30)
    login(member)
    rows = db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()
    client.post(f"/profile/api-tokens/{rows[0].id}/revoke")
    rows[1].expires_at = timeutil.now() - timedelta(seconds=1)
    db.session.commit()
    answers = [
        api.get("/api/v1/me", text).get_json()["error"]
        for text in (revoked, expired, revoked[:-1] + "x", "not-a-token")
    ]
    assert (
        answers
        == [{"code": "invalid_token", "message": "API 令牌无效：令牌错误、已过期或已撤销。"}] * 4
    )
    assert api.get("/api/v1/me", revoked).headers["WWW-Authenticate"] == 'Bearer realm="venture"'


def test_deactivated_accounts_tokens_stop_working(api, make, token_for):
    member = make.member()
    text = token_for(member)
    member.active = False
    db.session.commit()
    assert api.get("/api/v1/me", text).status_code == 401


def test_another_persons_token_cannot_be_revoked(client, login, make, token_for):
    token_for(make.member())
    other = db.session.scalars(sa.select(ApiToken)).one()
    login(make.user(Role.STAFF))
    assert client.post(f"/profile/api-tokens/{other.id}/revoke").status_code == 404
    db.session.refresh(other)
    assert other.revoked_at is None


def test_a_token_needs_a_name(client, login, make):
    login(make.member())
    response = make_token(client, name="  ")
    assert response.status_code == 400
    assert "请为令牌命名。" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(ApiToken)).all() == []


def test_the_api_ignores_the_session_cookie(client, login, make):
    """Signed in on the web but without a token, the API answers as to anyone: no cookie
    authenticates it, so no other site can make a signed-in browser write through it."""
    login(make.member())
    response = client.get("/api/v1/me")
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "token_required")
    assert client.get("/api/v1/calls").status_code == 200


def test_token_creation_and_revocation_are_audited(client, login, make):
    from venture.core.audit import AuditEntry

    login(make.member())
    make_token(client)
    token = db.session.scalars(sa.select(ApiToken)).one()
    client.post(f"/profile/api-tokens/{token.id}/revoke")
    actions = db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.object_type == "ApiToken")
        .order_by(AuditEntry.seq)
    ).all()
    assert actions == ["api_token.create", "api_token.revoke"]
