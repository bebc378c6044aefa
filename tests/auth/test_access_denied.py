"""Refused requests (403) are recorded and shown to staff and administrators."""

from sqlalchemy import select

from venture.auth.enums import Role
from venture.auth.models import AccessDenied
from venture.extensions import db


def test_403_is_recorded_with_actor_path_and_method(client, make, login):
    applicant = login(make.member())
    assert client.get("/admin/users?page=2").status_code == 403
    assert client.post("/admin/users/1/deactivate").status_code == 403
    rows = db.session.scalars(select(AccessDenied).order_by(AccessDenied.id)).all()
    assert [(r.user_id, r.method, r.path) for r in rows] == [
        (applicant.id, "GET", "/admin/users?page=2"),
        (applicant.id, "POST", "/admin/users/1/deactivate"),
    ]


def test_staff_see_refused_requests(app, client, make, login):
    intruder = make.member(name="越权者")
    other = app.test_client()
    other.post("/login", data={"email": intruder.email, "password": "Secret12345"})
    other.get("/admin/audit")
    login(make.user(Role.STAFF))
    page = client.get("/admin/access-denied").get_data(as_text=True)
    assert "<code>/admin/audit</code>" in page
    assert f"越权者 ({intruder.email})" in page
    assert '<a href="/admin/access-denied">被拒绝的访问（403）</a>' in client.get(
        "/admin/audit"
    ).get_data(as_text=True)


def test_applicant_cannot_see_refused_requests(client, make, login):
    login(make.member())
    assert client.get("/admin/access-denied").status_code == 403
